"""Helpers of the live-update tests: graphql-transport-ws connections and timeline streams
(gql's websockets transport), an async HTTP client for mutations while streams run, requests
to watch, and a wait for a stream to be live on an in-process test server."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
from gql import Client, gql
from gql.client import AsyncClientSession
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.sessions import SESSION_COOKIE
from backend.config import Settings
from backend.db.models import FormVersion, RequestCategory, RequestType
from backend.domain.global_ids import encode
from tests.support.client import DEMO_PASSWORD
from tests.support.db import run_db
from tests.support.server import LiveServer

TIMELINE = """
subscription($requestId: ID!, $after: ID) {
  requestTimeline(requestId: $requestId, after: $after) {
    __typename id kind
    ... on CommentAddedEvent { internal comment { body } }
    ... on VisibilityChangedEvent { from: fromVisibility to: toVisibility }
  }
}
"""

ERRORS = "userErrors { field code message }"
COMMENT = f"""mutation($input: RequestCommentAddInput!) {{ requestCommentAdd(input: $input) {{
  comment {{ id body }} {ERRORS} }} }}"""
SHARE = f"""mutation($input: RequestShareInput!) {{ requestShare(input: $input) {{
  request {{ visibility }} {ERRORS} }} }}"""
SUBMIT = f"""mutation($input: RequestSubmitInput!) {{ requestSubmit(input: $input) {{
  request {{ id reference timeline(first: 1) {{ nodes {{ id kind }} }} }} {ERRORS} }} }}"""
MAX_ALIASES = 30  # FRONTDESK_MAX_ALIASES' default

_names = itertools.count(1)


# ---- HTTP (async, so a test's event loop keeps reading its streams meanwhile)


class Http:
    """One user agent over GraphQL HTTP: its own cookie jar, or a bearer token."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = httpx.AsyncClient(base_url=base_url, headers=headers, timeout=60)

    async def __aenter__(self) -> Http:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.client.aclose()

    async def execute(self, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or None}
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def ok(self, query: str, **variables: Any) -> dict[str, Any]:
        body = await self.execute(query, **variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def mutate(self, name: str, query: str, /, **input: Any) -> dict[str, Any]:
        payload: dict[str, Any] = (await self.ok(query, input=input))[name]
        return payload

    async def login(self, email: str, password: str = DEMO_PASSWORD) -> Http:
        payload = await self.mutate(
            "login",
            f"mutation($input: LoginInput!) {{ login(input: $input) {{ {ERRORS} }} }}",
            email=email,
            password=password,
        )
        assert payload["userErrors"] == [], payload
        return self

    @property
    def session_cookie(self) -> str:
        value = self.client.cookies.get(SESSION_COOKIE)
        assert value, "not signed in"
        return str(value)

    async def user_id(self) -> str:
        return str((await self.ok("{ viewer { user { id } } }"))["viewer"]["user"]["id"])

    async def org_id(self, name: str) -> str:
        data = await self.ok("{ viewer { memberships { organisation { id name } } } }")
        return next(
            m["organisation"]["id"]
            for m in data["viewer"]["memberships"]
            if m["organisation"]["name"] == name
        )

    async def api_token(self) -> str:
        payload = await self.mutate(
            "apiTokenCreate",
            f"mutation($input: ApiTokenCreateInput!) {{ apiTokenCreate(input: $input) {{ "
            f"token {ERRORS} }} }}",
            name=f"live tests {next(_names)}",
        )
        assert payload["userErrors"] == [], payload
        return str(payload["token"])

    async def comment(
        self, request_id: str, body: str, *, internal: bool = False
    ) -> dict[str, Any]:
        return await self.mutate(
            "requestCommentAdd", COMMENT, requestId=request_id, body=body, internal=internal
        )

    async def comments(self, request_id: str, bodies: list[str]) -> None:
        """Add the comments in order, up to MAX_ALIASES aliased mutations per document."""
        for start in range(0, len(bodies), MAX_ALIASES):
            chunk = bodies[start : start + MAX_ALIASES]
            fields = "\n".join(
                f"c{i}: requestCommentAdd(input: {{requestId: $r, body: {_literal(body)}}}) "
                "{ userErrors { code } }"
                for i, body in enumerate(chunk)
            )
            data = await self.ok(f"mutation($r: ID!) {{\n{fields}\n}}", r=request_id)
            assert all(p["userErrors"] == [] for p in data.values()), data

    async def share(self, request_id: str, visibility: str) -> None:
        payload = await self.mutate(
            "requestShare", SHARE, requestId=request_id, visibility=visibility
        )
        assert payload["userErrors"] == [], payload
        assert payload["request"]["visibility"] == visibility

    async def raise_request(self, request_type: str, organisation: str) -> dict[str, Any]:
        """A new request: id, reference and the id of its first (CREATED) timeline event."""
        payload = await self.mutate(
            "requestSubmit",
            SUBMIT,
            requestTypeId=request_type,
            organisationId=organisation,
            summary=f"Live request {next(_names)}",
        )
        assert payload["userErrors"] == [], payload
        request = payload["request"]
        [created] = request.pop("timeline")["nodes"]
        assert created["kind"] == "CREATED"
        return {**request, "createdEventId": created["id"]}


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def add_request_type(settings: Settings) -> str:
    """A category and a request type whose form has no fields; its global ID."""

    async def work(session: AsyncSession) -> int:
        n = next(_names)
        category = RequestCategory(name=f"Live category {n}-{time.time_ns()}", position=n)
        session.add(category)
        await session.flush()
        request_type = RequestType(category_id=category.id, name=f"Live {n}", form_version=1)
        session.add(request_type)
        await session.flush()
        session.add(FormVersion(request_type_id=request_type.id, version=1, fields=[]))
        return request_type.id

    return encode("RequestType", run_db(settings, work))


# ---- WebSocket


def ws_url(base_url: str) -> str:
    return base_url.replace("http://", "ws://", 1).rstrip("/") + "/graphql"


def transport(
    base_url: str,
    *,
    cookie: str | None = None,
    token: str | None = None,
    headers: dict[str, str] | None = None,
) -> WebsocketsTransport:
    """graphql-transport-ws only (gql would offer the legacy protocol first otherwise)."""
    all_headers = {**(headers or {})}
    if cookie:
        all_headers["Cookie"] = f"{SESSION_COOKIE}={cookie}"
    return WebsocketsTransport(
        url=ws_url(base_url),
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        headers=all_headers,
        init_payload={"authorization": f"Bearer {token}"} if token else {},
        close_timeout=2,
    )


@contextlib.asynccontextmanager
async def connect(
    base_url: str, *, cookie: str | None = None, token: str | None = None
) -> AsyncIterator[AsyncClientSession]:
    """One WebSocket (connection_init acknowledged) as a gql session."""
    client = Client(transport=transport(base_url, cookie=cookie, token=token))
    async with client as session:
        yield session


def drop(session: AsyncClientSession) -> None:
    """Cut the connection the way a network failure does: no close frame, no `complete`."""
    websocket = session.transport.adapter.websocket  # type: ignore[attr-defined]
    assert websocket is not None
    websocket.transport.abort()


class StreamEnded(Exception):
    """The server completed the subscription."""


class Timeline:
    """One requestTimeline subscription. A task pumps its results into a queue, so a wait
    that times out never cancels (ends) the subscription itself."""

    def __init__(
        self, session: AsyncClientSession, request_id: str, after: str | None = None
    ) -> None:
        request = gql(TIMELINE)
        request.variable_values = {"requestId": request_id, "after": after}
        self._results = session.subscribe(request)
        self._queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self._task = asyncio.create_task(self._pump())
        self.last_id: str | None = after

    async def _pump(self) -> None:
        try:
            async for data in self._results:
                await self._queue.put(("event", data["requestTimeline"]))
        except Exception as error:  # handed to the reader
            await self._queue.put(("error", error))
        else:
            await self._queue.put(("end", None))

    async def next(self, seconds: float = 10) -> dict[str, Any]:
        """The next event; raises TransportQueryError for an error, StreamEnded at the end."""
        async with asyncio.timeout(seconds):
            kind, value = await self._queue.get()
        if kind == "error":
            raise value
        if kind == "end":
            raise StreamEnded()
        self.last_id = value["id"]
        event: dict[str, Any] = value
        return event

    async def take(self, count: int, seconds: float = 20) -> list[dict[str, Any]]:
        async with asyncio.timeout(seconds):
            return [await self.next(seconds) for _ in range(count)]

    async def error(self, seconds: float = 10) -> TransportQueryError:
        """The error the stream ends with (no event may come first)."""
        try:
            event = await self.next(seconds)
        except TransportQueryError as error:
            return error
        raise AssertionError(f"expected an error, got {event}")

    async def quiet(self, seconds: float = 0.5) -> None:
        """Assert that nothing arrives for a while."""
        try:
            async with asyncio.timeout(seconds):
                item = await self._queue.get()
        except TimeoutError:
            return
        raise AssertionError(f"unexpected {item}")

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._task


def bodies(events: list[dict[str, Any]]) -> list[str]:
    """The comment bodies of CommentAddedEvents (asserting that every event is one)."""
    assert all(e["__typename"] == "CommentAddedEvent" for e in events), events
    return [e["comment"]["body"] for e in events]


def error_codes(error: TransportQueryError) -> list[str]:
    return [e.get("extensions", {}).get("code", "") for e in error.errors or []]


async def wait_live(server: LiveServer, request_pk: int, *streams: Timeline) -> None:
    """Wait until the request has as many streams as `streams` parked on their broker inbox
    on an in-process server: from then on every commit reaches them (a stream without `after`
    starts after the latest event it read while setting up). Fails early when one of
    `streams` received something (an error, most likely) meanwhile."""
    broker = server.app.state.broker
    channel = f"request:{request_pk}"
    deadline = time.monotonic() + 10
    while True:
        for stream in streams:
            if not stream._queue.empty():
                raise AssertionError(f"before going live: {stream._queue.get_nowait()}")
        try:  # the server's thread may change the set meanwhile: look again
            subscribers = list(broker._subscribers.get(channel, ()))
        except RuntimeError:
            subscribers = []
        parked = sum(1 for s in subscribers if s.queue._getters)
        if parked >= len(streams):
            return
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{channel}: {parked} of {len(subscribers)} streams live, {len(streams)} expected"
            )
        await asyncio.sleep(0.01)


async def wait_released(server: LiveServer, request_pk: int) -> None:
    """Wait until no stream of the request is left on an in-process server's broker."""
    broker = server.app.state.broker
    channel = f"request:{request_pk}"
    async with asyncio.timeout(10):
        while True:  # polling another thread's state: no event to wait on
            if channel not in broker._subscribers:
                return
            await asyncio.sleep(0.01)
