"""`/readyz` (should this process get traffic?) against `/healthz` (is it alive?): ready only
when the database answers, its migrations are at head and, with a Redis URL, the broker is
connected; otherwise 503 with a JSON reason. Each case is a real server on SQLite and on
PostgreSQL."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.db.engine import Database
from backend.db.migrate import head_revision, upgrade
from tests.conftest import make_settings, start_server, stop_server
from tests.support.server import LiveServer, free_port, migrate
from tests.support.services import require_redis

CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"


def readyz(live: LiveServer) -> tuple[int, dict[str, Any]]:
    response = httpx.get(f"{live.url}/readyz", timeout=30)
    return response.status_code, response.json()


def healthz(live: LiveServer) -> int:
    return httpx.get(f"{live.url}/healthz", timeout=30).status_code


class Unmigrated:
    """A server started on a database nobody migrated (what `uvicorn backend.app:...`
    without `frontdesk migrate` gives)."""

    def __init__(self, backend: str, data_dir: Path, **overrides: Any) -> None:
        port = free_port()
        self.settings, self.pg_url = make_settings(backend, data_dir, port, **overrides)
        self.live = LiveServer(self.settings, port).start()

    def close(self) -> None:
        stop_server(self.live, self.pg_url)


@pytest.fixture
def unmigrated(backend: str, tmp_path: Path) -> Iterator[Unmigrated]:
    server = Unmigrated(backend, tmp_path)
    yield server
    server.close()


def test_ready(server: LiveServer) -> None:
    assert readyz(server) == (
        200,
        {
            "status": "ready",
            "checks": {"database": "up", "migrations": "head", "broker": "in-process"},
        },
    )


def test_not_ready_until_migrated(unmigrated: Unmigrated) -> None:
    assert healthz(unmigrated.live) == 200  # alive: the database answers
    status, body = readyz(unmigrated.live)
    assert status == 503
    assert body["status"] == "unavailable"
    assert body["checks"] == {"database": "up", "migrations": "mismatch"}
    assert "none" in body["reason"] and "frontdesk migrate" in body["reason"]

    # Half way: an older revision is still not ready ...
    def upgrade_to(revision: str) -> None:
        async def run() -> None:
            db = Database.from_settings(unmigrated.settings)
            try:
                await upgrade(db.engine, revision)
            finally:
                await db.dispose()

        asyncio.run(run())

    upgrade_to("0001")
    status, body = readyz(unmigrated.live)
    assert status == 503
    assert "at 0001" in body["reason"] and str(head_revision()) in body["reason"]
    # ... at head it is, without a restart.
    migrate(unmigrated.settings)
    assert readyz(unmigrated.live)[0] == 200


@pytest.fixture
def unreachable(backend: str, tmp_path: Path) -> Iterator[LiveServer]:
    """A server whose database cannot be reached: a closed port, or a file that cannot be
    opened (its directory is a file)."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    url = (
        "postgresql+asyncpg://127.0.0.1:1/frontdesk"
        if backend == "postgresql"
        else f"sqlite+aiosqlite:///{blocker}/frontdesk.sqlite3"
    )
    port = free_port()
    settings, _ = make_settings("sqlite", tmp_path / "data", port, database_url=url)
    live = LiveServer(settings, port).start()
    yield live
    live.stop()


def test_not_ready_when_the_database_is_unreachable(unreachable: LiveServer) -> None:
    assert readyz(unreachable) == (
        503,
        {
            "status": "unavailable",
            "reason": "the database does not answer",
            "checks": {"database": "down"},
        },
    )
    assert healthz(unreachable) == 503  # liveness agrees here: nothing works without it


def test_not_ready_while_the_broker_is_disconnected(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    live, pg_url = start_server(backend, tmp_path_factory, demo=False, redis_url=CLOSED_PORT_REDIS)
    try:
        assert healthz(live) == 200  # alive, and it keeps retrying Redis meanwhile
        status, body = readyz(live)
        assert status == 503
        assert body["checks"] == {"database": "up", "migrations": "head", "broker": "disconnected"}
        assert "Redis" in body["reason"]
    finally:
        stop_server(live, pg_url)


def test_ready_with_a_connected_broker(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    live, pg_url = start_server(backend, tmp_path_factory, demo=False, redis_url=require_redis())
    try:
        deadline = time.monotonic() + 15  # the broker connects in the background
        while (result := readyz(live))[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert result == (
            200,
            {
                "status": "ready",
                "checks": {"database": "up", "migrations": "head", "broker": "connected"},
            },
        )
    finally:
        stop_server(live, pg_url)
