"""search: a request's own text (head) indexed apart from its conversation

Ranking every request whose comments mention two common words is what made search slow
(tens of thousands of matches to rank); searches now rank the requests whose own text
matches first, among far fewer candidates (see backend/domain/search.py).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 02:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 2_000


def upgrade() -> None:
    # A plain ADD COLUMN: rebuilding the table would drop the FTS triggers on SQLite.
    op.add_column(
        "request_search_documents",
        sa.Column("head_text", sa.Text(), nullable=False, server_default=""),
    )
    _backfill_heads()
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE request_search_head_fts USING fts5(head_text, "
            "content='request_search_documents', content_rowid='request_id', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        insert = (
            "INSERT INTO request_search_head_fts(rowid, head_text) "
            "VALUES (new.request_id, new.head_text);"
        )
        delete = (
            "INSERT INTO request_search_head_fts(request_search_head_fts, rowid, head_text) "
            "VALUES ('delete', old.request_id, old.head_text);"
        )
        op.execute(
            "CREATE TRIGGER request_search_documents_head_ai AFTER INSERT ON "
            f"request_search_documents BEGIN {insert} END"
        )
        op.execute(
            "CREATE TRIGGER request_search_documents_head_ad AFTER DELETE ON "
            f"request_search_documents BEGIN {delete} END"
        )
        # Only when the head changes: a new comment must not re-index it.
        op.execute(
            "CREATE TRIGGER request_search_documents_head_au AFTER UPDATE OF head_text ON "
            f"request_search_documents BEGIN {delete} {insert} END"
        )
        op.execute(
            "INSERT INTO request_search_head_fts(request_search_head_fts) VALUES ('rebuild')"
        )
    else:
        # Stored, so ranking reads the vector instead of parsing the text of every match.
        op.execute(
            "ALTER TABLE request_search_documents ADD COLUMN head_vector tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple', head_text)) STORED"
        )
        op.execute(
            "CREATE INDEX ix_request_search_documents_head ON request_search_documents "
            "USING gin (head_vector)"
        )


def _backfill_heads() -> None:
    """Each existing request's head, by the rule new documents are written with."""
    from backend.domain.search import head_text

    bind = op.get_bind()
    requests = sa.table(
        "requests",
        sa.column("id", sa.Integer),
        sa.column("reference", sa.String),
        sa.column("summary", sa.String),
        sa.column("description", sa.Text),
        sa.column("field_values", sa.JSON),
        sa.column("form_version_id", sa.Integer),
    )
    versions = sa.table("form_versions", sa.column("id", sa.Integer), sa.column("fields", sa.JSON))
    documents = sa.table(
        "request_search_documents",
        sa.column("request_id", sa.Integer),
        sa.column("head_text", sa.Text),
    )
    fields_of = {row.id: row.fields or [] for row in bind.execute(sa.select(versions))}
    after = 0
    while True:
        rows = bind.execute(
            sa.select(requests).where(requests.c.id > after).order_by(requests.c.id).limit(_BATCH)
        ).all()
        if not rows:
            return
        bind.execute(
            documents.update()
            .where(documents.c.request_id == sa.bindparam("rid"))
            .values(head_text=sa.bindparam("head")),
            [
                {
                    "rid": row.id,
                    "head": head_text(
                        row.reference,
                        row.summary,
                        row.description,
                        fields_of.get(row.form_version_id, []),
                        row.field_values or {},
                    ),
                }
                for row in rows
            ],
        )
        after = rows[-1].id


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS request_search_documents_head_{suffix}")
        op.execute("DROP TABLE IF EXISTS request_search_head_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_request_search_documents_head")
        op.execute("ALTER TABLE request_search_documents DROP COLUMN IF EXISTS head_vector")
    op.drop_column("request_search_documents", "head_text")
