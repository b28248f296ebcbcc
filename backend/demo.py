"""Demo data: accounts, teams and organisations a newcomer can sign in with. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.config import Settings
from backend.db.engine import Database
from backend.db.models import (
    Membership,
    MembershipRole,
    Organisation,
    Team,
    TeamMember,
    User,
    UserRole,
)
from backend.demo_catalog import seed_catalog
from backend.domain import organisations, teams, users

DEMO_PASSWORD = "frontdesk-demo"


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: UserRole
    team: str | None = None


STAFF = [
    DemoUser("admin@frontdesk.example", "Ada Admin", UserRole.ADMIN),
    DemoUser("agent@frontdesk.example", "Sam Support", UserRole.AGENT, "Support"),
    DemoUser("billing@frontdesk.example", "Bill Ing", UserRole.AGENT, "Billing"),
    DemoUser("sales@frontdesk.example", "Sally Sales", UserRole.AGENT, "Sales"),
]
TEAMS = {
    "Support": "Questions, bugs and outages",
    "Billing": "Invoices, payments and quotas",
    "Sales": "Add-ons, training and contracts",
}
ORGANISATIONS: dict[str, list[tuple[str, str, MembershipRole]]] = {
    "Acme Exams": [
        ("alice@acme.example", "Alice Acme", MembershipRole.SUPER_USER),
        ("anna@acme.example", "Anna Acme", MembershipRole.SUPER_USER),
        ("arthur@acme.example", "Arthur Acme", MembershipRole.SUPER_USER),
        ("ava@acme.example", "Ava Acme", MembershipRole.SUPER_USER),
        ("bob@acme.example", "Bob Acme", MembershipRole.MEMBER),
        ("bella@acme.example", "Bella Acme", MembershipRole.MEMBER),
    ],
    "Globex Cloud": [
        ("carol@globex.example", "Carol Globex", MembershipRole.SUPER_USER),
        ("dave@globex.example", "Dave Globex", MembershipRole.MEMBER),
    ],
}


async def _user(
    session: AsyncSession, settings: Settings, email: str, name: str, role: UserRole
) -> User:
    existing = await users.find_by_email(session, email)
    if existing is not None:
        return existing
    return await users.create_user(
        session,
        email=email,
        display_name=name,
        role=role,
        password=DEMO_PASSWORD,
        password_min_length=settings.password_min_length,
    )


async def seed(db: Database, settings: Settings) -> list[tuple[str, str]]:
    """Create what is missing; returns (login, description) lines to print."""
    logins: list[tuple[str, str]] = []
    async with db.transaction() as session:
        team_rows: dict[str, Team] = {}
        for name, description in TEAMS.items():
            team = await session.scalar(select(Team).where(Team.name == name))
            team_rows[name] = team or await teams.create_team(
                session, name=name, description=description
            )
        for demo in STAFF:
            user = await _user(session, settings, demo.email, demo.name, demo.role)
            label = demo.role.value.lower() + (f", team {demo.team}" if demo.team else "")
            logins.append((demo.email, label))
            if demo.team:
                team = team_rows[demo.team]
                member = await session.scalar(
                    select(TeamMember).where(
                        TeamMember.team_id == team.id, TeamMember.user_id == user.id
                    )
                )
                if member is None:
                    await teams.add_agent(session, team, user)
        for org_name, people in ORGANISATIONS.items():
            org = await session.scalar(select(Organisation).where(Organisation.name == org_name))
            if org is None:
                org = await organisations.create_organisation(
                    session, name=org_name, super_user_cap=settings.super_user_cap
                )
            for email, name, role in people:
                user = await _user(session, settings, email, name, UserRole.CUSTOMER)
                logins.append((email, f"{role.value.lower().replace('_', ' ')}, {org_name}"))
                membership = await session.scalar(
                    select(Membership).where(
                        Membership.organisation_id == org.id, Membership.user_id == user.id
                    )
                )
                if membership is None:
                    await organisations.add_member(session, org, user, role)
        await seed_catalog(session, settings)
    return logins
