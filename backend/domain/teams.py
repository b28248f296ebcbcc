"""Teams of agents; request types route to a team."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.models import Team, TeamMember, User, UserRole
from backend.domain.errors import DomainError, Problem
from backend.domain.names import name_taken

MAX_NAME = 100


async def _name_problems(session: AsyncSession, name: str, except_id: int | None) -> list[Problem]:
    if not name.strip():
        return [Problem(("name",), "REQUIRED", "Name is required.")]
    if len(name) > MAX_NAME:
        return [Problem(("name",), "TOO_LONG", f"At most {MAX_NAME} characters, please.")]
    if await name_taken(session, Team.name, name, except_id=except_id):
        return [Problem(("name",), "NAME_TAKEN", "A team with this name exists.")]
    return []


async def create_team(session: AsyncSession, *, name: str, description: str = "") -> Team:
    problems = await _name_problems(session, name, None)
    if problems:
        raise DomainError(problems)
    team = Team(name=name.strip(), description=description.strip())
    session.add(team)
    await session.flush()
    return team


async def update_team(
    session: AsyncSession, team: Team, *, name: str | None, description: str | None
) -> Team:
    if name is not None:
        problems = await _name_problems(session, name, team.id)
        if problems:
            raise DomainError(problems)
        team.name = name.strip()
    if description is not None:
        team.description = description.strip()
    await session.flush()
    return team


async def add_agent(session: AsyncSession, team: Team, user: User) -> TeamMember:
    if user.role not in (UserRole.AGENT.value, UserRole.ADMIN.value):
        raise DomainError.single("userId", "NOT_AN_AGENT", "Only agents can join a team.")
    exists = await session.scalar(
        select(func.count())
        .select_from(TeamMember)
        .where(TeamMember.team_id == team.id, TeamMember.user_id == user.id)
    )
    if exists:
        raise DomainError.single("userId", "ALREADY_MEMBER", f"{user.display_name} is in the team.")
    member = TeamMember(team_id=team.id, user_id=user.id)
    session.add(member)
    await session.flush()
    return member


async def remove_agent(session: AsyncSession, team: Team, user_id: int) -> None:
    member = await session.scalar(
        select(TeamMember).where(TeamMember.team_id == team.id, TeamMember.user_id == user_id)
    )
    if member is None:
        raise DomainError.single("userId", "NOT_FOUND", "That agent is not in the team.")
    await session.delete(member)
    await session.flush()
