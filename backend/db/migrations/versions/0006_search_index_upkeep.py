"""search indexes: smaller deferred work for the writers

PostgreSQL: the GIN indexes of the search documents keep a pending list of 256 kB instead
of gin_pending_list_limit's 4 MB. New entries go to that list, and the write that finds it
full merges it into the index inside its own transaction: with 4 MB, a submission then took
up to 1.2 s (submit at c=8 on the benchmark data, p99 816 -> 194 ms, max 1,168 -> 313 ms).
Every search also scans the list. Autovacuum merges it in the background too, where it runs.
Without a pending list (fastupdate off) a comment on a long thread inserted each of its
thousands of entries at once: 4 s with cold pages, 15-18 ms warm against 5 ms.

SQLite: FTS5's segments are merged into one ('optimize'). A 'rebuild' (migration 0005 on
existing data) leaves them half merged, and the next few thousand writes each carried on
merging (transactions of up to 0.5 s). Later writes merge in small steps as they go.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 08:40:00.000000
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
        op.execute(f"ALTER INDEX {index} SET (gin_pending_list_limit = 256)")
        # Entries already pending go into the index now, not in some user's write.
        op.execute(f"SELECT gin_clean_pending_list('{index}'::regclass)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for index in _GIN_INDEXES:
        op.execute(f"ALTER INDEX {index} RESET (gin_pending_list_limit)")
