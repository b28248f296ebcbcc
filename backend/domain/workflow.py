"""The workflow: which status changes exist and who may take them, read from the
`workflow_transitions` table (data, not code), and the two automatic steps: a customer's reply
on WAITING_FOR_CUSTOMER and the auto-close of RESOLVED requests after N working days.

Every status change goes through `_apply`, which writes the timeline event, keeps
`resolved_at` and bumps `updated_at` in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.viewer import Viewer
from backend.db.base import utcnow
from backend.db.models import Request, RequestStatus, TimelineEvent, TransitionActor
from backend.db.models import WorkflowTransition as TransitionRow
from backend.domain import timeline
from backend.domain.errors import DomainError
from backend.domain.timeline import EventKind

MAX_REASON = 2000
CLOSE_BATCH = 500
OPEN_STATUSES = frozenset(RequestStatus) - {
    RequestStatus.RESOLVED,
    RequestStatus.CLOSED,
    RequestStatus.CANCELLED,
}
# Target statuses with an event kind of their own; every other change is STATUS_CHANGED.
_KIND_BY_TARGET = {
    RequestStatus.CANCELLED: EventKind.CANCELLED,
    RequestStatus.REOPENED: EventKind.REOPENED,
    RequestStatus.ESCALATED: EventKind.ESCALATED,
}


@dataclass(frozen=True, slots=True)
class Transition:
    from_status: RequestStatus
    to_status: RequestStatus
    actor: TransitionActor
    name: str

    @classmethod
    def of(cls, row: Any) -> Transition:
        """From a workflow_transitions row (ORM object or loader row)."""
        return cls(
            RequestStatus(row.from_status),
            RequestStatus(row.to_status),
            TransitionActor(row.actor),
            row.name,
        )


def actor_allows(actor: TransitionActor, viewer: Viewer) -> bool:
    """Whether the viewer is who a row names. CUSTOMER rows need the request to be visible:
    callers only ever pass requests loaded through policies.request_filter."""
    if actor is TransitionActor.ANY:
        return True
    if actor is TransitionActor.AGENT:
        return viewer.is_staff
    return not viewer.is_staff


async def transitions_from(session: AsyncSession, status: str) -> list[Transition]:
    rows = await session.scalars(
        select(TransitionRow).where(TransitionRow.from_status == status).order_by(TransitionRow.id)
    )
    return [Transition.of(r) for r in rows]


def allowed(transitions: list[Transition], viewer: Viewer) -> list[Transition]:
    """The viewer's transitions among `transitions` (all from one status), one per target."""
    seen: dict[RequestStatus, Transition] = {}
    for t in transitions:
        if t.to_status not in seen and actor_allows(t.actor, viewer):
            seen[t.to_status] = t
    return list(seen.values())


def can_move_to(options: list[Transition], target: RequestStatus) -> bool:
    """Whether `options` (from `allowed`) reach `target`: the flags behind viewerCan."""
    return any(t.to_status is target for t in options)


async def available_transitions(
    session: AsyncSession, viewer: Viewer, request: Any
) -> list[Transition]:
    """What the viewer may do with the request now (`request` has a `status`)."""
    return allowed(await transitions_from(session, request.status), viewer)


def _check_reason(reason: str | None, *, required: bool) -> str | None:
    text = (reason or "").strip()
    if required and not text:
        raise DomainError.single("reason", "REQUIRED", "Give a reason.")
    if len(text) > MAX_REASON:
        raise DomainError.single(
            "reason", "TOO_LONG", f"The reason has at most {MAX_REASON} characters."
        )
    return text or None


