"""The requests overview: `requests(filter:, orderBy:, first:, after:)` and overview columns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.db.models import RequestStatus
from backend.domain import overview
from backend.domain import overview_columns as columns_domain
from backend.loaders.requests import REQUEST_COLUMNS
from backend.resolvers.common import in_transaction, require_viewer
from backend.schema.errors import BadUserInput, user_errors
from backend.schema.overview import (
    OverviewColumn,
    OverviewColumnsSetInput,
    OverviewColumnsSetPayload,
    RequestConnection,
    RequestFilter,
    RequestOrder,
)
from backend.schema.relay import (
    PageInfo,
    check_first,
    decode_cursor,
    expect_argument_id,
)
from backend.schema.requests import Request, preload_fields, request_selections


def _ids(values: Sequence[strawberry.ID] | None, type_name: str, argument: str) -> list[int]:
    values = values or []
    if len(values) > overview.MAX_FILTER_VALUES:
        raise BadUserInput(f"`{argument}` takes at most {overview.MAX_FILTER_VALUES}.", argument)
    return [expect_argument_id(v, type_name, argument) for v in values]


def filter_from_input(flt: RequestFilter | None) -> overview.Filter:
    if flt is None:
        return overview.Filter()
    return overview.Filter(
        status_category=overview.StatusCategory(flt.status_category.value),
        statuses=[RequestStatus(s.value) for s in flt.statuses or []],
        ownership=overview.Ownership(flt.ownership.value),
        request_type_ids=_ids(flt.request_type_ids, "RequestType", "filter.requestTypeIds"),
        organisation_ids=_ids(flt.organisation_ids, "Organisation", "filter.organisationIds"),
        priority_keys=list(flt.priority_keys or []),
        assignee_ids=_ids(flt.assignee_ids, "User", "filter.assigneeIds"),
        search=flt.search,
    )


def page_plan(
    context: Context,
    filter: RequestFilter | None,
    order_by: list[RequestOrder] | None,
    first: int | None,
    after: str | None,
) -> tuple[overview.Plan, int, list[Any] | None]:
    """The checked arguments of `requests`: the list's plan, the page size and the position
    after which the page starts (None: from the beginning). Raises the field's errors.
    Shared with the compiled overview (backend/schema/compiled.py)."""
    viewer = require_viewer(context)
    size = check_first(first)
    orders = [
        overview.Order(overview.OrderField(o.field.value), overview.Direction(o.direction.value))
        for o in order_by or []
    ]
    try:
        plan = overview.plan(viewer, filter_from_input(filter), orders, context.db.dialect)
        position = plan.parse_cursor(decode_cursor(after, plan.cursor_arity)) if after else None
    except overview.InvalidArgument as error:
        raise BadUserInput(error.message, error.argument) from None
    return plan, size, position


async def requests(
    info: strawberry.Info,
    filter: RequestFilter | None,
    order_by: list[RequestOrder] | None,
    first: int | None,
    after: str | None,
) -> RequestConnection:
    context: Context = info.context
    plan, size, position = page_plan(context, filter, order_by, first, after)

    async with context.db.engine.connect() as connection:
        rows = await plan.fetch_page(connection, REQUEST_COLUMNS, size + 1, position)
    page = rows[:size]
    nodes = [Request.from_row(r) for r in page]
    # The page's reporters, request types, comment pages... in one batch each, now.
    await preload_fields(info, nodes, request_selections(info.selected_fields))

    async def count() -> int:
        # Only run when totalCount is selected: one statement with the same filter.
        async with context.db.read() as session:
            return int(await session.scalar(plan.count()) or 0)

    return RequestConnection(
        rows=page,
        cursor_of=plan.cursor_values,
        nodes=nodes,
        page_info=PageInfo(
            has_next_page=len(rows) > size,
            has_previous_page=after is not None,
            rows=page,
            cursor_of=plan.cursor_values,
        ),
        count=count,
    )


# ---- overview columns


async def overview_columns_of(info: strawberry.Info, user_id: int) -> list[OverviewColumn]:
    stored = await info.context.loaders.overview_columns.load(user_id)
    return [OverviewColumn(c.value) for c in columns_domain.stored_columns(stored)]


async def overview_columns_set(
    info: strawberry.Info, input: OverviewColumnsSetInput
) -> OverviewColumnsSetPayload:
    context: Context = info.context
    viewer = require_viewer(context)
    chosen = [columns_domain.OverviewColumn(c.value) for c in input.columns]

    async def work(session: AsyncSession) -> list[columns_domain.OverviewColumn]:
        return await columns_domain.set_columns(session, viewer.user_id, chosen)

    stored, problems = await in_transaction(context, work)
    context.loaders.overview_columns.clear_all()  # later reads must see the new choice
    if stored is None:
        return OverviewColumnsSetPayload(columns=None, user_errors=user_errors(problems))
    return OverviewColumnsSetPayload(
        columns=[OverviewColumn(c.value) for c in stored], user_errors=[]
    )
