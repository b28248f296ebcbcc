"""aiosqlite with one trip to the connection's thread per statement.

aiosqlite runs each SQLite connection in a thread of its own; every call is a trip there and
back (a queue put, a thread wake-up, a callback into the event loop). SQLAlchemy's adapter
makes four such calls per statement: create a cursor, execute, fetch all rows, close the
cursor. A submission (8 statements) made 33 trips, and with the write lock held for most of
them, they bounded how many writes per second one process could make.

Here the cursor SQLAlchemy gets runs the four steps as one call in the connection's thread;
the sqlite3 cursor never leaves it. The rows are fetched at once, as SQLAlchemy's adapter does
anyway (it buffers every result; a server-side cursor gets its rows from that buffer too).

Short reads skip the trip altogether: a SELECT runs in the event loop's own thread, under a
budget of SQLite VM instructions (a progress handler). A hand-off to the connection's thread
and back cost more than a typical statement of the portal (the overview's page of 50
requests: 0.35 ms of SQL, about 0.6 ms more through the thread; in-process overview 8.2 ->
6.9 ms measured interleaved). A SELECT that runs past the budget is interrupted, which is
harmless for a read, and runs again in the connection's thread, as do the next few of the
same SQL (ranked searches, counts over large lists): the event loop is never held for more
than about a millisecond by a statement. Writes run in the thread: they may wait for
SQLite's lock (busy_timeout), which must not stall the loop. In a transaction that already
holds the lock, `inline_writes` lets an INSERT or UPDATE run inline, except on a table with
triggers, whose work the statement does not bound (OneTripConnection.writes_inline). The
connection is opened with check_same_thread=False for this; SQLAlchemy's pool hands it to
one task at a time, so the two threads never use it at once.

It uses aiosqlite's internals (`_execute`, `_conn`, `_thread`, the Connection constructor),
which is why aiosqlite is pinned in constraints.txt; tests/test_submit_fast_path.py exercises
rows, rowcount and streamed results through it.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Sequence
from contextvars import ContextVar
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import aiosqlite

# (description, rowcount, lastrowid, rows) of one executed statement
_Outcome = tuple[Any, int, int | None, list[Any]]


# Progress handler period and budget, in SQLite VM instructions: about 0.5-1 ms of a warm
# statement (the overview's comment page takes some 26,000).
_PERIOD = 1_000
_BUDGET_PERIODS = 50
# SQL that ran past the budget goes to the thread directly, but is tried inline again every
# _RETRY-th time, since how long a shape runs depends on its parameters.
_RETRY = 32
_long: dict[str, int] = {}

# Set by Database.transaction(inline_writes=True) for a transaction whose statements each
# write a row or a few (a submission): once BEGIN IMMEDIATE holds SQLite's lock, they
# cannot wait for a lock, and run inline too. The write lock is then held for two trips
# (BEGIN, COMMIT) instead of one per statement: each trip waited for the event loop to be
# free, so at 8 concurrent submissions the lock was held through other requests' work.
inline_writes: ContextVar[bool] = ContextVar("frontdesk_sqlite_inline_writes", default=False)


_WRITTEN = re.compile(r'(?:INSERT(?: OR \w+)? INTO|UPDATE(?: OR \w+)?) +"?(\w+)')


@lru_cache(maxsize=1024)
def _written_table(sql: str) -> str | None:
    """The table an INSERT or UPDATE writes (SQLAlchemy's SQL: a few shapes, kept)."""
    found = _WRITTEN.match(sql)
    return found.group(1) if found else None


def _tables_with_triggers(connection: sqlite3.Connection) -> frozenset[str]:
    return frozenset(
        name
        for (name,) in connection.execute(
            "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger'"
        )
    )


def _inline_candidate(sql: str) -> bool:
    count = _long.get(sql)
    if count is None:
        return True
    _long[sql] = count + 1
    return count % _RETRY == 0


def _run_inline(connection: sqlite3.Connection, sql: str, parameters: Any) -> _Outcome | None:
    """The statement's outcome, or None when it was interrupted at the budget."""
    periods = 0

    def progress() -> int:
        nonlocal periods
        periods += 1
        return periods > _BUDGET_PERIODS

    connection.set_progress_handler(progress, _PERIOD)
    try:
        outcome = _run(connection, sql, parameters)
    except sqlite3.OperationalError:
        if periods <= _BUDGET_PERIODS:
            raise  # a real error, not the interruption
        if len(_long) > 1_000:
            _long.clear()
        _long.setdefault(sql, 1)
        return None
    finally:
        connection.set_progress_handler(None, _PERIOD)
    _long.pop(sql, None)
    return outcome


def _busy_timeout(connection: sqlite3.Connection, milliseconds: int | None = None) -> int:
    """The connection's busy_timeout in ms; set to `milliseconds` when given."""
    (timeout,) = connection.execute("PRAGMA busy_timeout").fetchone()
    if milliseconds is not None:
        connection.execute(f"PRAGMA busy_timeout={int(milliseconds)}")
    return int(timeout)


def _try_begin(connection: sqlite3.Connection) -> bool:
    """BEGIN IMMEDIATE if SQLite's write lock is free now; False when another process
    holds it (busy_timeout must be 0)."""
    try:
        connection.execute("BEGIN IMMEDIATE")
        return True
    except sqlite3.OperationalError as error:
        # The low byte: extended codes such as SQLITE_BUSY_RECOVERY are busy too.
        if error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY:
            return False
        raise


def _begin_at_once(connection: sqlite3.Connection) -> bool:
    """BEGIN IMMEDIATE inline if SQLite's write lock is free now; False when another process
    holds it: then the caller waits in the thread (_begin_waiting)."""
    timeout = _busy_timeout(connection, 0)
    try:
        return _try_begin(connection)
    finally:
        _busy_timeout(connection, timeout)


# Waiting for another process's write lock (a second worker, the CLI). SQLite's own busy
# handler sleeps 1, 2, 5, 10, 15, 20, 25 ... 100 ms between attempts, so a waiter slept on
# long after the lock was free: with two worker processes, submissions had p99s of 0.15-0.7 s.
# Here the attempt is repeated every _POLL_SECONDS, up to the connection's busy_timeout.
_POLL_SECONDS = 0.0005


def _begin_waiting(connection: sqlite3.Connection) -> _Outcome:
    timeout = _busy_timeout(connection, 0)
    deadline = time.monotonic() + timeout / 1000
    try:
        while not _try_begin(connection):
            if time.monotonic() >= deadline:
                # A last attempt: the lock, or SQLite's own "database is locked" error.
                connection.execute("BEGIN IMMEDIATE")
                break
            time.sleep(_POLL_SECONDS)
    finally:
        _busy_timeout(connection, timeout)
    return None, -1, None, []


def _run(connection: sqlite3.Connection, sql: str, parameters: Any, many: bool = False) -> _Outcome:
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        elif parameters is None:
            cursor.execute(sql)
        else:
            cursor.execute(sql, parameters)
        rows = cursor.fetchall() if cursor.description else []
        # Read after the rows: a statement with RETURNING counts its rows as they are stepped.
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class OneTripCursor:
    """The part of aiosqlite's Cursor that SQLAlchemy's adapter uses."""

    arraysize = 1

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: list[Any] = []
        self._position = 0  # of the next row to hand out

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Any = None) -> OneTripCursor:
        connection = self._connection._conn
        if sql.startswith("SELECT") and _inline_candidate(sql):
            outcome = _run_inline(connection, sql, parameters)
            if outcome is not None:
                self._keep(outcome)
                return self
        elif inline_writes.get():
            if connection.in_transaction and self._connection.writes_inline(connection, sql):
                self._keep(_run(connection, sql, parameters))
                return self
            if sql == "BEGIN IMMEDIATE" and not parameters and _begin_at_once(connection):
                self._keep((None, -1, None, []))
                return self
        if sql == "BEGIN IMMEDIATE" and not parameters:
            self._keep(await self._connection._execute(_begin_waiting, connection))
        else:
            self._keep(await self._connection._execute(_run, connection, sql, parameters))
        return self

    async def executemany(self, sql: str, parameters: Sequence[Any]) -> OneTripCursor:
        outcome = await self._connection._execute(
            _run, self._connection._conn, sql, parameters, True
        )
        self._keep(outcome)
        return self

    def _keep(self, outcome: _Outcome) -> None:
        self.description, self.rowcount, self.lastrowid, self._rows = outcome
        self._position = 0

    async def fetchall(self) -> list[Any]:
        rows = self._rows[self._position :]
        self._rows, self._position = [], 0
        return rows

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        end = self._position + (self.arraysize if size is None else size)
        rows = self._rows[self._position : end]
        self._position = min(end, len(self._rows))
        return rows

    async def fetchone(self) -> Any:
        if self._position >= len(self._rows):
            return None
        self._position += 1
        return self._rows[self._position - 1]

    async def close(self) -> None:
        self._rows, self._position = [], 0


