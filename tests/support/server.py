"""A real uvicorn server on a free port, in a thread of the test process.

Running it in-process lets a test count the SQL statements the server issues (an engine
event listener) while talking to it over real HTTP.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Any

import uvicorn
from sqlalchemy import event

from backend.app import create_app
from backend.config import Settings
from backend.db.engine import Database
from backend.db.migrate import upgrade

_IGNORED = ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE", "SELECT 1")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class StatementCounter:
    """Counts the SQL statements an engine runs (transaction control excluded)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.statements: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(_IGNORED):
            return
        with self._lock:
            self.statements.append(statement)

    def reset(self) -> None:
        with self._lock:
            self.statements.clear()

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.statements)


def migrate(settings: Settings) -> None:
    async def run() -> None:
        db = Database.from_settings(settings)
        try:
            await upgrade(db.engine)
        finally:
            await db.dispose()

    asyncio.run(run())


class LiveServer:
    def __init__(self, settings: Settings, port: int | None = None) -> None:
        self.settings = settings
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = create_app(settings)
        self.counter = StatementCounter()
        event.listen(self.app.state.db.engine.sync_engine, "before_cursor_execute", self.counter)
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("test server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)

    @property
    def graphql_url(self) -> str:
        return f"{self.url}/graphql"
