"""aiosqlite with one trip to the connection's thread per statement.

aiosqlite runs each SQLite connection in a thread of its own; every call is a trip there and
back (a queue put, a thread wake-up, a callback into the event loop). SQLAlchemy's adapter
makes four such calls per statement: create a cursor, execute, fetch all rows, close the
cursor. A submission (8 statements) made 33 trips, and with the write lock held for most of
them, they bounded how many writes per second one process could make.

Here the cursor SQLAlchemy gets runs the four steps as one call in the connection's thread;
the sqlite3 cursor never leaves it. The rows are fetched at once, as SQLAlchemy's adapter does
anyway (it buffers every result; a server-side cursor gets its rows from that buffer too).

It uses aiosqlite's internals (`_execute`, `_conn`, `_thread`, the Connection constructor),
which is why aiosqlite is pinned in constraints.txt; tests/test_submit_fast_path.py exercises
rows, rowcount and streamed results through it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import aiosqlite

# (description, rowcount, lastrowid, rows) of one executed statement
_Outcome = tuple[Any, int, int | None, list[Any]]


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
        self._keep(await self._connection._execute(_run, self._connection._conn, sql, parameters))
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
    def cursor(self) -> OneTripCursor:  # type: ignore[override]
        return OneTripCursor(self)

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
        connection = OneTripConnection(partial(sqlite3.connect, str(path), **kwargs), 64)
        connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite's own connect
        return await connection

    return connect