class OneTripConnection(aiosqlite.Connection):
    # (schema_version, tables with triggers) as last read on this connection
    _triggered: tuple[int, frozenset[str]] = (-1, frozenset())

    def cursor(self) -> OneTripCursor:  # type: ignore[override]
        return OneTripCursor(self)

    def writes_inline(self, connection: sqlite3.Connection, sql: str) -> bool:
        """Whether an INSERT or UPDATE of a transaction holding the write lock runs inline.

        Not on a table with triggers: what a trigger does is not bounded by the statement.
        The search document's FTS5 triggers write the index's pending terms out and merge
        segments at the statement, now and then for tens of milliseconds (31-61 ms measured
        on the benchmark's 200,000 documents); in the thread the loop serves others meanwhile.
        """
        table = _written_table(sql)
        if table is None:
            return False
        (version,) = connection.execute("PRAGMA schema_version").fetchone()
        if version != self._triggered[0]:
            self._triggered = (version, _tables_with_triggers(connection))
        return table not in self._triggered[1]

    # Reads run without a transaction (backend/db/engine.py), but SQLAlchemy still ends
    # theirs: with none open, COMMIT and ROLLBACK would be trips that do nothing.
    # (`in_transaction` is a plain read of the sqlite3 connection's state.)
    async def commit(self) -> None:
        if self.in_transaction:
            await super().commit()

    async def rollback(self) -> None:
        if self.in_transaction:
            await super().rollback()


def connector(path: str | Path, **kwargs: Any) -> Any:
    """For `create_async_engine(async_creator=...)`: a connection to the database file."""

    async def connect() -> OneTripConnection:
        connect = partial(sqlite3.connect, str(path), check_same_thread=False, **kwargs)
        connection = OneTripConnection(connect, 64)
        connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite's own connect
        return await connection

    return connect
