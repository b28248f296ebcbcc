"""Admin mutations: users, organisations, memberships and teams. Thin: ids -> policy ->
domain -> payload."""

from __future__ import annotations

from datetime import timedelta

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth import password_reset, policies
from backend.auth.sessions import revoke_all_sessions
from backend.auth.viewer import Viewer
from backend.context import Context
from backend.db.models import MembershipRole, Team, User, UserRole
from backend.domain import audit, organisations, teams, users
from backend.domain.audit import Action, target_of
from backend.domain.errors import DomainError, forbidden, not_found
from backend.resolvers.common import audit_actor, in_transaction, require_viewer
from backend.schema.admin import (
    OrganisationCreateInput,
    OrganisationCreatePayload,
    OrganisationMemberAddInput,
    OrganisationMemberAddPayload,
    OrganisationMemberRemoveInput,
    OrganisationMemberRemovePayload,
    OrganisationMemberUpdateInput,
    OrganisationMemberUpdatePayload,
    OrganisationUpdateInput,
    OrganisationUpdatePayload,
    TeamCreateInput,
    TeamCreatePayload,
    TeamMemberAddInput,
    TeamMemberAddPayload,
    TeamMemberRemoveInput,
    TeamMemberRemovePayload,
    TeamUpdateInput,
    TeamUpdatePayload,
    UserCreateInput,
    UserCreatePayload,
    UserUpdateInput,
    UserUpdatePayload,
)
from backend.schema.errors import user_errors
from backend.schema.relay import encode_id, expect_id
from backend.schema.users import Membership, Organisation
from backend.schema.users import Team as TeamType
from backend.schema.users import User as UserType


def _require_admin(viewer: Viewer) -> None:
    if not policies.can_administer(viewer):
        raise forbidden("Only admins may do this.")


def _require_member_manager(viewer: Viewer, organisation_id: int) -> None:
    # Someone who cannot see the organisation learns nothing about it, not even that it exists.
    if not policies.can_see_organisation(viewer, organisation_id):
        raise not_found("organisationId", "Organisation")
    if not policies.can_manage_members(viewer, organisation_id):
        raise forbidden("Only admins and the organisation's super users may manage its members.")


async def _get_user(session: AsyncSession, user_id: int, path: str = "userId") -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise not_found(path, "User")
    return user


async def _get_team(session: AsyncSession, team_id: int, path: str) -> Team:
    team = await session.get(Team, team_id)
    if team is None:
        raise not_found(path, "Team")
    return team


# ---- users


async def user_create(info: strawberry.Info, input: UserCreateInput) -> UserCreatePayload:
    context: Context = info.context
    viewer = require_viewer(context)
    settings = context.settings

    async def work(session: AsyncSession) -> User:
        _require_admin(viewer)
        user = await users.create_user(
            session,
            email=input.email,
            display_name=input.display_name,
            role=UserRole(input.role.value),
            password=input.password,
            password_min_length=settings.password_min_length,
            locale=input.locale,
            time_zone=input.time_zone,
        )
        await audit.record(
            session,
            audit_actor(context),
            Action.USER_CREATE,
            target_of(user),
            None,
            audit.user_snapshot(user),
        )
        if input.password is None:
            await password_reset.send_link(
                session,
                user,
                public_url=settings.public_url,
                ttl=timedelta(hours=settings.invitation_ttl_hours),
                log_link=settings.is_development,
                kind="invitation",
            )
        return user

    user, problems = await in_transaction(context, work)
    return UserCreatePayload(
        user=UserType.from_row(user) if user else None, user_errors=user_errors(problems)
    )


async def user_update(info: strawberry.Info, input: UserUpdateInput) -> UserUpdatePayload:
    context: Context = info.context
    viewer = require_viewer(context)

    async def work(session: AsyncSession) -> User:
        _require_admin(viewer)
        user = await _get_user(session, expect_id(input.id, "User", "id"), "id")
        if user.id == viewer.user_id and (
            input.is_active is False or (input.role and input.role.value != UserRole.ADMIN)
        ):
            raise DomainError.single(
                "id", "SELF_LOCKOUT", "You cannot deactivate yourself or drop your own admin role."
            )
        before = audit.user_snapshot(user)
        await users.update_user(
            session,
            user,
            display_name=input.display_name,
            role=UserRole(input.role.value) if input.role else None,
            is_active=input.is_active,
            locale=input.locale,
            time_zone=input.time_zone,
        )
        if input.is_active is False:
            await revoke_all_sessions(session, user.id)
        await audit.record(
            session,
            audit_actor(context),
            Action.USER_UPDATE,
            target_of(user),
            before,
            audit.user_snapshot(user),
        )
        return user

    user, problems = await in_transaction(context, work)
    return UserUpdatePayload(
        user=UserType.from_row(user) if user else None, user_errors=user_errors(problems)
    )


