"""Organisations by id, their member pages, and the memberships of users."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Row

from backend.db.engine import Database
from backend.db.models import Membership, Organisation
from backend.loaders.queries import rows_by_id, rows_grouped, windowed_pages

ORGANISATION_COLUMNS = (
    Organisation.id,
    Organisation.name,
    Organisation.super_user_cap,
    Organisation.created_at,
)
MEMBERSHIP_COLUMNS = (
    Membership.id,
    Membership.organisation_id,
    Membership.user_id,
    Membership.role,
    Membership.created_at,
)


async def load_organisations(db: Database, ids: Sequence[int]) -> list[Row[Any] | None]:
    return await rows_by_id(db, ORGANISATION_COLUMNS, Organisation.id, ids)


async def load_memberships_of_users(db: Database, user_ids: Sequence[int]) -> list[list[Row[Any]]]:
    stmt = (
        select(*MEMBERSHIP_COLUMNS)
        .where(Membership.user_id.in_(set(user_ids)))
        .order_by(Membership.user_id, Membership.id)
    )
    return await rows_grouped(db, stmt, "user_id", user_ids)


MemberPageKey = tuple[int, int, int | None, str | None]  # organisation, first, after, role


async def load_member_pages(
    db: Database, keys: Sequence[MemberPageKey]
) -> list[tuple[list[Row[Any]], int]]:
    # Keys of one batch usually share (first, after, role); group so each group is one query.
    groups: dict[tuple[int, int | None, str | None], list[int]] = {}
    for org_id, first, after, role in keys:
        groups.setdefault((first, after, role), []).append(org_id)
    results: dict[MemberPageKey, tuple[list[Row[Any]], int]] = {}
    for (first, after, role), org_ids in groups.items():
        where = [Membership.role == role] if role else []
        pages = await windowed_pages(
            db,
            columns=MEMBERSHIP_COLUMNS,
            parent_column=Membership.organisation_id,
            parent_ids=org_ids,
            id_column=Membership.id,
            first=first,
            after_id=after,
            where=where,
        )
        for org_id in org_ids:
            results[(org_id, first, after, role)] = pages.get(org_id, ([], 0))
    return [results[k] for k in keys]
