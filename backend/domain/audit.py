"""The audit log of admin actions: who did what to which object, with its state before and
after. Every admin write records its entry in its own transaction, so an entry exists exactly
when the change does.

Snapshots are built by the functions below, one per kind of object, so the same object always
looks the same in `before` and `after`. They hold what an admin sees, never a secret (password
hashes, tokens), and name related objects by their global IDs.
"""

from __future__ import annotations

import copy
import getpass
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.models import (
    AuditLogEntry,
    FormField,
    Membership,
    Organisation,
    RequestCategory,
    RequestType,
    Team,
    TeamMember,
    User,
)
from backend.domain import global_ids

Snapshot = dict[str, Any]


class Action(StrEnum):
    """What was done; stored as its value (`object.verb`)."""

    USER_CREATE = "user.create"
    USER_UPDATE = "user.update"
    ORGANISATION_CREATE = "organisation.create"
    ORGANISATION_UPDATE = "organisation.update"
    MEMBERSHIP_ADD = "membership.add"
    MEMBERSHIP_UPDATE = "membership.update"
    MEMBERSHIP_REMOVE = "membership.remove"
    TEAM_CREATE = "team.create"
    TEAM_UPDATE = "team.update"
    TEAM_ADD_AGENT = "team.add_agent"
    TEAM_REMOVE_AGENT = "team.remove_agent"
    CATEGORY_CREATE = "category.create"
    CATEGORY_UPDATE = "category.update"
    CATEGORY_REORDER = "category.reorder"
    REQUEST_TYPE_CREATE = "request_type.create"
    REQUEST_TYPE_UPDATE = "request_type.update"
    REQUEST_TYPE_REORDER = "request_type.reorder"
    FORM_FIELD_CREATE = "form_field.create"
    FORM_FIELD_UPDATE = "form_field.update"
    FORM_FIELD_REORDER = "form_field.reorder"
    PRIORITY_SCHEME_SET = "priority_scheme.set"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a signed-in user, or the command line (no user; the label says who)."""

    user_id: int | None
    label: str
    request_id: str | None = None


def cli_actor() -> Actor:
    """The command line, labelled with the operating-system account that ran it."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers) and no LOGNAME/USER
        name = "unknown"
    return Actor(None, f"cli:{name}"[:254])


@dataclass(frozen=True, slots=True)
class Target:
    """The object acted on: its type name (the API's, e.g. "RequestType") and primary key.
    Portal-wide changes (category order, priority scheme) target "Portal" with no id."""

    type: str
    id: int | None = None


PORTAL = Target("Portal")


def target_of(row: Any) -> Target:
    return Target(type(row).__name__, row.id)


async def record(
    session: AsyncSession,
    actor: Actor,
    action: Action,
    target: Target,
    before: Snapshot | None,
    after: Snapshot | None,
) -> AuditLogEntry | None:
    """Add the entry to the caller's transaction. An update that changed nothing is not
    recorded (admin forms often send every field)."""
    if before is not None and before == after:
        return None
    entry = AuditLogEntry(
        actor_id=actor.user_id,
        actor_label=actor.label[:254],
        action=action.value,
        target_type=target.type,
        target_id=target.id,
        before=before,
        after=after,
        request_id=actor.request_id[:128] if actor.request_id else None,
    )
    session.add(entry)
    await session.flush()
    return entry


# ---- snapshots


def _gid(type_name: str, pk: int | None) -> str | None:
    return global_ids.encode(type_name, pk) if pk is not None else None


def user_snapshot(user: User) -> Snapshot:
    # Deliberately listed field by field: a new column (a secret, say) is never logged unasked.
    return {
        "email": user.email,
        "displayName": user.display_name,
        "role": user.role,
        "locale": user.locale,
        "timeZone": user.time_zone,
        "isActive": user.is_active,
    }


def organisation_snapshot(organisation: Organisation) -> Snapshot:
    return {"name": organisation.name, "superUserCap": organisation.super_user_cap}


def membership_snapshot(membership: Membership) -> Snapshot:
    return {
        "organisationId": _gid("Organisation", membership.organisation_id),
        "userId": _gid("User", membership.user_id),
        "role": membership.role,
    }


async def team_snapshot(session: AsyncSession, team: Team) -> Snapshot:
    agent_ids = await session.scalars(
        select(TeamMember.user_id).where(TeamMember.team_id == team.id).order_by(TeamMember.user_id)
    )
    return {
        "name": team.name,
        "description": team.description,
        "agentIds": [_gid("User", pk) for pk in agent_ids],
    }


def category_snapshot(category: RequestCategory) -> Snapshot:
    return {
        "name": category.name,
        "description": category.description,
        "position": category.position,
        "archived": category.archived_at is not None,
    }


def request_type_snapshot(request_type: RequestType) -> Snapshot:
    return {
        "categoryId": _gid("RequestCategory", request_type.category_id),
        "name": request_type.name,
        "description": request_type.description,
        "icon": request_type.icon,
        "issueType": request_type.issue_type,
        "defaultPriorityKey": request_type.default_priority_key,
        "teamId": _gid("Team", request_type.team_id),
        "position": request_type.position,
        "archived": request_type.archived_at is not None,
    }


def form_field_snapshot(field: FormField) -> Snapshot:
    return {
        "requestTypeId": _gid("RequestType", field.request_type_id),
        "key": field.key,
        "position": field.position,
        # The definition as domain/forms stores it (kind, label, options, constraints, ...).
        "spec": copy.deepcopy(field.spec),
        "archived": field.archived_at is not None,
    }


async def category_order_snapshot(session: AsyncSession) -> Snapshot:
    ids = await session.scalars(
        select(RequestCategory.id).order_by(RequestCategory.position, RequestCategory.id)
    )
    return {"categoryIds": [_gid("RequestCategory", pk) for pk in ids]}


async def request_type_order_snapshot(session: AsyncSession, category_id: int) -> Snapshot:
    ids = await session.scalars(
        select(RequestType.id)
        .where(RequestType.category_id == category_id)
        .order_by(RequestType.position, RequestType.id)
    )
    return {"requestTypeIds": [_gid("RequestType", pk) for pk in ids]}


async def form_order_snapshot(session: AsyncSession, request_type: RequestType) -> Snapshot:
    ids = await session.scalars(
        select(FormField.id)
        .where(FormField.request_type_id == request_type.id, FormField.archived_at.is_(None))
        .order_by(FormField.position, FormField.id)
    )
    return {
        "fieldIds": [_gid("FormField", pk) for pk in ids],
        "formVersion": request_type.form_version,
    }


async def priority_scheme_snapshot(session: AsyncSession, scheme_key: str) -> Snapshot:
    """The scheme and the request types' default priorities (changing the scheme clears
    defaults that name none of its levels)."""
    rows = await session.execute(
        select(RequestType.id, RequestType.default_priority_key)
        .where(RequestType.default_priority_key.is_not(None))
        .order_by(RequestType.id)
    )
    defaults: Mapping[str | None, str] = {_gid("RequestType", pk): key for pk, key in rows}
    return {"key": scheme_key, "defaultPriorities": dict(defaults)}
