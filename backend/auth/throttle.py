"""Throttling of sign-ins and password reset requests, counted in the database.

Counting in the database (not in process memory) keeps the limit right with several workers
and several hosts.

Sign-ins back off exponentially: the first `max_per_account` failures of an account within the
window cost nothing, each one after that locks the account for twice as long as the one before
(`backoff_base`, then double, up to `backoff_max`), counted from the latest failure. Attempts
refused while locked are not counted, so waiting out the lock is the only way to try again, and
each further failure doubles the next wait. The client address is counted the same way with
its own, higher limit (one address spraying guesses over many accounts). A successful sign-in
clears the account's count, never the address's.

Reset requests are counted per e-mail address and per client address in a plain window
(counted alike whether or not the account exists, so the answer reveals nothing).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.models import LoginAttempt, PasswordResetRequest

# Counted by these keys, cut to the columns' lengths: an overlong e-mail address or forwarded
# client address is still an attempt to count, never a database error.
_EMAIL_LENGTH = 254
_ADDRESS_LENGTH = 64
# 2**40 seconds is far past any cap: keeps the arithmetic small for absurd counts.
_MAX_EXPONENT = 40


def _keys(email: str, address: str) -> tuple[str, str]:
    return email[:_EMAIL_LENGTH], address[:_ADDRESS_LENGTH]


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    """Sign-in throttling: free failures per account and per address, then backoff."""

    max_per_account: int
    max_per_address: int
    window: timedelta
    backoff_base: timedelta = timedelta(seconds=30)
    backoff_max: timedelta = timedelta(minutes=15)

    def lock_after(self, failures: int, limit: int) -> timedelta | None:
        """How long `failures` failures (at least `limit`) lock out, from the latest one."""
        if failures < limit:
            return None
        exponent = min(failures - limit, _MAX_EXPONENT)
        return min(self.backoff_base * 2**exponent, self.backoff_max)


@dataclass(frozen=True, slots=True)
class WindowPolicy:
    """At most `max_per_email` and `max_per_address` events within `window`."""

    max_per_email: int
    max_per_address: int
    window: timedelta


def _seconds(delta: timedelta) -> int:
    """Whole seconds to wait, rounded up, at least 1."""
    return max(1, math.ceil(delta.total_seconds()))


async def _count_and_latest(
    session: AsyncSession, model: Any, column: Any, value: str, since: datetime
) -> tuple[int, datetime | None, datetime | None]:
    count, oldest, latest = (
        await session.execute(
            select(func.count(), func.min(model.created_at), func.max(model.created_at)).where(
                column == value, model.created_at > since
            )
        )
    ).one()
    # min()/max() keep the column type, so these are aware datetimes on both backends.
    return int(count), oldest, latest


async def retry_after(
    session: AsyncSession, policy: ThrottlePolicy, *, email: str, address: str, now: datetime
) -> int | None:
    """Seconds until another sign-in attempt is allowed, or None when one is allowed now."""
    since = now - policy.window
    email, address = _keys(email, address)
    waits: list[int] = []
    for column, value, limit in (
        (LoginAttempt.email, email, policy.max_per_account),
        (LoginAttempt.client_address, address, policy.max_per_address),
    ):
        count, _, latest = await _count_and_latest(session, LoginAttempt, column, value, since)
        lock = policy.lock_after(count, limit)
        if lock is not None and latest is not None and latest + lock > now:
            waits.append(_seconds(latest + lock - now))
    return max(waits) if waits else None


async def record_failure(session: AsyncSession, *, email: str, address: str, now: datetime) -> None:
    email, address = _keys(email, address)
    session.add(LoginAttempt(email=email, client_address=address, created_at=now))
    await session.flush()


async def clear_account(session: AsyncSession, email: str) -> None:
    await session.execute(delete(LoginAttempt).where(LoginAttempt.email == email[:_EMAIL_LENGTH]))


async def reset_request_retry_after(
    session: AsyncSession, policy: WindowPolicy, *, email: str, address: str, now: datetime
) -> int | None:
    """Seconds until another reset request for `email` from `address` is taken, or None."""
    since = now - policy.window
    email, address = _keys(email, address)
    waits: list[int] = []
    for column, value, limit in (
        (PasswordResetRequest.email, email, policy.max_per_email),
        (PasswordResetRequest.client_address, address, policy.max_per_address),
    ):
        count, oldest, _ = await _count_and_latest(
            session, PasswordResetRequest, column, value, since
        )
        if count >= limit and oldest is not None:
            waits.append(_seconds(oldest + policy.window - now))
    return max(waits) if waits else None


async def record_reset_request(
    session: AsyncSession, *, email: str, address: str, now: datetime
) -> None:
    email, address = _keys(email, address)
    session.add(PasswordResetRequest(email=email, client_address=address, created_at=now))
    await session.flush()


async def prune(session: AsyncSession, *, login_before: datetime, reset_before: datetime) -> int:
    """Forget counted events older than their windows; returns how many rows went."""
    removed = 0
    for model, before in ((LoginAttempt, login_before), (PasswordResetRequest, reset_before)):
        result = await session.execute(delete(model).where(model.created_at < before))
        removed += int(getattr(result, "rowcount", 0) or 0)
    return removed
