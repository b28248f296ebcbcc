"""Alembic migrations: `upgrade head` on empty SQLite and PostgreSQL databases, the migrated
schema equals the models, and downgrading to base then upgrading again works."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.config import Settings
from backend.db.engine import Database
from backend.db.migrate import (
    alembic_config,
    compare_options,
    current_revision,
    head_revision,
    include_name,
    upgrade,
)
from backend.db.models import Base
from tests.support.services import create_pg_database, drop_pg_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings pointing at a brand-new, empty database of each kind."""
    if request.param == "sqlite":
        yield Settings(env="test", data_dir=tmp_path / "data")
        return
    url = create_pg_database()
    try:
        yield Settings(env="test", data_dir=tmp_path / "data", database_url=url)
    finally:
        drop_pg_database(url)


def run(settings: Settings, work: Any) -> Any:
    """Run `work(engine)` on a fresh engine for `settings`, disposing of it afterwards."""

    async def main() -> Any:
        db = Database.from_settings(settings)
        try:
            return await work(db.engine)
        finally:
            await db.dispose()

    return asyncio.run(main())


async def downgrade(engine: AsyncEngine, revision: str = "base") -> None:
    def _run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(_run)


def _differences(connection: Connection, metadata: sa.MetaData) -> list[Any]:
    context = MigrationContext.configure(connection, opts=compare_options())
    return list(compare_metadata(context, metadata))


async def differences(engine: AsyncEngine, metadata: sa.MetaData = Base.metadata) -> list[Any]:
    async with engine.connect() as connection:
        return list(await connection.run_sync(_differences, metadata))


async def tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda c: sa.inspect(c).get_table_names())
    # The search index's FTS5 tables (SQLite) are made by the migration, not by models.
    return {n for n in names if include_name(n, "table", None)} - {"alembic_version"}


def test_upgrade_head_on_an_empty_database_matches_the_models(empty_database: Settings) -> None:
    async def work(engine: AsyncEngine) -> None:
        assert await tables(engine) == set()
        assert await current_revision(engine) is None
        await upgrade(engine)
        assert await current_revision(engine) == head_revision()
        assert await tables(engine) == set(Base.metadata.tables)
        assert await differences(engine) == []
        # Running it again is a no-op.
        await upgrade(engine)
        assert await current_revision(engine) == head_revision()

    run(empty_database, work)


def test_downgrade_to_base_and_upgrade_again(empty_database: Settings) -> None:
    async def work(engine: AsyncEngine) -> None:
        await upgrade(engine)
        await downgrade(engine, "base")
        assert await current_revision(engine) is None
        assert await tables(engine) == set()
        await upgrade(engine)
        assert await current_revision(engine) == head_revision()
        assert await differences(engine) == []

    run(empty_database, work)


def test_the_comparison_notices_a_model_the_migrations_lack(empty_database: Settings) -> None:
    """The check above has teeth: a column, table or index only the models know about shows."""
    changed = sa.MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["organisations"].append_column(sa.Column("colour", sa.String(20)))
    sa.Index("ix_teams_description", changed.tables["teams"].c.description)
    sa.Table("gadgets", changed, sa.Column("id", sa.Integer, primary_key=True))

    async def work(engine: AsyncEngine) -> list[Any]:
        await upgrade(engine)
        return await differences(engine, changed)

    found = {(d[0], _name(d)) for d in run(empty_database, work) if isinstance(d, tuple)}
    assert found == {
        ("add_column", "colour"),
        ("add_index", "ix_teams_description"),
        ("add_table", "gadgets"),
    }


def _name(difference: tuple[Any, ...]) -> str:
    kind = difference[0]
    if kind == "add_column":
        return str(difference[3].name)
    return str(difference[1].name)


def test_search_indexes_leave_little_deferred_work_to_writers(empty_database: Settings) -> None:
    """PostgreSQL's search GIN indexes keep a small pending list (a user's write that finds
    it full merges it; every search scans it); SQLite's FTS5 tables are optimized by the
    same migration (0006) and still answer."""

    async def work(engine: AsyncEngine) -> None:
        await upgrade(engine)
        async with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                for table in ("request_search_fts", "request_search_head_fts"):
                    found = await connection.exec_driver_sql(
                        f"SELECT count(*) FROM {table} WHERE {table} MATCH 'printer'"
                    )
                    assert found.scalar() == 0
                return
            options = await connection.exec_driver_sql(
                "SELECT relname, reloptions FROM pg_class "
                "WHERE relname LIKE 'ix_request_search_documents_%' ORDER BY relname"
            )
            assert [tuple(row) for row in options] == [
                ("ix_request_search_documents_all", ["gin_pending_list_limit=256"]),
                ("ix_request_search_documents_head", ["gin_pending_list_limit=256"]),
                ("ix_request_search_documents_public", ["gin_pending_list_limit=256"]),
            ]

    run(empty_database, work)
