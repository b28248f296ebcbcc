"""Organisations and their memberships, including the super-user cap."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.models import Membership, MembershipRole, Organisation, User, UserRole
from backend.domain.errors import DomainError, Problem, not_found
from backend.domain.names import name_taken

MAX_NAME = 200


def _name_problems(name: str) -> list[Problem]:
    if not name.strip():
        return [Problem(("name",), "REQUIRED", "Name is required.")]
    if len(name) > MAX_NAME:
        return [Problem(("name",), "TOO_LONG", f"At most {MAX_NAME} characters, please.")]
    return []


def _cap_problems(cap: int) -> list[Problem]:
    if cap < 1 or cap > 1000:
        return [Problem(("superUserCap",), "OUT_OF_RANGE", "The cap must be between 1 and 1000.")]
    return []


async def _name_taken(session: AsyncSession, name: str, except_id: int | None = None) -> bool:
    return await name_taken(session, Organisation.name, name, except_id=except_id)


async def create_organisation(
    session: AsyncSession, *, name: str, super_user_cap: int
) -> Organisation:
    problems = _name_problems(name) + _cap_problems(super_user_cap)
    if not problems and await _name_taken(session, name):
        problems.append(Problem(("name",), "NAME_TAKEN", "An organisation with this name exists."))
    if problems:
        raise DomainError(problems)
    organisation = Organisation(name=name.strip(), super_user_cap=super_user_cap)
    session.add(organisation)
    await session.flush()
    return organisation


async def super_user_count(session: AsyncSession, organisation_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(
                Membership.organisation_id == organisation_id,
                Membership.role == MembershipRole.SUPER_USER.value,
            )
        )
        or 0
    )


async def update_organisation(
    session: AsyncSession,
    organisation: Organisation,
    *,
    name: str | None = None,
    super_user_cap: int | None = None,
) -> Organisation:
    problems: list[Problem] = []
    if name is not None:
        problems += _name_problems(name)
        if not problems and await _name_taken(session, name, except_id=organisation.id):
            problems.append(
                Problem(("name",), "NAME_TAKEN", "An organisation with this name exists.")
            )
    if super_user_cap is not None:
        problems += _cap_problems(super_user_cap)
        if not problems and super_user_cap < await super_user_count(session, organisation.id):
            problems.append(
                Problem(
                    ("superUserCap",),
                    "BELOW_CURRENT",
                    "The organisation already has more super users than that.",
                )
            )
    if problems:
        raise DomainError(problems)
    if name is not None:
        organisation.name = name.strip()
    if super_user_cap is not None:
        organisation.super_user_cap = super_user_cap
    await session.flush()
    return organisation


async def lock_organisation(
    session: AsyncSession, organisation_id: int, path: str = "organisationId"
) -> Organisation:
    """Load the organisation for a membership change, serialising concurrent changes.

    On PostgreSQL the row lock makes the cap check and the insert atomic; on SQLite the write
    transaction (BEGIN IMMEDIATE) already serialises writers.
    """
    organisation = await session.scalar(
        select(Organisation).where(Organisation.id == organisation_id).with_for_update()
    )
    if organisation is None:
        raise not_found(path, "Organisation")
    return organisation


async def _check_cap(session: AsyncSession, organisation: Organisation, path: str) -> None:
    if await super_user_count(session, organisation.id) >= organisation.super_user_cap:
        raise DomainError.single(
            path,
            "SUPER_USER_CAP_REACHED",
            f"{organisation.name} already has {organisation.super_user_cap} super users, "
            "the most it may have.",
        )


async def add_member(
    session: AsyncSession, organisation: Organisation, user: User, role: MembershipRole
) -> Membership:
    if user.role != UserRole.CUSTOMER.value:
        raise DomainError.single(
            "userId", "NOT_A_CUSTOMER", "Only customer accounts can be members of an organisation."
        )
    existing = await session.scalar(
        select(Membership).where(
            Membership.organisation_id == organisation.id, Membership.user_id == user.id
        )
    )
    if existing is not None:
        raise DomainError.single(
            "userId", "ALREADY_MEMBER", f"{user.display_name} is already a member."
        )
    if role == MembershipRole.SUPER_USER:
        await _check_cap(session, organisation, "role")
    membership = Membership(organisation_id=organisation.id, user_id=user.id, role=role.value)
    session.add(membership)
    await session.flush()
    return membership


async def get_membership(session: AsyncSession, organisation_id: int, user_id: int) -> Membership:
    membership = await session.scalar(
        select(Membership).where(
            Membership.organisation_id == organisation_id, Membership.user_id == user_id
        )
    )
    if membership is None:
        raise not_found("userId", "Membership")
    return membership


async def change_member_role(
    session: AsyncSession, organisation: Organisation, membership: Membership, role: MembershipRole
) -> Membership:
    if membership.role == role.value:
        return membership
    if role == MembershipRole.SUPER_USER:
        await _check_cap(session, organisation, "role")
    membership.role = role.value
    await session.flush()
    return membership


async def remove_member(session: AsyncSession, membership: Membership) -> None:
    await session.delete(membership)
    await session.flush()
