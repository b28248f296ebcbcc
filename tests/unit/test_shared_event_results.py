"""A subscription event handed to many subscribers is executed once when its result is made
of plain attributes and pre-resolved values only (backend/schema/execution.py), and per
subscriber as soon as any resolver would run."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from graphql import execute_subscription_event, parse

from backend.config import Settings
from backend.schema import build_schema
from backend.schema.detail import RequestCreatedEvent, TimelineEventKind
from backend.schema.execution import FastExecutor, preresolve
from backend.schema.relay import encode_id
from backend.schema.users import User

SHARED = """subscription($id: ID!) { requestTimeline(requestId: $id) {
  __typename kind createdAt actor { displayName }
  ... on RequestCreatedEvent { summary } } }"""
# `actor` not pre-resolved on the event below: its resolver runs (a DataLoader of the context).
PER_SUBSCRIBER = (
    """subscription($id: ID!) { requestTimeline(requestId: $id) { kind actor { displayName } } }"""
)

AT = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


def _user() -> User:
    row = SimpleNamespace(
        id=7,
        email="ann@example.com",
        display_name="Ann",
        role="AGENT",
        locale="en",
        time_zone="UTC",
        is_active=True,
        created_at=AT,
    )
    return User.from_row(row)


def _event(*, with_actor: bool) -> RequestCreatedEvent:
    event = RequestCreatedEvent(
        actor_id=7,
        id=encode_id("TimelineEvent", 1),
        kind=TimelineEventKind.CREATED,
        created_at=AT,
        summary="Printer on fire",
    )
    if with_actor:
        preresolve(event, "actor", "actor", _user())
    return event


def _execute(query: str, event: Any, variables: dict[str, Any], context: Any = None) -> Any:
    graphql_schema = build_schema(Settings())._schema
    executor = FastExecutor.build(
        graphql_schema, parse(query), raw_variable_values=variables, context_value=context
    )
    assert isinstance(executor, FastExecutor), executor
    return executor, execute_subscription_event(executor.build_per_event_executor(event))


def test_a_result_of_plain_and_preresolved_values_is_shared() -> None:
    event = _event(with_actor=True)
    executor, first = _execute(SHARED, event, {"id": "r"})
    again = execute_subscription_event(executor.build_per_event_executor(event))
    assert first.errors is None
    assert first.data == {
        "requestTimeline": {
            "__typename": "RequestCreatedEvent",
            "kind": "CREATED",
            "createdAt": "2026-11-22T03:00:00+00:00",
            "actor": {"displayName": "Ann"},
            "summary": "Printer on fire",
        }
    }
    assert again is first  # executed once
    # Other variables are another result.
    other = execute_subscription_event(
        FastExecutor.build(
            executor.schema, parse(SHARED), raw_variable_values={"id": "s"}
        ).build_per_event_executor(event)
    )
    assert other is not first and other.data == first.data


def test_a_result_that_ran_a_resolver_is_not_shared() -> None:
    event = _event(with_actor=False)
    loads: list[int | None] = []

    class Users:
        async def load(self, pk: int | None) -> Any:
            loads.append(pk)
            return None

    context = SimpleNamespace(loaders=SimpleNamespace(users=Users(), user=Users()))

    async def twice() -> tuple[Any, Any]:
        executor, first = _execute(PER_SUBSCRIBER, event, {"id": "r"}, context)
        again = execute_subscription_event(executor.build_per_event_executor(event))
        return await first, await again

    first, again = asyncio.run(twice())
    assert first.errors is None and first.data == {
        "requestTimeline": {"kind": "CREATED", "actor": None}
    }
    assert again is not first and again.data == first.data
    assert loads == [7, 7]  # the resolver ran for each subscriber
