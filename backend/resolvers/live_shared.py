"""Per process, the work of a request's live timeline done once for all of its streams.

The requestTimeline streams of one request (in one process) share a RequestFeed. A broker
message about event X opens a round, one per event id (the last few are kept): the first
stream woken by X asks and the others get the same answers. Viewers are refreshed in one
batch (sessions and tokens of every stream woken in the same tick), visibility is decided
once per distinct Access, the events after a position are read once for every stream at
that position (streams at other positions woken in the same tick share the statement), and
the events' payload is resolved once (live_payload.py).

Why sharing is safe: a stream woken by X needs answers read after X committed (live.py's
docstring), and every answer of X's round was read after some stream had received X. A
stream that comes to a round late may get an older answer than it would have read itself,
but never one from before X; anything committed since has its own broker message waiting in
the stream's inbox. RESYNC opens a round for the streams it wakes in that same tick only.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from backend.auth.viewer import Viewer
from backend.db.engine import Database
from backend.db.models import TimelineEvent as EventRow
from backend.events.broker import Delivery
from backend.loaders.detail import EVENT_COLUMNS
from backend.resolvers.live_batch import TickLoader
from backend.resolvers.live_payload import Related, SharedEvent, related_rows, shared_events
from backend.resolvers.live_viewers import (
    Access,
    ViewerKey,
    refresh_viewers,
    viewer_key,
    visible_to,
)

# Events per read; a stream further behind reads again.
REPLAY_BATCH = 500
# Rounds a feed keeps: a stream still busy with an earlier event can join its round.
ROUNDS_KEPT = 8


@dataclass(frozen=True, slots=True)
class EventBatch:
    """The events after a position, in id order, with what they refer to. `complete`: all
    there were when read; otherwise a prefix (REPLAY_BATCH rows), and the stream reads on."""

    events: list[SharedEvent]
    complete: bool
    related: Related


@dataclass(frozen=True, slots=True)
class Outcome:
    """A stream's answers after a broker message: its viewer as of now and the events after
    its position; batch None when the viewer can no longer see the request (or is gone)."""

    viewer: Viewer | None
    batch: EventBatch | None


class Round:
    """Shared answers after one broker message (or, unshared, for one stream's replay)."""

    def __init__(self, db: Database, request_id: int) -> None:
        self.db, self.request_id = db, request_id
        # What this round has found out so far, for every stream that joins it.
        self._viewers: dict[ViewerKey, Viewer | None] = {}
        self._visible: dict[Access, bool] = {}
        self._batches: dict[int, EventBatch] = {}
        # One wait per stream and message: viewer, visibility and events in one batch.
        self._catch_up = TickLoader(self._load_catch_up)
        self._events = TickLoader(self._load_events)

    async def catch_up(self, viewer: Viewer, after: int) -> Outcome:
        """The viewer refreshed (sessions end, memberships change), whether they may still see
        the request, and if so the events after `after`."""
        return await self._catch_up.load((viewer_key(viewer), after))

    async def events_after(self, after: int) -> EventBatch:
        return await self._events.load(after)

    async def _load_catch_up(self, keys: list[tuple[ViewerKey, int]]) -> dict[Any, Outcome]:
        missing = {key for key, _ in keys if key not in self._viewers}
        if missing:
            self._viewers.update(await refresh_viewers(self.db, missing))
        unknown: dict[Access, Viewer] = {}
        for key, _ in keys:
            viewer = self._viewers[key]
            if viewer is not None and (access := Access.of(viewer)) not in self._visible:
                unknown.setdefault(access, viewer)
        if unknown:
            answers = await visible_to(self.db, self.request_id, list(unknown.values()))
            self._visible.update(zip(unknown, answers, strict=True))
        allowed = {
            (key, after): viewer
            for key, after in keys
            if (viewer := self._viewers[key]) is not None and self._visible[Access.of(viewer)]
        }
        await self._load_events(sorted({after for _, after in allowed}))
        return {
            (key, after): Outcome(
                self._viewers[key],
                self._batches[after] if (key, after) in allowed else None,
            )
            for key, after in keys
        }

    async def _load_events(self, positions: list[int]) -> dict[int, EventBatch]:
        """One read from the lowest position serves every position it reaches; positions
        beyond a truncated read get a read of their own."""
        waiting = sorted(set(positions) - self._batches.keys())
        while waiting:
            async with self.db.read() as session:
                rows = list(
                    (
                        await session.execute(
                            select(*EVENT_COLUMNS)
                            .where(EventRow.request_id == self.request_id, EventRow.id > waiting[0])
                            .order_by(EventRow.id)
                            .limit(REPLAY_BATCH)
                        )
                    ).all()
                )
            complete = len(rows) < REPLAY_BATCH
            related = await related_rows(self.db, rows)
            events = shared_events(rows, related)
            top = rows[-1].id if rows else waiting[0]
            later = []
            for after in waiting:
                if complete or after < top:
                    self._batches[after] = EventBatch(
                        [e for e in events if e.id > after], complete, related
                    )
                else:
                    later.append(after)
            waiting = later
        return {after: self._batches[after] for after in positions}


class RequestFeed:
    """The rounds of one request's streams in this process."""

    def __init__(self, db: Database, request_id: int) -> None:
        self.db, self.request_id = db, request_id
        self.streams = 0
        self._rounds: OrderedDict[int, Round] = OrderedDict()
        self._resync: Round | None = None

    def round_for(self, delivery: Delivery) -> Round:
        event_id = delivery.get("eventId") if isinstance(delivery, dict) else None
        if event_id is None:
            return self._resync_round()
        event_id = int(event_id)
        found = self._rounds.get(event_id)
        if found is None:
            found = self._rounds[event_id] = Round(self.db, self.request_id)
            while len(self._rounds) > ROUNDS_KEPT:
                self._rounds.popitem(last=False)
        return found

    def replay_round(self) -> Round:
        """A round of one stream's own (subscribing, resuming): nothing to share."""
        return Round(self.db, self.request_id)

    def _resync_round(self) -> Round:
        # Shared by the streams the same RESYNC wakes in this tick, which all received it
        # before the round's first read; the next tick opens a new one.
        if self._resync is None:
            self._resync = Round(self.db, self.request_id)
            asyncio.get_running_loop().call_soon(self._end_resync)
        return self._resync

    def _end_resync(self) -> None:
        self._resync = None


# Per Database (one per app: tests run several servers in one process), request id -> feed.
_feeds: weakref.WeakKeyDictionary[Database, dict[int, RequestFeed]] = weakref.WeakKeyDictionary()


@contextlib.contextmanager
def request_feed(db: Database, request_id: int) -> Iterator[RequestFeed]:
    """The request's feed for as long as a stream uses it; the last stream drops it."""
    feeds = _feeds.setdefault(db, {})
    feed = feeds.get(request_id)
    if feed is None:
        feed = feeds[request_id] = RequestFeed(db, request_id)
    feed.streams += 1
    try:
        yield feed
    finally:
        feed.streams -= 1
        if feed.streams == 0 and feeds.get(request_id) is feed:
            del feeds[request_id]
