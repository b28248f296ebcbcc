"""Direct database access for the auth tests: check what the server stored, age rows."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import Executable

from backend.config import Settings
from backend.db.engine import Database


async def _in_transaction(settings: Settings, statement: Executable, fetch: bool) -> Any:
    db = Database.from_settings(settings)
    try:
        async with db.transaction() as session:
            result = await session.execute(statement)
            return list(result.all()) if fetch else int(result.rowcount)  # type: ignore[attr-defined]
    finally:
        await db.dispose()


def db_rows(settings: Settings, statement: Executable) -> list[Any]:
    """All rows of a SELECT, read on a fresh engine of the server's database."""
    return list(asyncio.run(_in_transaction(settings, statement, fetch=True)))


def db_execute(settings: Settings, statement: Executable) -> int:
    """Run an UPDATE or DELETE in its own committed transaction; the number of rows touched."""
    return int(asyncio.run(_in_transaction(settings, statement, fetch=False)))
