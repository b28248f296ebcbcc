"""Request references FD-<n>: unique and gapless.

The counter row is incremented inside the submitting transaction. On PostgreSQL the UPDATE
holds the row lock until commit, so concurrent submitters queue and a rolled-back submission
gives its number back; on SQLite the write transaction (BEGIN IMMEDIATE) serialises writers.
Allocate as late as possible in the transaction to keep the lock short.
"""

from __future__ import annotations

from sqlalchemy import Table, update
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


_counters: Table = Counter.__table__  # type: ignore[assignment]
# Built once, on the table: every submission runs it (see submission_statements.py).
_NEXT_REQUEST_NUMBER = (
    update(_counters)
    .where(_counters.c.name == REQUEST_COUNTER)
    .values(value=_counters.c.value + 1)
    .returning(_counters.c.value)
)


async def allocate(session: AsyncSession) -> tuple[int, str]:
    number = await session.scalar(_NEXT_REQUEST_NUMBER)
    if number is None:  # the migration creates the row; a missing row is a broken database
        raise RuntimeError("the request counter row is missing")
    return number, format_reference(number)
