"""The requests overview as the API shows it: filter, order, connection, overview columns."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import strawberry
from strawberry import Private

from backend.domain import overview
from backend.domain import overview_columns as columns
from backend.schema.enums import RequestStatus
from backend.schema.errors import UserError
from backend.schema.relay import Edge, PageInfo, make_edges
from backend.schema.requests import Request

StatusCategory = strawberry.enum(
    overview.StatusCategory,
    description="OPEN: every status but RESOLVED, CLOSED and CANCELLED; CLOSED: those three; "
    "ANY: all.",
)
Ownership = strawberry.enum(
    overview.Ownership,
    description="ME: you reported it. COLLEAGUES: for customers, shared with one of your "
    "organisations and reported by someone else; for agents and admins, reported by someone "
    "else. PARTICIPATING: you are a participant. ANY: everything you may see.",
)
RequestOrderField = strawberry.enum(
    overview.OrderField,
    name="RequestOrderField",
    description="What to sort requests by. REFERENCE: number; REQUESTER, ASSIGNEE: display "
    "name; PRIORITY: rank (ASC = most urgent first); STATUS: open statuses in workflow order "
    "(WAITING_FOR_SUPPORT, WAITING_FOR_CUSTOMER, UNDER_INVESTIGATION, UNDER_REVIEW, ESCALATED, "
    "REOPENED), then RESOLVED, CLOSED, CANCELLED. Requests without assignee or due date come "
    "last in both directions.",
)
OrderDirection = strawberry.enum(
    overview.Direction, name="OrderDirection", description="ASC: ascending; DESC: descending."
)
OverviewColumn = strawberry.enum(
    columns.OverviewColumn, description="A column of the requests overview."
)


@strawberry.input(
    description="Which requests to list. Every condition must hold; lists left empty or out "
    "do not restrict. Lists take at most 100 values."
)
class RequestFilter:
    status_category: StatusCategory = strawberry.field(
        default=overview.StatusCategory.ANY, description="Open, closed or any (default)."
    )
    statuses: list[RequestStatus] | None = strawberry.field(
        default=None, description="Only these statuses."
    )
    ownership: Ownership = strawberry.field(
        default=overview.Ownership.ANY, description="Whose requests (default ANY)."
    )
    request_type_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only these request types."
    )
    organisation_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only these organisations."
    )
    priority_keys: list[str] | None = strawberry.field(
        default=None, description="Only these priority levels, by key (e.g. P1)."
    )
    assignee_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only requests assigned to these users."
    )
    search: str | None = strawberry.field(
        default=None,
        description="Full text over summary, description, text field values and public "
        "comments (agents: internal notes too). Every word must match as a whole word, "
        'except a word ending in * and the last word, which match as prefixes ("print*" '
        'and "printer err" find "printers" and "errors"); "quoted words" must appear as a '
        "phrase. Without orderBy, requests whose own text matches come first, best match "
        "first, then those found through their comments, best match first.",
    )


@strawberry.input(description="One sort key; several are applied in order.")
class RequestOrder:
    field: RequestOrderField = strawberry.field(description="What to sort by.")
    direction: OrderDirection = strawberry.field(
        default=overview.Direction.ASC, description="Ascending (default) or descending."
    )


@strawberry.type(description="A page of requests: use `first` and `after` to page.")
class RequestConnection:
    edges: list[Edge[Request]] = strawberry.field(
        resolver=lambda root: make_edges(root.rows, root.nodes, root.cursor_of),
        description="Requests with their cursors.",
    )
    page_info: PageInfo = strawberry.field(description="Paging information.")
    # Cursors are made only when `edges` is selected (the overview asks for `nodes`).
    rows: Private[Sequence[Any]]
    cursor_of: Private[Callable[[Any], Sequence[Any]]]
    count: Private[Callable[[], Awaitable[int]]]
    nodes: list[Request] = strawberry.field(
        description="The requests of this page, without cursors."
    )

    @strawberry.field(
        description="Number of requests in the whole filtered list (counted only when asked)."
    )
    async def total_count(self) -> int:
        return await self.count()


@strawberry.input(description="The overview columns to show, in order.")
class OverviewColumnsSetInput:
    columns: list[OverviewColumn] = strawberry.field(
        description="At least one, each once, including REFERENCE or SUMMARY so every row "
        "can be recognised."
    )


@strawberry.type(description="Result of `overviewColumnsSet`.")
class OverviewColumnsSetPayload:
    columns: list[OverviewColumn] | None = strawberry.field(
        description="The columns now stored; null when nothing changed."
    )
    user_errors: list[UserError] = strawberry.field(description="Every problem with the input.")
