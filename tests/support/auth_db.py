"""Direct database access for the auth tests: check what the server stored, age rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Executable
from sqlalchemy.ext.asyncio import AsyncSession

from backend.config import Settings
from tests.support.db import run_db


def db_rows(settings: Settings, statement: Executable) -> list[Any]:
    """All rows of a SELECT, read on a fresh engine of the server's database."""

    async def work(session: AsyncSession) -> list[Any]:
        return list((await session.execute(statement)).all())

    return run_db(settings, work)


def db_execute(settings: Settings, statement: Executable) -> int:
    """Run an UPDATE or DELETE in its own committed transaction; the number of rows touched."""

    async def work(session: AsyncSession) -> int:
        result = await session.execute(statement)
        return int(result.rowcount)  # type: ignore[attr-defined]

    return run_db(settings, work)
