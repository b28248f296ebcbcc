"""Direct database access for test set-up and for checking what was (not) written."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.config import Settings
from backend.db.engine import Database

T = TypeVar("T")


def run_db(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one committed transaction against the server's database."""

    async def main() -> T:
        db = Database.from_settings(settings)
        try:
            async with db.transaction() as session:
                return await work(session)
        finally:
            await db.dispose()

    return asyncio.run(main())


def scalar(settings: Settings, sql: str, **params: Any) -> Any:
    async def work(session: AsyncSession) -> Any:
        return (await session.execute(text(sql), params)).scalar()

    return run_db(settings, work)


def rows(settings: Settings, sql: str, **params: Any) -> list[Any]:
    async def work(session: AsyncSession) -> list[Any]:
        return list((await session.execute(text(sql), params)).all())

    return run_db(settings, work)
