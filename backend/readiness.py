"""`GET /readyz`: whether this process should get traffic. Ready when the database answers,
its migrations are at the head this code expects, and (with FRONTDESK_REDIS_URL) the broker
is connected; otherwise 503 with the reason. `/healthz` stays the liveness probe."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from backend.db.engine import Database
from backend.db.migrate import head_revision
from backend.events.broker import Broker, RedisBroker

log = logging.getLogger("frontdesk.readiness")

# A probe must answer within the orchestrator's timeout even when a dependency hangs.
DATABASE_TIMEOUT_SECONDS = 5.0
BROKER_WAIT_SECONDS = 0.25
# Alembic's own table (one row); read directly, as MigrationContext logs on every call.
_REVISION = text("SELECT version_num FROM alembic_version")


async def check(db: Database, broker: Broker, head: str | None) -> tuple[bool, dict[str, Any]]:
    """(ready, body): the checks in order; the first failing one names the reason."""
    checks: dict[str, str] = {}
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT_SECONDS), db.engine.connect() as connection:
            try:
                revision = await connection.scalar(_REVISION)
            except DBAPIError as error:  # no alembic_version table: never migrated
                if error.connection_invalidated:
                    raise
                revision = None
    except Exception as error:  # any failure to reach the database means not ready
        log.warning("readiness: database unreachable: %s", error)
        checks["database"] = "down"
        return False, _unready("the database does not answer", checks)
    checks["database"] = "up"
    if revision != head:
        checks["migrations"] = "mismatch"
        return False, _unready(
            f"database migrations are at {revision or 'none'}, this code needs {head}; "
            "run `frontdesk migrate`",
            checks,
        )
    checks["migrations"] = "head"
    if isinstance(broker, RedisBroker):
        try:
            await broker.wait_connected(BROKER_WAIT_SECONDS)
        except TimeoutError:
            checks["broker"] = "disconnected"
            return False, _unready("the Redis broker is not connected", checks)
        checks["broker"] = "connected"
    else:
        checks["broker"] = "in-process"
    return True, {"status": "ready", "checks": checks}


def _unready(reason: str, checks: dict[str, str]) -> dict[str, Any]:
    return {"status": "unavailable", "reason": reason, "checks": checks}


def readiness_endpoint(db: Database, broker: Broker) -> Callable[[Request], Awaitable[Response]]:
    head = head_revision()  # read from the migration scripts once, not per probe

    async def readyz(_request: Request) -> Response:
        ready, body = await check(db, broker, head)
        return JSONResponse(body, status_code=200 if ready else 503)

    return readyz
