"""Top-level lists: organisations, users and teams, filtered by the policies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import strawberry
from sqlalchemy import ColumnElement, func, select

from backend.auth import policies
from backend.context import Context
from backend.db.models import Organisation as OrganisationRow
from backend.db.models import Team as TeamRow
from backend.db.models import User as UserRow
from backend.loaders.organisations import ORGANISATION_COLUMNS
from backend.loaders.teams import TEAM_COLUMNS
from backend.loaders.users import USER_COLUMNS
from backend.resolvers.common import require_viewer
from backend.schema.enums import UserRole
from backend.schema.errors import PublicError
from backend.schema.relay import Connection, Page, after_id, check_first, to_connection
from backend.schema.users import Organisation, Team, User


async def _page(
    context: Context,
    columns: Sequence[Any],
    id_column: Any,
    where: Sequence[ColumnElement[bool]],
    first: int,
    after: int | None,
) -> Page[Any]:
    """One statement: the page by id plus the total of the whole filtered list."""
    inner = select(*columns, func.count().over().label("fd_total")).where(*where).subquery()
    stmt = select(inner)
    if after is not None:
        stmt = stmt.where(inner.c.id > after)
    stmt = stmt.order_by(inner.c.id).limit(first + 1)
    async with context.db.read() as session:
        rows = (await session.execute(stmt)).all()
        if rows or after is None:
            total = rows[0].fd_total if rows else 0
        else:
            total = (
                await session.scalar(
                    select(func.count()).select_from(id_column.table).where(*where)
                )
                or 0
            )
    return Page(rows, total)


def _forbidden() -> PublicError:
    return PublicError("Only agents and admins may list this.", "FORBIDDEN")


async def organisations(
    info: strawberry.Info, first: int | None, after: str | None
) -> Connection[Organisation]:
    context: Context = info.context
    viewer = require_viewer(context)
    size = check_first(first)
    page = await _page(
        context,
        ORGANISATION_COLUMNS,
        OrganisationRow.id,
        [policies.organisation_filter(viewer)],
        size,
        after_id(after),
    )
    return to_connection(page, size, after is not None, Organisation.from_row, lambda r: (r.id,))


async def users(
    info: strawberry.Info, first: int | None, after: str | None, role: UserRole | None
) -> Connection[User]:
    context: Context = info.context
    viewer = require_viewer(context)
    if not policies.can_list_users(viewer):
        raise _forbidden()
    size = check_first(first)
    where = [policies.user_filter(viewer)]
    if role is not None:
        where.append(UserRow.role == role.value)
    page = await _page(context, USER_COLUMNS, UserRow.id, where, size, after_id(after))
    return to_connection(page, size, after is not None, User.from_row, lambda r: (r.id,))


async def teams(info: strawberry.Info, first: int | None, after: str | None) -> Connection[Team]:
    context: Context = info.context
    viewer = require_viewer(context)
    if not policies.can_see_teams(viewer):
        raise _forbidden()
    size = check_first(first)
    page = await _page(context, TEAM_COLUMNS, TeamRow.id, [], size, after_id(after))
    return to_connection(page, size, after is not None, Team.from_row, lambda r: (r.id,))
