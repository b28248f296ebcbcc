"""Unique display names (organisations, teams, categories, request types): one rule."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession


async def name_taken(
    session: AsyncSession, column: Any, name: str, *, except_id: int | None = None
) -> bool:
    """Whether another row already has `name` in `column`, ignoring case and outer spaces
    ("Acme" and "acme " are the same organisation to a person)."""
    table = column.table
    stmt = select(func.count()).select_from(table).where(func.lower(column) == name.strip().lower())
    if except_id is not None:
        stmt = stmt.where(table.c.id != except_id)
    return bool(await session.scalar(stmt))
