"""Sign-in throttling per account and per client address, counted in the database.

Counting in the database (not in process memory) keeps the limit right with several workers
and several hosts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.models import LoginAttempt


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    max_per_account: int
    max_per_address: int
    window: timedelta


async def retry_after(
    session: AsyncSession, policy: ThrottlePolicy, *, email: str, address: str, now: datetime
) -> int | None:
    """Seconds until another attempt is allowed, or None when one is allowed now."""
    since = now - policy.window
    waits: list[int] = []
    for column, value, limit in (
        (LoginAttempt.email, email, policy.max_per_account),
        (LoginAttempt.client_address, address, policy.max_per_address),
    ):
        count, oldest = (
            await session.execute(
                select(func.count(), func.min(LoginAttempt.created_at)).where(
                    column == value, LoginAttempt.created_at > since
                )
            )
        ).one()
        if count >= limit and oldest is not None:
            # min() keeps the column type, so `oldest` is an aware datetime on both backends.
            waits.append(max(1, int((oldest + policy.window - now).total_seconds()) + 1))
    return max(waits) if waits else None


async def record_failure(session: AsyncSession, *, email: str, address: str, now: datetime) -> None:
    session.add(LoginAttempt(email=email, client_address=address, created_at=now))
    await session.flush()


async def clear_account(session: AsyncSession, email: str) -> None:
    await session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))


async def prune(session: AsyncSession, *, older_than: datetime) -> None:
    await session.execute(delete(LoginAttempt).where(LoginAttempt.created_at < older_than))