# ---- organisations


async def organisation_create(
    info: strawberry.Info, input: OrganisationCreateInput
) -> OrganisationCreatePayload:
    context: Context = info.context
    viewer = require_viewer(context)

    async def work(session: AsyncSession) -> Organisation:
        _require_admin(viewer)
        cap = input.super_user_cap
        if cap is None:
            cap = context.settings.super_user_cap
        row = await organisations.create_organisation(session, name=input.name, super_user_cap=cap)
        await audit.record(
            session,
            audit_actor(context),
            Action.ORGANISATION_CREATE,
            target_of(row),
            None,
            audit.organisation_snapshot(row),
        )
        return Organisation.from_row(row)

    organisation, problems = await in_transaction(context, work)
    return OrganisationCreatePayload(organisation=organisation, user_errors=user_errors(problems))


async def organisation_update(
    info: strawberry.Info, input: OrganisationUpdateInput
) -> OrganisationUpdatePayload:
    context: Context = info.context
    viewer = require_viewer(context)

    async def work(session: AsyncSession) -> Organisation:
        _require_admin(viewer)
        org = await organisations.lock_organisation(
            session, expect_id(input.id, "Organisation", "id"), path="id"
        )
        before = audit.organisation_snapshot(org)
        await organisations.update_organisation(
            session, org, name=input.name, super_user_cap=input.super_user_cap
        )
        await audit.record(
            session,
            audit_actor(context),
            Action.ORGANISATION_UPDATE,
            target_of(org),
            before,
            audit.organisation_snapshot(org),
        )
        return Organisation.from_row(org)

    organisation, problems = await in_transaction(context, work)
    return OrganisationUpdatePayload(organisation=organisation, user_errors=user_errors(problems))


async def organisation_member_add(
    info: strawberry.Info, input: OrganisationMemberAddInput
) -> OrganisationMemberAddPayload:
    context: Context = info.context
    viewer = require_viewer(context)
    settings = context.settings

    async def work(session: AsyncSession) -> Membership:
        org_id = expect_id(input.organisation_id, "Organisation", "organisationId")
        _require_member_manager(viewer, org_id)
        org = await organisations.lock_organisation(session, org_id)
        if (input.user_id is None) == (input.email is None):
            raise DomainError.single("userId", "REQUIRED", "Give either userId or email, not both.")
        if input.user_id is not None:
            user = await _get_user(session, expect_id(input.user_id, "User", "userId"))
        else:
            assert input.email is not None
            found = await users.find_by_email(session, input.email)
            if found is None:
                name = input.display_name or input.email.strip().split("@")[0]
                found = await users.create_user(
                    session,
                    email=input.email,
                    display_name=name,
                    role=UserRole.CUSTOMER,
                    password=None,
                    password_min_length=settings.password_min_length,
                )
                await audit.record(
                    session,
                    audit_actor(context),
                    Action.USER_CREATE,
                    target_of(found),
                    None,
                    audit.user_snapshot(found),
                )
                await password_reset.send_link(
                    session,
                    found,
                    public_url=settings.public_url,
                    ttl=timedelta(hours=settings.invitation_ttl_hours),
                    log_link=settings.is_development,
                    kind="invitation",
                )
            user = found
        membership = await organisations.add_member(
            session, org, user, MembershipRole(input.role.value)
        )
        await audit.record(
            session,
            audit_actor(context),
            Action.MEMBERSHIP_ADD,
            target_of(membership),
            None,
            audit.membership_snapshot(membership),
        )
        return Membership.from_row(membership)

    membership, problems = await in_transaction(context, work)
    return OrganisationMemberAddPayload(membership=membership, user_errors=user_errors(problems))


async def organisation_member_update(
    info: strawberry.Info, input: OrganisationMemberUpdateInput
) -> OrganisationMemberUpdatePayload:
    context: Context = info.context
    viewer = require_viewer(context)

    async def work(session: AsyncSession) -> Membership:
        org_id = expect_id(input.organisation_id, "Organisation", "organisationId")
        user_id = expect_id(input.user_id, "User", "userId")
        _require_member_manager(viewer, org_id)
        org = await organisations.lock_organisation(session, org_id)
        membership = await organisations.get_membership(session, org_id, user_id)
        before = audit.membership_snapshot(membership)
        await organisations.change_member_role(
            session, org, membership, MembershipRole(input.role.value)
        )
        await audit.record(
            session,
            audit_actor(context),
            Action.MEMBERSHIP_UPDATE,
            target_of(membership),
            before,
            audit.membership_snapshot(membership),
        )
        return Membership.from_row(membership)

    membership, problems = await in_transaction(context, work)
    return OrganisationMemberUpdatePayload(membership=membership, user_errors=user_errors(problems))


