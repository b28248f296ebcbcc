"""The requests overview's per-user settings."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from backend.db.engine import Database
from backend.db.models import User


async def load_overview_columns(db: Database, user_ids: Sequence[int]) -> list[list[str] | None]:
    """users.overview_columns per user (None: unset, the defaults apply)."""
    async with db.read() as session:
        result = await session.execute(
            select(User.id, User.overview_columns).where(User.id.in_(set(user_ids)))
        )
        found = {row.id: row.overview_columns for row in result}
    return [found.get(i) for i in user_ids]
