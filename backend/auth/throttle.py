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

# Counted by these keys, cut to the columns' lengths: an overlong e-mail address or forwarded
# client address is still a failed attempt to count, never a database error.
_EMAIL_LENGTH = 254
_ADDRESS_LENGTH = 64


def _keys(email: str, address: str) -> tuple[str, str]:
    return email[:_EMAIL_LENGTH], address[:_ADDRESS_LENGTH]


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
    email, address = _keys(email, address)
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
    email, address = _keys(email, address)
    session.add(LoginAttempt(email=email, client_address=address, created_at=now))
    await session.flush()


async def clear_account(session: AsyncSession, email: str) -> None:
    await session.execute(delete(LoginAttempt).where(LoginAttempt.email == email[:_EMAIL_LENGTH]))


async def prune(session: AsyncSession, *, older_than: datetime) -> None:
    await session.execute(delete(LoginAttempt).where(LoginAttempt.created_at < older_than))
