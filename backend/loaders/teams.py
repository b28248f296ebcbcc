"""Teams by id, teams of users, and member pages of teams."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Row

from backend.db.engine import Database
from backend.db.models import Team, TeamMember
from backend.loaders.queries import rows_by_id, rows_grouped, windowed_pages

TEAM_COLUMNS = (Team.id, Team.name, Team.description, Team.created_at)


async def load_teams(db: Database, ids: Sequence[int]) -> list[Row[Any] | None]:
    return await rows_by_id(db, TEAM_COLUMNS, Team.id, ids)


async def load_teams_of_users(db: Database, user_ids: Sequence[int]) -> list[list[Row[Any]]]:
    stmt = (
        select(*TEAM_COLUMNS, TeamMember.user_id)
        .join(TeamMember, TeamMember.team_id == Team.id)
        .where(TeamMember.user_id.in_(set(user_ids)))
        .order_by(TeamMember.user_id, Team.name)
    )
    return await rows_grouped(db, stmt, "user_id", user_ids)


TeamMemberPageKey = tuple[int, int, int | None]  # team, first, after


async def load_team_member_pages(
    db: Database, keys: Sequence[TeamMemberPageKey]
) -> list[tuple[list[Row[Any]], int]]:
    groups: dict[tuple[int, int | None], list[int]] = {}
    for team_id, first, after in keys:
        groups.setdefault((first, after), []).append(team_id)
    results: dict[TeamMemberPageKey, tuple[list[Row[Any]], int]] = {}
    for (first, after), team_ids in groups.items():
        pages = await windowed_pages(
            db,
            columns=(TeamMember.id, TeamMember.team_id, TeamMember.user_id),
            parent_column=TeamMember.team_id,
            parent_ids=team_ids,
            id_column=TeamMember.id,
            first=first,
            after_id=after,
        )
        for team_id in team_ids:
            results[(team_id, first, after)] = pages.get(team_id, ([], 0))
    return [results[k] for k in keys]