async def _apply(
    session: AsyncSession,
    request: Request,
    to_status: RequestStatus,
    *,
    actor_id: int | None,
    name: str,
    now: datetime,
    reason: str | None = None,
    automatic: bool = False,
) -> TimelineEvent:
    old = request.status
    request.status = to_status.value
    if to_status is RequestStatus.RESOLVED:
        request.resolved_at = now
    elif to_status is not RequestStatus.CLOSED:
        # Reopened or back in work: the auto-close clock stops. CLOSED keeps it for reporting.
        request.resolved_at = None
    request.updated_at = now
    data: dict[str, Any] = {"from": old, "to": to_status.value, "transition": name}
    if reason is not None:
        data["reason"] = reason
    if automatic:
        data["automatic"] = True
    kind = _KIND_BY_TARGET.get(to_status, EventKind.STATUS_CHANGED)
    return await timeline.record(
        session, request_id=request.id, kind=kind, actor_id=actor_id, data=data
    )


async def transition(
    session: AsyncSession,
    viewer: Viewer,
    request: Request,
    to_status: RequestStatus,
    *,
    reason: str | None = None,
    reason_required: bool = False,
    path: str = "toStatus",
) -> TimelineEvent:
    """Take a transition of the table as the viewer (the request is visible and locked).
    Raises DomainError (INVALID_TRANSITION on `path`) when no row lets the viewer do it."""
    text = _check_reason(reason, required=reason_required)
    options = allowed(await transitions_from(session, request.status), viewer)
    chosen = next((t for t in options if t.to_status is to_status), None)
    if chosen is None:
        raise DomainError.single(
            path,
            "INVALID_TRANSITION",
            f"A request in {request.status} cannot be moved to {to_status.value} by you.",
        )
    return await _apply(
        session,
        request,
        to_status,
        actor_id=viewer.user_id,
        name=chosen.name,
        now=utcnow(),
        reason=text,
    )


async def customer_replied(
    session: AsyncSession, viewer: Viewer, request: Request
) -> TimelineEvent | None:
    """A customer's comment on WAITING_FOR_CUSTOMER hands the request back to support, when
    the table has a row for that step a customer may take."""
    if viewer.is_staff or request.status != RequestStatus.WAITING_FOR_CUSTOMER.value:
        return None
    options = allowed(await transitions_from(session, request.status), viewer)
    step = next((t for t in options if t.to_status is RequestStatus.WAITING_FOR_SUPPORT), None)
    if step is None:
        return None
    return await _apply(
        session,
        request,
        RequestStatus.WAITING_FOR_SUPPORT,
        actor_id=viewer.user_id,
        name=step.name,
        now=utcnow(),
        automatic=True,
    )


# ---- auto-close


def add_working_days(start: datetime, days: int) -> datetime:
    """`start` moved forward by `days` working days (Monday to Friday), same time of day.
    A resolution on Friday afternoon with 2 days closes on Tuesday afternoon; one on Saturday
    counts from Monday, so also Tuesday. Days are UTC days (business calendars come later)."""
    moment = start
    left = days
    while left > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            left -= 1
    return moment


async def close_resolved(
    session: AsyncSession, now: datetime, working_days: int, *, limit: int = CLOSE_BATCH
) -> int:
    """Close RESOLVED requests whose `working_days` have passed at `now`, each with a
    STATUS_CHANGED event (no actor, `automatic: true`). Returns how many were closed.
    Needs a RESOLVED -> CLOSED row in the workflow table (any actor)."""
    step = await session.scalar(
        select(TransitionRow.name).where(
            TransitionRow.from_status == RequestStatus.RESOLVED.value,
            TransitionRow.to_status == RequestStatus.CLOSED.value,
        )
    )
    if step is None:
        return 0
    # Adding N working days adds at least N calendar days: a cheap, indexed pre-filter.
    candidates = await session.scalars(
        select(Request)
        .where(
            Request.status == RequestStatus.RESOLVED.value,
            Request.resolved_at <= now - timedelta(days=working_days),
        )
        .order_by(Request.resolved_at, Request.id)
        .limit(limit)
        .with_for_update()
    )
    closed = 0
    for request in list(candidates):
        resolved_at = request.resolved_at
        if resolved_at is None or add_working_days(resolved_at, working_days) > now:
            continue
        await _apply(
            session,
            request,
            RequestStatus.CLOSED,
            actor_id=None,
            name=step,
            now=now,
            automatic=True,
        )
        closed += 1
    return closed
