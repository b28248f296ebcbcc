"""search indexes: no deferred work left for the writers

PostgreSQL: the GIN indexes of the search documents take new entries directly
(fastupdate off). With GIN's pending list, every search also scanned the list (up to
gin_pending_list_limit, 4 MB, of unsorted entries), and the write that found it full merged
it into the index inside its own transaction: a submission then took up to 0.9 s (measured:
3,000 submissions' rows, mean 2.0 -> 1.5 ms, max 867 -> 168 ms). Autovacuum would merge the
list in the background, but not all installations run it.

SQLite: FTS5's segments are merged into one ('optimize'). A 'rebuild' (migration 0005 on
existing data) leaves them half merged, and the next few thousand writes each carried on
merging (transactions of up to 0.5 s). Later writes merge in small steps as they go.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 08:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_GIN_INDEXES = (
    "ix_request_search_documents_public",
    "ix_request_search_documents_all",
    "ix_request_search_documents_head",
)
_FTS_TABLES = ("request_search_fts", "request_search_head_fts")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in _FTS_TABLES:
            op.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
        return
    for index in _GIN_INDEXES:
        op.execute(f"ALTER INDEX {index} SET (fastupdate = off)")
        # Entries already pending go into the index now, not in some user's write.
        op.execute(f"SELECT gin_clean_pending_list('{index}'::regclass)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for index in _GIN_INDEXES:
        op.execute(f"ALTER INDEX {index} RESET (fastupdate)")
