"""Apply and check Alembic migrations programmatically (used by the CLI and the tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Made by migrations by hand, not models: SQLite's FTS5 search table and its shadow tables,
# PostgreSQL's full-text indexes and stored tsvector column.
_UNMODELLED_TABLE_PREFIXES = ("request_search_fts", "request_search_head_fts")
_UNMODELLED_INDEXES = (
    "ix_request_search_documents_public",
    "ix_request_search_documents_all",
    "ix_request_search_documents_head",
)
_UNMODELLED_COLUMNS = ("head_vector",)


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """Autogenerate filter: leave out database objects that no model describes."""
    if not name:
        return True
    if type_ == "table":
        return not name.startswith(_UNMODELLED_TABLE_PREFIXES)
    if type_ == "index":
        return name not in _UNMODELLED_INDEXES
    if type_ == "column":
        return name not in _UNMODELLED_COLUMNS
    return True


def compare_options() -> dict[str, Any]:
    """Options for comparing models and database, shared by env.py and the tests."""
    return {"compare_type": True, "include_name": include_name}


def alembic_config(database_url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if database_url:
        config.set_main_option("sqlalchemy.url", database_url)
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the database at `engine` to `revision` in one transaction per run."""

    def _run(connection: object) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(_run)


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda c: MigrationContext.configure(c).get_current_revision()
        )


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
