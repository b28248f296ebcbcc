"""PostgreSQL pool: connections idle a while are pinged before use (backend/db/engine.py),
so one the server dropped meanwhile is replaced instead of failing a request; connections in
steady use are not pinged (a round trip per checkout)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection

from backend.config import Settings
from backend.db import engine as engine_module
from backend.db.engine import Database
from tests.support.services import create_pg_database, drop_pg_database


@pytest.fixture
def pg_url() -> Iterator[str]:
    url = create_pg_database()
    yield url
    drop_pg_database(url)


def test_idle_connections_are_pinged_and_dropped_ones_replaced(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings: list[int] = []
    ping = AsyncAdapt_asyncpg_connection.ping

    def counted(self: Any) -> Any:
        pings.append(1)
        return ping(self)

    monkeypatch.setattr(AsyncAdapt_asyncpg_connection, "ping", counted)

    async def backend_pid(db: Database) -> int:
        async with db.engine.connect() as connection:
            return int(await connection.scalar(text("SELECT pg_backend_pid()")))

    async def run() -> None:
        db = Database.from_settings(Settings(env="test", database_url=pg_url))
        try:
            pid = await backend_pid(db)
            assert await backend_pid(db) == pid and pings == []  # in steady use: no ping
            # The server drops the connection while it sits in the pool a while.
            admin = await asyncpg.connect(pg_url.replace("postgresql+asyncpg", "postgresql"))
            await admin.execute("SELECT pg_terminate_backend($1)", pid)
            await admin.close()
            monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 0.0)
            assert await backend_pid(db) != pid  # pinged, found dropped, replaced
            assert pings
        finally:
            await db.dispose()

    asyncio.run(run())
