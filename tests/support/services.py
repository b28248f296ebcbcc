"""Real PostgreSQL for the tests: reachability, and a fresh database per test session.

Locally a missing PostgreSQL skips its tests with a clear message; in CI (CI=true) the run
fails instead, so a green CI always means both databases were exercised.
"""

from __future__ import annotations

import asyncio
import os
import uuid

import asyncpg
import pytest

PG_HOST = os.environ.get("FRONTDESK_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("FRONTDESK_TEST_PG_PORT", "5432"))
PG_ADMIN_DB = os.environ.get("FRONTDESK_TEST_PG_DB", "test")
PG_USER = os.environ.get("FRONTDESK_TEST_PG_USER") or None


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(what: str, why: object) -> None:
    message = f"{what} is not reachable ({why}); start it (see README) to run these tests"
    if in_ci():
        pytest.fail(f"CI=true: {message}", pytrace=False)
    pytest.skip(message)


async def _admin(statement: str) -> None:
    conn = await asyncpg.connect(
        host=PG_HOST, port=PG_PORT, database=PG_ADMIN_DB, user=PG_USER, timeout=5
    )
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def create_pg_database() -> str:
    """Create an empty database and return its SQLAlchemy URL (skips or fails when down)."""
    name = f"frontdesk_test_{uuid.uuid4().hex[:10]}"
    try:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        unavailable(f"PostgreSQL at {PG_HOST}:{PG_PORT}", error)
    user = f"{PG_USER}@" if PG_USER else ""
    return f"postgresql+asyncpg://{user}{PG_HOST}:{PG_PORT}/{name}"


def drop_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


REDIS_URL = os.environ.get("FRONTDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def require_redis() -> str:
    """The Redis URL for tests (skips locally, fails in CI, when Redis does not answer)."""
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
        client.ping()
        client.close()
    except (redis.RedisError, OSError) as error:
        unavailable(f"Redis at {REDIS_URL}", error)
    return REDIS_URL
