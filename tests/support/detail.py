"""Helpers of the request detail and workflow tests: raise requests, force statuses in the
database, read timeline events back, and call the actions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.global_ids import decode
from tests.support.client import GraphQLClient
from tests.support.db import rows, run_db, scalar
from tests.support.server import LiveServer

ERRORS = "userErrors { field code message }"
REQUEST_BITS = "request { id reference status visibility priorityKey }"

SUBMIT = f"""mutation($input: RequestSubmitInput!) {{ requestSubmit(input: $input) {{
  request {{ id reference }} {ERRORS} }} }}"""


def pk_of(global_id: str) -> int:
    return decode(global_id)[1]


def org_id(client: GraphQLClient, name: str) -> str:
    data = client.ok("{ viewer { memberships { organisation { id name } } } }")
    return next(
        m["organisation"]["id"]
        for m in data["viewer"]["memberships"]
        if m["organisation"]["name"] == name
    )


def raise_request(
    client: GraphQLClient, request_type: str, organisation: str, **extra: Any
) -> dict[str, Any]:
    """A new request (id, reference) raised through requestSubmit."""
    payload = client.mutate(
        "requestSubmit",
        SUBMIT,
        requestTypeId=request_type,
        organisationId=organisation,
        summary=extra.pop("summary", "Printer on fire"),
        **extra,
    )
    assert payload["userErrors"] == [], payload
    return payload["request"]


def execute(server: LiveServer, sql: str, **params: Any) -> None:
    async def work(session: AsyncSession) -> None:
        await session.execute(text(sql), params)

    run_db(server.settings, work)


def set_status(server: LiveServer, request_id: str, status: str) -> None:
    execute(
        server, "UPDATE requests SET status = :s WHERE id = :id", s=status, id=pk_of(request_id)
    )


def status_of(server: LiveServer, request_id: str) -> str:
    return str(
        scalar(server.settings, "SELECT status FROM requests WHERE id = :id", id=pk_of(request_id))
    )


def events(server: LiveServer, request_id: str) -> list[Event]:
    """The request's timeline rows, oldest first."""
    found = rows(
        server.settings,
        "SELECT id, kind, actor_id, data, internal FROM timeline_events "
        "WHERE request_id = :id ORDER BY id",
        id=pk_of(request_id),
    )
    # Raw SQL: JSON comes back as text on both databases.
    return [
        Event(
            r.id,
            r.kind,
            r.actor_id,
            json.loads(r.data) if isinstance(r.data, str) else r.data,
            bool(r.internal),
        )
        for r in found
    ]


@dataclass
class Event:
    id: int
    kind: str
    actor_id: int | None
    data: dict[str, Any]
    internal: bool


def event_count(server: LiveServer, request_id: str) -> int:
    return int(
        scalar(
            server.settings,
            "SELECT count(*) FROM timeline_events WHERE request_id = :id",
            id=pk_of(request_id),
        )
    )


def act(client: GraphQLClient, name: str, extra: str = "", **input: Any) -> dict[str, Any]:
    """Call the action mutation `name` (e.g. requestCancel) with `input`; its payload."""
    type_name = name[0].upper() + name[1:]
    return client.mutate(
        name,
        f"""mutation($input: {type_name}Input!) {{ {name}(input: $input) {{
            {REQUEST_BITS} {extra} {ERRORS} }} }}""",
        **input,
    )


def codes(payload: dict[str, Any]) -> list[tuple[list[str] | None, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]
