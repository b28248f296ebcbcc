"""In-process execution: the app's schema, database and a real per-request Context, without
HTTP. Each execution identifies the viewer from the API token and builds fresh loaders, as an
HTTP request does."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import event
from starlette.requests import Request

from bench.common import BENCH_TOKEN, Target


class StatementCounter:
    """SQL statements an engine runs (transaction control excluded), as the tests count them."""

    _IGNORED = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")

    def __init__(self) -> None:
        self.statements: list[str] = []
        self._lock = threading.Lock()
        self.enabled = False

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if self.enabled and not statement.lstrip().upper().startswith(self._IGNORED):
            with self._lock:
                self.statements.append(statement)


class InProcess:
    def __init__(self, target: Target) -> None:
        from backend.db.engine import Database
        from backend.schema import build_schema

        self.settings = target.settings()
        self.db = Database.from_settings(self.settings)
        self.schema = build_schema(self.settings)
        self.counter = StatementCounter()
        event.listen(self.db.engine.sync_engine, "before_cursor_execute", self.counter)
        self.request = Request(
            {
                "type": "http",
                "method": "POST",
                "path": "/graphql",
                "headers": [(b"authorization", f"Bearer {BENCH_TOKEN}".encode())],
                "client": ("127.0.0.1", 1),
                "query_string": b"",
            }
        )

    async def context(self) -> Any:
        from backend.auth.identify import identify
        from backend.context import Context

        identity = await identify(self.db, self.request)
        assert identity.viewer is not None, "benchmark token not found: run bench.generate"
        return Context(
            request=self.request,
            response=None,
            settings=self.settings,
            db=self.db,
            viewer=identity.viewer,
            client_address="127.0.0.1",
        )

    async def execute(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        result = await self.schema.execute(
            query, variable_values=variables, context_value=await self.context()
        )
        if result.errors:
            raise RuntimeError(f"GraphQL errors: {result.errors}")
        assert result.data is not None
        return result.data

    async def count_statements(self, query: str, variables: dict[str, Any]) -> list[str]:
        self.counter.statements.clear()
        self.counter.enabled = True
        try:
            await self.execute(query, variables)
        finally:
            self.counter.enabled = False
        return list(self.counter.statements)

    async def close(self) -> None:
        await self.db.dispose()
