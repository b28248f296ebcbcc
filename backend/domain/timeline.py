"""Timeline events: one row per change of a request, written in the transaction of the change.

The timeline is the source of both the request's history and the live subscriptions, so
every change to a request goes through `record`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.db.models import TimelineEvent
from backend.events import publish


class EventKind(StrEnum):
    CREATED = "CREATED"
    COMMENTED = "COMMENTED"
    STATUS_CHANGED = "STATUS_CHANGED"
    ASSIGNED = "ASSIGNED"
    PRIORITY_CHANGED = "PRIORITY_CHANGED"
    VISIBILITY_CHANGED = "VISIBILITY_CHANGED"
    PARTICIPANT_ADDED = "PARTICIPANT_ADDED"
    PARTICIPANT_REMOVED = "PARTICIPANT_REMOVED"
    FIELD_CHANGED = "FIELD_CHANGED"
    ATTACHMENT_ADDED = "ATTACHMENT_ADDED"
    ESCALATED = "ESCALATED"
    CANCELLED = "CANCELLED"
    REOPENED = "REOPENED"


async def record(
    session: AsyncSession,
    *,
    request_id: int,
    kind: EventKind,
    actor_id: int | None,
    data: dict[str, Any] | None = None,
    internal: bool = False,
) -> TimelineEvent:
    event = TimelineEvent(
        request_id=request_id,
        kind=kind.value,
        actor_id=actor_id,
        data=data or {},
        internal=internal,
        created_at=utcnow(),
    )
    session.add(event)
    await session.flush()
    # Published only if the transaction commits (backend/db/engine.py).
    publish.timeline_event(session, request_id=request_id, event_id=event.id, kind=kind.value)
    return event


_events: Table = TimelineEvent.__table__  # type: ignore[assignment]
_INSERT_EVENT = insert(_events).returning(_events.c.id)


async def record_by_insert(
    session: AsyncSession,
    *,
    request_id: int,
    kind: EventKind,
    actor_id: int | None,
    data: dict[str, Any],
    internal: bool = False,
) -> int:
    """`record` as one prepared INSERT ... RETURNING id, for hot paths (submission) that need
    no ORM object: the unit of work's flush costs more than the statement. Returns the id."""
    event_id: int = await session.scalar(
        _INSERT_EVENT,
        {
            "request_id": request_id,
            "kind": kind.value,
            "actor_id": actor_id,
            "data": data,
            "internal": internal,
            "created_at": utcnow(),
        },
    )
    publish.timeline_event(session, request_id=request_id, event_id=event_id, kind=kind.value)
    return event_id
