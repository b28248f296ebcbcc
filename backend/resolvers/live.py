"""Subscriptions: a request's timeline, live, resumable, filtered per viewer and per event.

Every stream subscribes to the broker FIRST and then reads the database, so nothing committed
in between is lost; each broker message (or RESYNC) only says "look again": the stream reads
the events after the last one it delivered, in id order, through the visibility rule. That
gives order, no gaps and no duplicates, whatever the broker drops or repeats. Per request,
event ids are committed in order because every change locks the request row first.

The streams of one request in one process share that work (live_shared.py): after a broker
message the viewers are refreshed, visibility decided and the new events read and resolved
once for all of them, each answer read after the message arrived, which is all the above
needs. Internal events are read for everyone and dropped here for viewers who may not see
them (policies.can_see_internal), as the SQL filter did.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from sqlalchemy import func, select

from backend.auth import policies
from backend.auth.sessions import refresh_viewer
from backend.auth.viewer import Viewer
from backend.context import Context
from backend.db.models import Request as RequestRow
from backend.db.models import TimelineEvent as EventRow
from backend.events.publish import REQUESTS_CHANNEL, request_channel
from backend.loaders import Loaders
from backend.resolvers.common import require_viewer
from backend.resolvers.live_shared import request_feed
from backend.schema.errors import PublicError, Unauthenticated
from backend.schema.relay import expect_argument_id


class AccessLost(PublicError):
    def __init__(self) -> None:
        super().__init__("You can no longer see this request.", "FORBIDDEN")


async def _visible(context: Context, viewer: Viewer, request_id: int) -> bool:
    async with context.db.read() as session:
        found = await session.scalar(
            select(RequestRow.id).where(
                RequestRow.id == request_id, policies.request_filter(viewer)
            )
        )
    return found is not None


async def _latest_event_id(context: Context, request_id: int) -> int:
    async with context.db.read() as session:
        latest = await session.scalar(
            select(func.max(EventRow.id)).where(EventRow.request_id == request_id)
        )
    return int(latest or 0)


async def _current_viewer(context: Context, viewer: Viewer) -> Viewer | None:
    async with context.db.read() as session:
        return await refresh_viewer(session, viewer)


async def request_timeline(
    context: Context, request_id: str, after: str | None
) -> AsyncGenerator[Any, None]:
    """Typed timeline events for one request, replay then live. The work after a broker
    message is shared with the request's other streams (live_shared.py): per stream, what
    is left is choosing the events it may see and executing its selection on them."""
    viewer = require_viewer(context)
    pk = expect_argument_id(request_id, "Request", "requestId")
    last = expect_argument_id(after, "TimelineEvent", "after") if after else None
    assert context.broker is not None
    async with context.broker.subscribe(request_channel(pk)) as inbox:
        # A WebSocket outlives its viewer's state (logout, memberships): look it up as of now.
        current = await _current_viewer(context, viewer)
        if current is None:
            raise Unauthenticated()
        viewer = context.viewer = current
        if not await _visible(context, viewer, pk):
            # The same answer as for a request that does not exist.
            raise PublicError("Request not found.", "NOT_FOUND")
        if last is None:
            last = await _latest_event_id(context, pk)
        with request_feed(context.db, pk) as feed:
            round = feed.replay_round()
            batch = await round.events_after(last)
            while True:
                see_internal = policies.can_see_internal(viewer)
                for shared in batch.events:
                    last = shared.id  # past internal events too: never to be shown here
                    event = shared.for_viewer(see_internal)
                    if event is not None:
                        # Fields beyond the shared payload resolve from fresh data.
                        context.loaders = Loaders(context.db, batch.related.primed())
                        yield event
                if not batch.complete:  # a long replay: read on
                    batch = await round.events_after(last)
                    continue
                # Everything up to now is delivered: wait for the next nudge.
                item = await inbox.get()
                while isinstance(item, dict) and int(item.get("eventId", 0)) <= last:
                    item = await inbox.get()  # already delivered (or replayed) by id
                round = feed.round_for(item)
                outcome = await round.catch_up(viewer, last)
                if outcome.viewer is None or outcome.batch is None:
                    raise AccessLost()
                viewer = context.viewer = outcome.viewer
                batch = outcome.batch


# ---- requestsChanged


# A list subscription remembers which requests are in its list (ids only), so it can say
# ADDED, UPDATED or REMOVED, and never REMOVED for a request the viewer could not see.
SNAPSHOT_LIMIT = 10_000


class ListChange:
    """One change of a watched list (the schema turns it into RequestChange)."""

    __slots__ = ("event_id", "kind", "request_id")

    def __init__(self, kind: str, request_id: int, event_id: int) -> None:
        self.kind, self.request_id, self.event_id = kind, request_id, event_id


async def _latest_event(context: Context) -> int:
    async with context.db.read() as session:
        return int(await session.scalar(select(func.max(EventRow.id))) or 0)


async def _changed_since(context: Context, after: int) -> list[tuple[int, int]]:
    """(request id, latest event id) of requests with events after `after`, oldest first."""
    async with context.db.read() as session:
        rows = await session.execute(
            select(EventRow.request_id, func.max(EventRow.id).label("last"))
            .where(EventRow.id > after)
            .group_by(EventRow.request_id)
            .order_by(func.max(EventRow.id))
        )
        return [(r.request_id, r.last) for r in rows]


async def requests_changed(context: Context, plan_for: Any) -> AsyncGenerator[ListChange, None]:
    """ADDED / UPDATED / REMOVED for the list `plan_for(viewer)` describes (an overview plan:
    the same filter and visibility rule as the `requests` query)."""
    viewer = require_viewer(context)
    assert context.broker is not None
    async with context.broker.subscribe(REQUESTS_CHANNEL) as inbox:
        last = await _latest_event(context)
        async with context.db.read() as session:
            listed = set(await session.scalars(plan_for(viewer).ids(limit=SNAPSHOT_LIMIT)))
        complete = len(listed) < SNAPSHOT_LIMIT
        while True:
            item = await inbox.get()
            if isinstance(item, dict) and int(item.get("eventId", 0)) <= last:
                continue
            current = await _current_viewer(context, viewer)
            if current is None:
                raise PublicError("Your session has ended.", "UNAUTHENTICATED")
            viewer = context.viewer = current
            changed = await _changed_since(context, last)
            if not changed:
                continue
            last = max(event_id for _, event_id in changed)
            ids = [request_id for request_id, _ in changed]
            async with context.db.read() as session:
                matching = set(await session.scalars(plan_for(viewer).ids(among=ids)))
            for request_id, event_id in changed:
                was, now = request_id in listed, request_id in matching
                if now:
                    listed.add(request_id)
                    # Past the snapshot's limit we cannot know; a known request is an update.
                    kind = "UPDATED" if was or not complete else "ADDED"
                elif was:
                    listed.discard(request_id)
                    kind = "REMOVED"
                else:
                    continue
                context.reset_loaders()
                yield ListChange(kind, request_id, event_id)
