"""Users by id."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Row

from backend.db.engine import Database
from backend.db.models import ApiToken, User
from backend.loaders.queries import rows_by_id, rows_grouped

USER_COLUMNS = (
    User.id,
    User.email,
    User.display_name,
    User.role,
    User.locale,
    User.time_zone,
    User.is_active,
    User.created_at,
)


async def load_users(db: Database, ids: Sequence[int]) -> list[Row[Any] | None]:
    return await rows_by_id(db, USER_COLUMNS, User.id, ids)


async def load_api_tokens_of_users(db: Database, user_ids: Sequence[int]) -> list[list[Any]]:
    stmt = (
        select(
            ApiToken.id,
            ApiToken.user_id,
            ApiToken.name,
            ApiToken.token_prefix,
            ApiToken.created_at,
            ApiToken.expires_at,
            ApiToken.last_used_at,
            ApiToken.revoked_at,
        )
        .where(ApiToken.user_id.in_(set(user_ids)))
        .order_by(ApiToken.user_id, ApiToken.id.desc())
    )
    return await rows_grouped(db, stmt, "user_id", user_ids)
