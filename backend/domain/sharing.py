"""Sharing a request: its visibility and its participants, and each user's notifications."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth import policies
from backend.auth.viewer import Viewer
from backend.db.base import utcnow
from backend.db.models import (
    Membership,
    Request,
    RequestNotificationSetting,
    RequestParticipant,
    User,
    UserRole,
    Visibility,
)
from backend.domain import timeline
from backend.domain.errors import DomainError, Problem
from backend.domain.requests import MAX_PARTICIPANTS
from backend.domain.timeline import EventKind


@dataclass(frozen=True, slots=True)
class ShareChange:
    visibility: Visibility | None = None
    add_ids: Sequence[int] = ()
    remove_ids: Sequence[int] = ()
    problems: list[Problem] = field(default_factory=list)  # from decoding the input's IDs


async def _addable_problems(
    session: AsyncSession, request: Request, add_ids: list[int]
) -> list[Problem]:
    """Participants are active users of the request's organisation, or agents."""
    if not add_ids:
        return []
    users = {
        u.id: u
        for u in await session.scalars(
            select(User).where(User.id.in_(add_ids), User.is_active.is_(True))
        )
    }
    members = set(
        await session.scalars(
            select(Membership.user_id).where(
                Membership.organisation_id == request.organisation_id,
                Membership.user_id.in_(add_ids),
            )
        )
    )
    problems = []
    for index, user_id in enumerate(add_ids):
        path = ("addParticipantIds", str(index))
        user = users.get(user_id)
        if user is None:
            problems.append(Problem(path, "NOT_FOUND", "User not found."))
        elif user.role == UserRole.CUSTOMER.value and user_id not in members:
            problems.append(
                Problem(
                    path,
                    "NOT_A_MEMBER",
                    f"{user.display_name} is not in the request's organisation.",
                )
            )
    return problems


async def share(
    session: AsyncSession, viewer: Viewer, request: Request, change: ShareChange
) -> int:
    """Apply a visibility change and participant additions and removals, one timeline event
    per real change (adding a participant twice or removing a non-participant changes
    nothing). Returns the number of events written."""
    if not policies.can_share(
        viewer, reporter_id=request.reporter_id, organisation_id=request.organisation_id
    ):
        raise DomainError.single(
            None,
            "FORBIDDEN",
            "Only the reporter and super users of its organisation share a request.",
        )
    add_ids = list(dict.fromkeys(change.add_ids))
    remove_ids = list(dict.fromkeys(change.remove_ids))
    problems = list(change.problems)
    for index, user_id in enumerate(add_ids):
        if user_id in remove_ids:
            problems.append(
                Problem(
                    ("addParticipantIds", str(index)),
                    "CONFLICT",
                    "A user cannot be added and removed at once.",
                )
            )
    problems += await _addable_problems(session, request, add_ids)
    current = set(
        await session.scalars(
            select(RequestParticipant.user_id).where(RequestParticipant.request_id == request.id)
        )
    )
    to_add = [u for u in add_ids if u not in current and u != request.reporter_id]
    to_remove = [u for u in remove_ids if u in current]
    if len(current) + len(to_add) - len(to_remove) > MAX_PARTICIPANTS:
        problems.append(
            Problem(("addParticipantIds",), "TOO_MANY", f"At most {MAX_PARTICIPANTS} participants.")
        )
    if problems:
        raise DomainError(problems)

    now = utcnow()
    events = 0
    if change.visibility is not None and change.visibility.value != request.visibility:
        await timeline.record(
            session,
            request_id=request.id,
            kind=EventKind.VISIBILITY_CHANGED,
            actor_id=viewer.user_id,
            data={"from": request.visibility, "to": change.visibility.value},
        )
        request.visibility = change.visibility.value
        events += 1
    for user_id in to_add:
        session.add(RequestParticipant(request_id=request.id, user_id=user_id, created_at=now))
        await timeline.record(
            session,
            request_id=request.id,
            kind=EventKind.PARTICIPANT_ADDED,
            actor_id=viewer.user_id,
            data={"userId": user_id},
        )
        events += 1
    if to_remove:
        await session.execute(
            delete(RequestParticipant).where(
                RequestParticipant.request_id == request.id,
                RequestParticipant.user_id.in_(to_remove),
            )
        )
    for user_id in to_remove:
        await timeline.record(
            session,
            request_id=request.id,
            kind=EventKind.PARTICIPANT_REMOVED,
            actor_id=viewer.user_id,
            data={"userId": user_id},
        )
        events += 1
    if events:
        request.updated_at = now
    return events


async def still_visible(session: AsyncSession, viewer: Viewer, request: Request) -> bool:
    """After a change of sharing: whether the viewer still sees the request."""
    await session.flush()
    found = await session.scalar(
        select(Request.id).where(Request.id == request.id, policies.request_filter(viewer))
    )
    return found is not None


async def set_notifications(
    session: AsyncSession, viewer: Viewer, request: Request, enabled: bool
) -> None:
    """The viewer's own choice for this request: a preference, not a change of the request,
    so it writes no timeline event."""
    row = await session.scalar(
        select(RequestNotificationSetting).where(
            RequestNotificationSetting.request_id == request.id,
            RequestNotificationSetting.user_id == viewer.user_id,
        )
    )
    if row is None:
        session.add(
            RequestNotificationSetting(
                request_id=request.id, user_id=viewer.user_id, enabled=enabled, updated_at=utcnow()
            )
        )
    else:
        row.enabled = enabled
        row.updated_at = utcnow()
    await session.flush()
