"""The root Subscription type (graphql-transport-ws at /graphql)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from enum import Enum
from typing import Annotated

import strawberry
from strawberry import Private

from backend.domain import overview
from backend.resolvers import live
from backend.resolvers.common import require_viewer
from backend.resolvers.overview import filter_from_input
from backend.resolvers.requests import visible_request
from backend.schema.detail import TimelineEvent
from backend.schema.errors import BadUserInput
from backend.schema.overview import RequestFilter
from backend.schema.relay import encode_id
from backend.schema.requests import Request


@strawberry.enum(description="How a watched list changed.")
class RequestChangeKind(Enum):
    ADDED = "ADDED"
    UPDATED = "UPDATED"
    REMOVED = "REMOVED"


@strawberry.type(description="A change of a list of requests, after its transaction committed.")
class RequestChange:
    request_pk: Private[int]
    kind: RequestChangeKind = strawberry.field(
        description="ADDED: now in the list; UPDATED: in it and changed; REMOVED: left it "
        "(no longer matching the filter, or no longer visible to you)."
    )
    request_id: strawberry.ID = strawberry.field(description="The request's ID.")
    event_id: strawberry.ID = strawberry.field(
        description="The latest timeline event behind this change."
    )

    @strawberry.field(description="The request as it is now; null when REMOVED.")
    async def request(self, info: strawberry.Info) -> Request | None:
        if self.kind is RequestChangeKind.REMOVED:
            return None
        context = info.context
        return await visible_request(context, context.viewer, pk=self.request_pk)


@strawberry.type(description="Live updates over graphql-transport-ws.")
class Subscription:
    @strawberry.subscription(
        description="Each new event of a request's timeline after its change committed, typed "
        "per kind and filtered for you (internal notes: agents only). With `after` (an event "
        "ID) the events since then come first, in order, then live events: no gap, no "
        "duplicate. Ends with an error when you can no longer see the request."
    )
    async def request_timeline(
        self,
        info: strawberry.Info,
        request_id: strawberry.ID,
        after: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Resume after this timeline event ID."),
        ] = None,
    ) -> AsyncGenerator[TimelineEvent, None]:
        async for event in live.request_timeline(info.context, request_id, after):
            yield event

    @strawberry.subscription(
        description="ADDED / UPDATED / REMOVED changes of the list that `filter` describes (the "
        "`requests` query's filter and visibility), so an overview stays current without "
        "polling. Changes are reported from the moment the subscription starts."
    )
    async def requests_changed(
        self,
        info: strawberry.Info,
        filter: Annotated[
            RequestFilter | None, strawberry.argument(description="The list to watch.")
        ] = None,
    ) -> AsyncGenerator[RequestChange, None]:
        flt = filter_from_input(filter)
        dialect = info.context.db.dialect

        def plan_for(viewer: object) -> overview.Plan:
            return overview.plan(viewer, flt, [], dialect)  # type: ignore[arg-type]

        try:  # a bad filter is refused up front, like the `requests` query does
            plan_for(require_viewer(info.context))
        except overview.InvalidArgument as error:
            raise BadUserInput(error.message, error.argument) from None
        async for change in live.requests_changed(info.context, plan_for):
            yield RequestChange(
                request_pk=change.request_id,
                kind=RequestChangeKind(change.kind),
                request_id=encode_id("Request", change.request_id),
                event_id=encode_id("TimelineEvent", change.event_id),
            )
