"""Engine and session factories for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from backend.config import Settings

_WRITE_OPTION = "frontdesk_write"
# Key in Session.info under which messages wait for the commit.
PENDING_MESSAGES = "frontdesk_pending_messages"


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # SQLAlchemy emits BEGIN itself (see _sqlite_begin); pysqlite's implicit transactions off.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # Writers take the lock at BEGIN so concurrent writers queue on busy_timeout instead of
    # failing with "database is locked" when a reader upgrades; readers stay concurrent (WAL).
    immediate = conn.get_execution_options().get(_WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(settings: Settings) -> AsyncEngine:
    url = settings.resolved_database_url
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    return create_async_engine(
        url, pool_size=settings.db_pool_size, max_overflow=10, pool_pre_ping=True
    )


class Database:
    """The engine plus two session factories: `read` for queries, `write` for transactions."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        # Set by the app to its broker's publish; None (CLI, tests) drops pending messages.
        self.publisher: Callable[[str, dict[str, Any]], Awaitable[None]] | None = None
        self.dialect = engine.dialect.name
        self.read: async_sessionmaker[AsyncSession] = async_sessionmaker(
            engine, expire_on_commit=False, autoflush=False
        )
        self.write: async_sessionmaker[AsyncSession] = async_sessionmaker(
            engine.execution_options(**{_WRITE_OPTION: True}),
            expire_on_commit=False,
            autoflush=False,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        return cls(make_engine(settings))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One write transaction: committed when the block ends, rolled back on any exception.

        Messages queued on the session (backend/events/publish.py) go to `publisher` only after
        the commit succeeded: subscribers never hear of a change that was rolled back.
        """
        async with self.write() as session:
            async with session.begin():
                yield session
            pending = session.info.pop(PENDING_MESSAGES, [])
        if pending and self.publisher is not None:
            for channel, message in pending:
                await self.publisher(channel, message)

    async def dispose(self) -> None:
        await self.engine.dispose()
