"""Which columns a user's requests overview shows, in order (users.overview_columns)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.models import User
from backend.domain.errors import DomainError, Problem


class OverviewColumn(StrEnum):
    REFERENCE = "REFERENCE"
    SUMMARY = "SUMMARY"
    STATUS = "STATUS"
    REQUESTER = "REQUESTER"
    REQUEST_TYPE = "REQUEST_TYPE"
    PRIORITY = "PRIORITY"
    ASSIGNEE = "ASSIGNEE"
    DUE_DATE = "DUE_DATE"
    UPDATED = "UPDATED"
    CREATED = "CREATED"
    ORGANISATION = "ORGANISATION"
    PARTICIPANTS = "PARTICIPANTS"


DEFAULT_COLUMNS = (
    OverviewColumn.REFERENCE,
    OverviewColumn.SUMMARY,
    OverviewColumn.STATUS,
    OverviewColumn.REQUESTER,
    OverviewColumn.REQUEST_TYPE,
    OverviewColumn.PRIORITY,
    OverviewColumn.ASSIGNEE,
    OverviewColumn.DUE_DATE,
    OverviewColumn.UPDATED,
)
# A row must stay recognisable: by its reference or by its summary.
IDENTIFYING = (OverviewColumn.REFERENCE, OverviewColumn.SUMMARY)


def stored_columns(stored: Sequence[str] | None) -> list[OverviewColumn]:
    """The columns to show: the stored choice, or the defaults when unset. Names a later
    version no longer knows are skipped rather than failing the whole overview."""
    if not stored:
        return list(DEFAULT_COLUMNS)
    known = {c.value for c in OverviewColumn}
    columns = [OverviewColumn(c) for c in stored if c in known]
    return columns or list(DEFAULT_COLUMNS)


def validate(columns: Sequence[OverviewColumn]) -> list[Problem]:
    path = ("columns",)
    if not columns:
        return [Problem(path, "REQUIRED", "Choose at least one column.")]
    problems: list[Problem] = []
    seen: set[OverviewColumn] = set()
    for i, column in enumerate(columns):
        if column in seen:
            problems.append(
                Problem((*path, str(i)), "DUPLICATE", f"{column.value} is chosen twice.")
            )
        seen.add(column)
    if not seen & set(IDENTIFYING):
        problems.append(
            Problem(path, "REQUIRED", "Include REFERENCE or SUMMARY so each row can be told apart.")
        )
    return problems


async def set_columns(
    session: AsyncSession, user_id: int, columns: Sequence[OverviewColumn]
) -> list[OverviewColumn]:
    problems = validate(columns)
    if problems:
        raise DomainError(problems)
    await session.execute(
        update(User).where(User.id == user_id).values(overview_columns=[c.value for c in columns])
    )
    return list(columns)