async def organisation_member_remove(
    info: strawberry.Info, input: OrganisationMemberRemoveInput
) -> OrganisationMemberRemovePayload:
    context: Context = info.context
    viewer = require_viewer(context)

    async def work(session: AsyncSession) -> tuple[Organisation, int]:
        org_id = expect_id(input.organisation_id, "Organisation", "organisationId")
        user_id = expect_id(input.user_id, "User", "userId")
        _require_member_manager(viewer, org_id)
        org = await organisations.lock_organisation(session, org_id)
        membership = await organisations.get_membership(session, org_id, user_id)
        membership_id = membership.id
        before = audit.membership_snapshot(membership)
        await organisations.remove_member(session, membership)
        await audit.record(
            session,
            audit_actor(context),
            Action.MEMBERSHIP_REMOVE,
            audit.Target("Membership", membership_id),
            before,
            None,
        )
        return Organisation.from_row(org), membership_id

    result, problems = await in_transaction(context, work)
    return OrganisationMemberRemovePayload(
        organisation=result[0] if result else None,
        removed_membership_id=encode_id("Membership", result[1]) if result else None,
        user_errors=user_errors(problems),
    )


# ---- teams


async def team_create(info: strawberry.Info, input: TeamCreateInput) -> TeamCreatePayload:
    context: Context = info.context
    viewer = require_viewer(context)

    async def work(session: AsyncSession) -> TeamType:
        _require_admin(viewer)
        team = await teams.create_team(session, name=input.name, description=input.description)
        await audit.record(
            session,
            audit_actor(context),
            Action.TEAM_CREATE,
            target_of(team),
            None,
            await audit.team_snapshot(session, team),
        )
        return TeamType.from_row(team)

    team, problems = await in_transaction(context, work)
    return TeamCreatePayload(team=team, user_errors=user_errors(problems))


async def team_update(info: strawberry.Info, input: TeamUpdateInput) -> TeamUpdatePayload:
    context: Context = info.context
    viewer = require_viewer(context)

    async def work(session: AsyncSession) -> TeamType:
        _require_admin(viewer)
        team = await _get_team(session, expect_id(input.id, "Team", "id"), "id")
        before = await audit.team_snapshot(session, team)
        await teams.update_team(session, team, name=input.name, description=input.description)
        await audit.record(
            session,
            audit_actor(context),
            Action.TEAM_UPDATE,
            target_of(team),
            before,
            await audit.team_snapshot(session, team),
        )
        return TeamType.from_row(team)

    team, problems = await in_transaction(context, work)
    return TeamUpdatePayload(team=team, user_errors=user_errors(problems))


async def team_member_add(info: strawberry.Info, input: TeamMemberAddInput) -> TeamMemberAddPayload:
    context: Context = info.context
    viewer = require_viewer(context)

    async def work(session: AsyncSession) -> TeamType:
        _require_admin(viewer)
        team = await _get_team(session, expect_id(input.team_id, "Team", "teamId"), "teamId")
        user = await _get_user(session, expect_id(input.user_id, "User", "userId"))
        before = await audit.team_snapshot(session, team)
        await teams.add_agent(session, team, user)
        await audit.record(
            session,
            audit_actor(context),
            Action.TEAM_ADD_AGENT,
            target_of(team),
            before,
            await audit.team_snapshot(session, team),
        )
        return TeamType.from_row(team)

    team, problems = await in_transaction(context, work)
    return TeamMemberAddPayload(team=team, user_errors=user_errors(problems))


async def team_member_remove(
    info: strawberry.Info, input: TeamMemberRemoveInput
) -> TeamMemberRemovePayload:
    context: Context = info.context
    viewer = require_viewer(context)

    async def work(session: AsyncSession) -> TeamType:
        _require_admin(viewer)
        team = await _get_team(session, expect_id(input.team_id, "Team", "teamId"), "teamId")
        before = await audit.team_snapshot(session, team)
        await teams.remove_agent(session, team, expect_id(input.user_id, "User", "userId"))
        await audit.record(
            session,
            audit_actor(context),
            Action.TEAM_REMOVE_AGENT,
            target_of(team),
            before,
            await audit.team_snapshot(session, team),
        )
        return TeamType.from_row(team)

    team, problems = await in_transaction(context, work)
    return TeamMemberRemovePayload(team=team, user_errors=user_errors(problems))
