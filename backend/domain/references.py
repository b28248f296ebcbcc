"""Request references FD-<n>: unique and gapless.

The counter row is incremented inside the submitting transaction. On PostgreSQL the UPDATE
holds the row lock until commit, so concurrent submitters queue and a rolled-back submission
gives its number back; on SQLite the write transaction (BEGIN IMMEDIATE) serialises writers.
Allocate as late as possible in the transaction to keep the lock short.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.models import Counter

PREFIX = "FD-"
REQUEST_COUNTER = "request"


def format_reference(number: int) -> str:
    return f"{PREFIX}{number}"


def parse_reference(reference: str) -> int | None:
    text = reference.strip().upper()
    if not text.startswith(PREFIX) or not text[len(PREFIX) :].isdigit():
        return None
    number = int(text[len(PREFIX) :])
    return number if 0 < number < 2**31 else None


async def allocate(session: AsyncSession) -> tuple[int, str]:
    number = await session.scalar(
        update(Counter)
        .where(Counter.name == REQUEST_COUNTER)
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    )
    if number is None:  # the migration creates the row; a missing row is a broken database
        raise RuntimeError("the request counter row is missing")
    return number, format_reference(number)
