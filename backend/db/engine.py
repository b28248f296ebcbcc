"""Engine and session factories for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import event, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from backend.config import Settings
from backend.db import sqlite_driver

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
    # Writers take the lock at BEGIN so concurrent writers queue instead of failing with
    # "database is locked" when a reader upgrades. Writers of this process queue on
    # Database's write lock first; busy_timeout is left for writers of other processes (CLI,
    # a second worker).
    # Readers open no transaction: each statement reads its own snapshot (WAL), as every
    # statement does under PostgreSQL's READ COMMITTED, which the app already lives with.
    # A BEGIN and its ROLLBACK were two more trips to the connection's thread per read.
    if conn.get_execution_options().get(_WRITE_OPTION, False):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_reset(dbapi_connection: Any, _record: Any, reset_state: Any) -> None:
    # A connection comes back to the pool after its session or connection already ended its
    # transaction; the pool's unconditional ROLLBACK would cost one more trip to the
    # connection's thread (backend/db/sqlite_driver.py) per checkout. Roll back only what is
    # still open (a task cancelled mid-transaction): a write left open would lock out every
    # other writer.
    if reset_state.terminate_only:
        return
    if dbapi_connection.driver_connection.in_transaction:
        dbapi_connection.rollback()


def make_engine(settings: Settings) -> AsyncEngine:
    url = settings.resolved_database_url
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        parsed = make_url(url)
        if parsed.database and not parsed.query:  # a plain file: see sqlite_driver.py
            connect = sqlite_driver.connector(parsed.database, timeout=30)
            engine = create_async_engine(
                url,
                async_creator=connect,
                pool_reset_on_return=None,
                pool_size=settings.sqlite_pool_size,
                max_overflow=0,
            )
            event.listen(engine.sync_engine, "reset", _sqlite_reset)
        else:
            engine = create_async_engine(url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    engine = create_async_engine(url, pool_size=settings.db_pool_size, max_overflow=10)
    event.listen(engine.sync_engine, "checkout", _ping_if_idle)
    event.listen(engine.sync_engine, "checkin", _stamp_checkin)
    return engine


# A pooled PostgreSQL connection idle this long is pinged before use (a restarted or
# failed-over server dropped it). SQLAlchemy's pool_pre_ping pings at every checkout: two
# round trips per API request (the viewer, then the work), 4% of a submission's time.
# A connection in steady use that was dropped fails its statement instead, and SQLAlchemy
# then invalidates the whole pool, as it would for a server lost mid-request.
PING_AFTER_IDLE_SECONDS = 5.0
_CHECKED_IN = "frontdesk_checked_in"


def _stamp_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info[_CHECKED_IN] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    since = record.info.get(_CHECKED_IN)
    if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
        return  # fresh, or in use moments ago
    try:
        dbapi_connection.ping()
    except Exception as error:  # any failure: the pool replaces the connection and retries
        raise DisconnectionError() from error


class _WriteLock:
    """One SQLite writer at a time within an event loop, and which task it is."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.holder: asyncio.Task[Any] | None = None


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
        self._write_sessions: async_sessionmaker[AsyncSession] = async_sessionmaker(
            engine.execution_options(**{_WRITE_OPTION: True}),
            expire_on_commit=False,
            autoflush=False,
        )
        # SQLite has one writer at a time. Left to busy_timeout, writers of one process poll
        # for the file lock with growing sleeps (seconds of p99 at 8 concurrent writers); an
        # asyncio lock hands it over at once. One lock per event loop: asyncio locks belong
        # to a loop, and tests run servers in loops of their own.
        self._write_locks: WeakKeyDictionary[asyncio.AbstractEventLoop, _WriteLock] = (
            WeakKeyDictionary()
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        return cls(make_engine(settings))

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A session for one write transaction (use `transaction`, which also commits).

        On SQLite it holds the process's write lock from before its BEGIN IMMEDIATE until the
        session is closed (after COMMIT or ROLLBACK), also when the task is cancelled.
        """
        if self.dialect != "sqlite":
            async with self._write_sessions() as session:
                yield session
            return
        write_lock = self._write_locks.get(asyncio.get_running_loop())
        if write_lock is None:
            write_lock = self._write_locks[asyncio.get_running_loop()] = _WriteLock()
        task = asyncio.current_task()
        if task is not None and task is write_lock.holder:
            # Waiting for our own lock would hang; SQLite cannot nest write transactions.
            raise RuntimeError("a write transaction inside another one of the same task")
        async with write_lock.lock:
            write_lock.holder = task
            try:
                async with self._write_sessions() as session:
                    yield session
            finally:
                write_lock.holder = None

    @asynccontextmanager
    async def transaction(self, *, inline_writes: bool = False) -> AsyncIterator[AsyncSession]:
        """One write transaction: committed when the block ends, rolled back on any exception.

        Messages queued on the session (backend/events/publish.py) go to `publisher` only after
        the commit succeeded: subscribers never hear of a change that was rolled back.
        `inline_writes`: on SQLite, the INSERTs and UPDATEs run in the event loop's thread
        (backend/db/sqlite_driver.py); only for transactions whose statements each write a
        few rows.
        """
        token = sqlite_driver.inline_writes.set(inline_writes)
        try:
            async with self.write() as session:
                async with session.begin():
                    yield session
                pending = session.info.pop(PENDING_MESSAGES, [])
        finally:
            sqlite_driver.inline_writes.reset(token)
        if pending and self.publisher is not None:
            for channel, message in pending:
                await self.publisher(channel, message)

    async def dispose(self) -> None:
        await self.engine.dispose()
