"""Live updates end to end: requestTimeline over graphql-transport-ws against real servers
(SQLite and PostgreSQL in process; PostgreSQL + Redis across `frontdesk serve` processes).

Streams are opened with `after` (the request's CREATED event) where a test needs every later
event, so no commit can slip in while the subscription is being set up; streams without
`after` wait until the server has them parked on their broker inbox (`wait_live`)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import websockets
from gql.transport.exceptions import TransportError
from websockets.exceptions import ConnectionClosed, InvalidStatus

from backend.config import Settings
from backend.domain.global_ids import decode, encode
from backend.events.broker import RESYNC, RedisBroker
from tests.conftest import start_server, stop_server
from tests.support.live import (
    Http,
    StreamEnded,
    Timeline,
    add_request_type,
    bodies,
    connect,
    drop,
    error_codes,
    wait_live,
    wait_released,
    ws_url,
)
from tests.support.serve import ServeProcess, frontdesk_env, run_command
from tests.support.server import LiveServer, free_port
from tests.support.services import create_pg_database, drop_pg_database, require_redis

TRANSPORT_WS = "graphql-transport-ws"


def pks(events: list[dict[str, Any]]) -> list[int]:
    return [decode(e["id"])[1] for e in events]


def increasing(values: list[int]) -> bool:
    return all(a < b for a, b in itertools.pairwise(values))


@dataclass
class People:
    alice: Http  # super user of Acme Exams, the reporter
    bob: Http  # member of Acme Exams
    carol: Http  # customer of Globex
    agent: Http
    request_type: str

    async def request(self) -> dict[str, Any]:
        """A new PRIVATE request raised by alice for Acme Exams."""
        return await self.alice.raise_request(
            self.request_type, await self.alice.org_id("Acme Exams")
        )


@pytest.fixture(scope="module")
def request_type(server: LiveServer) -> str:
    return add_request_type(server.settings)


@pytest.fixture(scope="module")
async def people(server: LiveServer, request_type: str) -> AsyncIterator[People]:
    clients = {
        name: await Http(server.url).login(email)
        for name, email in [
            ("alice", "alice@acme.example"),
            ("bob", "bob@acme.example"),
            ("carol", "carol@globex.example"),
            ("agent", "agent@frontdesk.example"),
        ]
    }
    yield People(**clients, request_type=request_type)
    for client in clients.values():
        await client.client.aclose()


# ---- delivery, order, resuming


async def test_comments_arrive_live_in_order_and_only_after_commit(
    server: LiveServer, people: People
) -> None:
    request = await people.request()
    rid = request["id"]
    async with connect(server.url, cookie=people.alice.session_cookie) as session:
        stream = Timeline(session, rid)  # no `after`: from now on
        await wait_live(server, decode(rid)[1], stream)

        # Failed mutations write nothing, so announce nothing.
        too_long = await people.agent.comment(rid, "x" * (server.settings.comment_max_length + 1))
        assert [e["code"] for e in too_long["userErrors"]] == ["TOO_LONG"]
        unseen = await people.carol.comment(rid, "Not my request")
        assert [e["code"] for e in unseen["userErrors"]] == ["NOT_FOUND"]
        note = await people.alice.comment(rid, "Customers write no notes", internal=True)
        assert [e["code"] for e in note["userErrors"]] == ["FORBIDDEN"]

        expected = [f"Answer {i}" for i in range(1, 6)]
        for body in expected:
            assert (await people.agent.comment(rid, body))["userErrors"] == []
        events = await stream.take(5)
        assert bodies(events) == expected
        assert [e["kind"] for e in events] == ["COMMENTED"] * 5
        assert not any(e["internal"] for e in events)
        assert increasing(pks(events))
        assert decode(events[0]["id"])[1] > decode(request["createdEventId"])[1]

        empty = await people.agent.comment(rid, " ")
        assert [e["code"] for e in empty["userErrors"]] == ["REQUIRED"]
        await stream.quiet(0.5)
        await stream.close()


async def test_resuming_after_an_event_replays_then_goes_live(
    server: LiveServer, people: People
) -> None:
    request = await people.request()
    rid = request["id"]
    await people.agent.comments(rid, ["one", "two", "three"])
    async with connect(server.url, cookie=people.alice.session_cookie) as session:
        everything = Timeline(session, rid, after=request["createdEventId"])
        first = await everything.take(3)
        assert bodies(first) == ["one", "two", "three"]
        await everything.close()

        # After "one": "two" and "three" again, then live; comments racing the replay too.
        resumed = Timeline(session, rid, after=first[0]["id"])
        racing = asyncio.create_task(people.agent.comments(rid, ["four", "five"]))
        events = await resumed.take(4)
        await racing
        assert bodies(events) == ["two", "three", "four", "five"]
        assert pks(events[:2]) == pks(first[1:])
        await wait_live(server, decode(rid)[1], resumed)
        await people.agent.comment(rid, "six")
        six = await resumed.next()
        assert bodies([six]) == ["six"]
        await resumed.quiet(0.5)  # no duplicate at the boundary
        await resumed.close()

        # After the latest event: nothing to replay.
        latest = Timeline(session, rid, after=six["id"])
        await people.agent.comment(rid, "seven")
        assert bodies([await latest.next()]) == ["seven"]
        await latest.close()


async def test_a_burst_of_1000_events_arrives_complete_and_in_order(
    server: LiveServer, people: People
) -> None:
    request = await people.request()
    rid = request["id"]
    expected = [f"burst {i:04}" for i in range(1000)]
    async with connect(server.url, cookie=people.alice.session_cookie) as session:
        stream = Timeline(session, rid, after=request["createdEventId"])
        writer = asyncio.create_task(people.agent.comments(rid, expected))
        events = await stream.take(1000, seconds=90)
        await writer
        assert bodies(events) == expected
        assert increasing(pks(events))
        await stream.quiet(0.5)
        await stream.close()


async def test_concurrent_writers_are_delivered_in_commit_order(
    server: LiveServer, people: People
) -> None:
    """Three people comment at once: the stream shows every comment once, in the order of the
    request's timeline (commit order), each writer's comments in their own order."""
    request = await people.request()
    rid = request["id"]
    await people.alice.share(rid, "ORGANISATION")
    writers = {"agent": people.agent, "alice": people.alice, "bob": people.bob}
    async with connect(server.url, cookie=people.agent.session_cookie) as session:
        stream = Timeline(session, rid, after=request["createdEventId"])
        assert (await stream.next())["kind"] == "VISIBILITY_CHANGED"
        await asyncio.gather(
            *(
                client.comments(rid, [f"{name} {i:02}" for i in range(30)])
                for name, client in writers.items()
            )
        )
        events = await stream.take(90)
        await stream.quiet(0.3)
        await stream.close()
    received = bodies(events)
    assert sorted(received) == sorted(f"{n} {i:02}" for n in writers for i in range(30))
    for name in writers:
        mine = [b for b in received if b.startswith(name)]
        assert mine == sorted(mine)
    timeline = await people.agent.ok(
        """query($id: ID!) { node(id: $id) { ... on Request {
            timeline(first: 100) { nodes { id kind } } } } }""",
        id=rid,
    )
    stored = [e["id"] for e in timeline["node"]["timeline"]["nodes"] if e["kind"] == "COMMENTED"]
    assert [e["id"] for e in events] == stored
    assert increasing(pks(events))


async def test_reconnecting_after_a_dropped_connection_misses_nothing(
    server: LiveServer, people: People
) -> None:
    request = await people.request()
    rid = request["id"]
    with contextlib.suppress(TransportError):  # closing a dropped connection
        async with connect(server.url, cookie=people.alice.session_cookie) as session:
            stream = Timeline(session, rid, after=request["createdEventId"])
            await people.agent.comments(rid, ["a1", "a2", "a3"])
            received = await stream.take(3)
            assert bodies(received) == ["a1", "a2", "a3"]
            drop(session)
            with pytest.raises(TransportError):
                await stream.next()
    # The server lets go of the stream; life goes on meanwhile.
    await wait_released(server, decode(rid)[1])
    missed = ["b1", "b2", "b3", "b4"]
    await people.agent.comments(rid, missed)
    async with connect(server.url, cookie=people.alice.session_cookie) as session:
        stream = Timeline(session, rid, after=received[-1]["id"])
        assert bodies(await stream.take(4)) == missed
        await wait_live(server, decode(rid)[1], stream)
        await people.agent.comment(rid, "c1")
        assert bodies([await stream.next()]) == ["c1"]
        await stream.quiet(0.5)
        await stream.close()


# ---- who may listen, and to what


async def test_another_organisation_gets_not_found(server: LiveServer, people: People) -> None:
    request = await people.request()
    async with connect(server.url, cookie=people.carol.session_cookie) as session:
        error = await Timeline(session, request["id"]).error()
        assert error_codes(error) == ["NOT_FOUND"]
        # The same answer as for a request that does not exist.
        missing = await Timeline(session, encode("Request", 10**9)).error()
        assert error_codes(missing) == ["NOT_FOUND"]
        assert missing.errors == error.errors
        # A malformed `after`, or the ID of something else, is the client's mistake.
        for after in ("nonsense", request["id"]):
            bad = await Timeline(session, request["id"], after=after).error()
            assert error_codes(bad) == ["BAD_USER_INPUT"]


async def test_a_member_listens_only_once_the_request_is_shared(
    server: LiveServer, people: People
) -> None:
    request = await people.request()
    rid = request["id"]
    async with connect(server.url, cookie=people.bob.session_cookie) as session:
        refused = await Timeline(session, rid).error()
        assert error_codes(refused) == ["NOT_FOUND"]

        await people.alice.share(rid, "ORGANISATION")
        stream = Timeline(session, rid, after=request["createdEventId"])
        shared = await stream.next()
        assert (shared["__typename"], shared["from"], shared["to"]) == (
            "VisibilityChangedEvent",
            "PRIVATE",
            "ORGANISATION",
        )
        await people.agent.comment(rid, "Shared with your team")
        assert bodies([await stream.next()]) == ["Shared with your team"]
        await stream.close()


async def test_internal_notes_reach_agents_and_never_customers(
    server: LiveServer, people: People
) -> None:
    request = await people.request()
    rid, after = request["id"], request["createdEventId"]
    async with (
        connect(server.url, cookie=people.alice.session_cookie) as customer_session,
        connect(server.url, cookie=people.agent.session_cookie) as agent_session,
    ):
        customer = Timeline(customer_session, rid, after=after)
        agent = Timeline(agent_session, rid, after=after)
        note = await people.agent.comment(rid, "Internal: check the logs", internal=True)
        assert note["userErrors"] == []
        await people.agent.comment(rid, "We are on it")

        staff_events = await agent.take(2)
        assert bodies(staff_events) == ["Internal: check the logs", "We are on it"]
        assert [e["internal"] for e in staff_events] == [True, False]
        public = await customer.next()
        assert bodies([public]) == ["We are on it"]
        assert public["id"] == staff_events[1]["id"]
        await customer.quiet(0.5)
        # Nor on resuming from before the note.
        replay = Timeline(customer_session, rid, after=after)
        assert bodies([await replay.next()]) == ["We are on it"]
        await replay.quiet(0.3)
        for stream in (customer, agent, replay):
            await stream.close()


async def test_losing_access_ends_the_stream_with_forbidden(
    server: LiveServer, people: People
) -> None:
    request = await people.request()
    rid = request["id"]
    await people.alice.share(rid, "ORGANISATION")
    async with connect(server.url, cookie=people.bob.session_cookie) as session:
        stream = Timeline(session, rid, after=request["createdEventId"])
        assert (await stream.next())["__typename"] == "VisibilityChangedEvent"
        await people.agent.comment(rid, "Visible to bob")
        assert bodies([await stream.next()]) == ["Visible to bob"]

        await people.alice.share(rid, "PRIVATE")
        error = await stream.error()
        assert error_codes(error) == ["FORBIDDEN"]
        await people.agent.comment(rid, "Not for bob any more")
        with pytest.raises((StreamEnded, TimeoutError)):
            await stream.next(1)
        await stream.close()


async def test_access_is_checked_as_of_subscribing_not_as_of_connecting(
    server: LiveServer, people: People
) -> None:
    """A WebSocket lives long: who its viewer is and what they may see is looked up again
    when a subscription starts, not taken from the moment the connection opened."""
    request = await people.request()
    rid, after = request["id"], request["createdEventId"]
    await people.alice.share(rid, "ORGANISATION")
    await people.agent.comment(rid, "For Acme's eyes")
    async with Http(server.url) as admin, Http(server.url) as dana:
        await admin.login("admin@frontdesk.example")
        email = f"dana-{time.time_ns()}@acme.example"
        created = await admin.mutate(
            "userCreate",
            """mutation($input: UserCreateInput!) { userCreate(input: $input) {
                user { id } userErrors { code } } }""",
            email=email,
            displayName="Dana",
            role="CUSTOMER",
            password="correct-horse-battery",
        )
        dana_id = created["user"]["id"]
        acme = await people.alice.org_id("Acme Exams")
        membership = """mutation($input: OrganisationMemberAddInput!) {
            organisationMemberAdd(input: $input) { userErrors { code } } }"""
        added = await admin.mutate(
            "organisationMemberAdd", membership, organisationId=acme, userId=dana_id, role="MEMBER"
        )
        assert added["userErrors"] == []
        await dana.login(email, "correct-horse-battery")
        async with connect(server.url, cookie=dana.session_cookie) as session:
            seen = Timeline(session, rid, after=after)
            assert [e["kind"] for e in await seen.take(2)] == ["VISIBILITY_CHANGED", "COMMENTED"]
            await seen.close()

            removed = await admin.mutate(
                "organisationMemberRemove",
                """mutation($input: OrganisationMemberRemoveInput!) {
                    organisationMemberRemove(input: $input) { userErrors { code } } }""",
                organisationId=acme,
                userId=dana_id,
            )
            assert removed["userErrors"] == []
            # Same connection, no longer a member: nothing replayed.
            error = await Timeline(session, rid, after=after).error()
            assert error_codes(error) == ["NOT_FOUND"]

    # A session that ended (logout) subscribes to nothing on its old connection either.
    async with Http(server.url) as alice_again:
        await alice_again.login("alice@acme.example")
        async with connect(server.url, cookie=alice_again.session_cookie) as session:
            await alice_again.ok("mutation { logout { signedOut } }")
            error = await Timeline(session, rid, after=after).error()
            assert error_codes(error) == ["UNAUTHENTICATED"]


# ---- connection rules


async def _close_code(url: str, init: dict[str, Any], **connect_args: Any) -> int | None:
    """Open a graphql-transport-ws socket, send connection_init; the close code, if closed."""
    async with websockets.connect(url, subprotocols=[TRANSPORT_WS], **connect_args) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": init}))
        try:
            async with asyncio.timeout(5):
                while True:
                    message = json.loads(await ws.recv())
                    assert message["type"] != "connection_ack", message
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None


async def test_anonymous_connections_are_closed_4403(server: LiveServer, people: People) -> None:
    url = ws_url(server.url)
    assert await _close_code(url, {}) == 4403
    assert await _close_code(url, {"authorization": "Bearer fdt_not-a-token"}) == 4403
    # A payload's credentials win over the cookie: a bad token is refused even then.
    cookie = {"Cookie": f"frontdesk_session={people.alice.session_cookie}"}
    assert (
        await _close_code(url, {"authorization": "Bearer nope"}, additional_headers=cookie) == 4403
    )
    assert await _close_code(url, {}, additional_headers={"Cookie": "frontdesk_session=x"}) == 4403


async def test_a_bearer_token_in_connection_init_works(server: LiveServer, people: People) -> None:
    request = await people.request()
    token = await people.alice.api_token()
    async with connect(server.url, token=token) as session:
        stream = Timeline(session, request["id"], after=request["createdEventId"])
        await people.agent.comment(request["id"], "Token holders hear this")
        assert bodies([await stream.next()]) == ["Token holders hear this"]
        await stream.close()


async def test_the_legacy_protocol_is_refused(server: LiveServer, people: People) -> None:
    cookie = {"Cookie": f"frontdesk_session={people.alice.session_cookie}"}
    async with websockets.connect(
        ws_url(server.url), subprotocols=["graphql-ws"], additional_headers=cookie
    ) as ws:
        assert ws.subprotocol is None  # not agreed to ...
        with pytest.raises(ConnectionClosed) as closed:
            async with asyncio.timeout(5):
                await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
                await ws.recv()  # ... and closed before any connection_ack
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4406


async def test_a_foreign_origin_is_refused(server: LiveServer, people: People) -> None:
    cookie = {"Cookie": f"frontdesk_session={people.alice.session_cookie}"}
    with pytest.raises(InvalidStatus) as refused:
        async with websockets.connect(
            ws_url(server.url),
            subprotocols=[TRANSPORT_WS],
            origin="https://evil.example",  # type: ignore[arg-type]
            additional_headers=cookie,
        ):
            pass
    assert refused.value.response.status_code == 403
    # The portal's own origin (FRONTDESK_PUBLIC_URL) is welcome.
    async with websockets.connect(
        ws_url(server.url),
        subprotocols=[TRANSPORT_WS],
        origin=server.settings.public_url,  # type: ignore[arg-type]
        additional_headers=cookie,
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        async with asyncio.timeout(5):
            assert json.loads(await ws.recv())["type"] == "connection_ack"


@pytest.fixture(scope="module")
def capped(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live, pg_url = start_server(
        backend,
        tmp_path_factory,
        ws_max_subscriptions=2,
        allowed_origins=["https://portal.acme.example"],
    )
    yield live
    stop_server(live, pg_url)


async def test_subscriptions_per_connection_are_capped(capped: LiveServer) -> None:
    async with Http(capped.url) as alice:
        await alice.login("alice@acme.example")
        request_type = await asyncio.to_thread(add_request_type, capped.settings)
        request = await alice.raise_request(request_type, await alice.org_id("Acme Exams"))
        rid, pk = request["id"], decode(request["id"])[1]
        async with connect(capped.url, cookie=alice.session_cookie) as session:
            first, second = Timeline(session, rid), Timeline(session, rid)
            await wait_live(capped, pk, first, second)
            third = await Timeline(session, rid).error()
            assert "limit" in str(third.errors).lower(), third.errors
            # The two still work; closing one makes room for another.
            await alice.comment(rid, "still here")
            still = await first.next()
            assert bodies([still]) == bodies([await second.next()]) == ["still here"]
            await first.close()
            await asyncio.sleep(0.2)
            again = Timeline(session, rid, after=still["id"])
            await alice.comment(rid, "room again")
            assert bodies([await again.next()]) == ["room again"]
            await second.close()
            await again.close()
        # The cap is per connection.
        async with (
            connect(capped.url, cookie=alice.session_cookie) as one,
            connect(capped.url, cookie=alice.session_cookie) as two,
        ):
            streams = [Timeline(s, rid) for s in (one, one, two, two)]
            await wait_live(capped, pk, *streams)
            for stream in streams:
                await stream.close()
        # FRONTDESK_ALLOWED_ORIGINS adds origins besides the public URL.
        async with websockets.connect(
            ws_url(capped.url),
            subprotocols=[TRANSPORT_WS],
            origin="https://portal.acme.example",  # type: ignore[arg-type]
            additional_headers={"Cookie": f"frontdesk_session={alice.session_cookie}"},
        ) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            async with asyncio.timeout(5):
                assert json.loads(await ws.recv())["type"] == "connection_ack"


# ---- across processes: `frontdesk serve` with PostgreSQL and Redis


@dataclass
class Cluster:
    a: str  # base URLs
    b: str
    workers: str
    request_type: str
    workers_log: Path


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """Real `frontdesk serve` processes on one PostgreSQL database and one Redis (the
    deployment that several processes need; SQLite is for one process)."""
    redis_url = require_redis()
    database_url = create_pg_database()
    tmp = tmp_path_factory.mktemp("cluster")
    env = frontdesk_env(
        database_url=database_url,
        redis_url=redis_url,
        env="test",
        data_dir=str(tmp / "data"),
        login_max_failures_per_address="10000",
    )
    servers: list[ServeProcess] = []
    try:
        run_command(env, "migrate")
        run_command(env, "demo")
        request_type = add_request_type(
            Settings(env="test", database_url=database_url, data_dir=tmp / "data")
        )
        for port, extra in (
            (free_port(), ()),
            (free_port(), ()),
            (free_port(), ("--workers", "2")),
        ):
            servers.append(
                ServeProcess(
                    env | {"FRONTDESK_PUBLIC_URL": f"http://127.0.0.1:{port}"},
                    port,
                    tmp / f"serve-{port}.log",
                    *extra,
                )
            )
        for server in servers:
            server.wait_healthy()
        a, b, workers = servers
        yield Cluster(a.url, b.url, workers.url, request_type=request_type, workers_log=workers.log)
    finally:
        for server in servers:
            server.stop()
        drop_pg_database(database_url)


async def test_an_event_committed_on_one_server_reaches_a_subscriber_on_another(
    cluster: Cluster,
) -> None:
    async with Http(cluster.a) as alice_a, Http(cluster.a) as agent_a, Http(cluster.b) as agent_b:
        await alice_a.login("alice@acme.example")
        await agent_a.login("agent@frontdesk.example")
        await agent_b.login("agent@frontdesk.example")
        request = await alice_a.raise_request(
            cluster.request_type, await alice_a.org_id("Acme Exams")
        )
        rid, after = request["id"], request["createdEventId"]
        # The session (in the shared database) works on either server.
        async with (
            connect(cluster.b, cookie=alice_a.session_cookie) as on_b,
            connect(cluster.a, cookie=alice_a.session_cookie) as on_a,
        ):
            listener_b, listener_a = Timeline(on_b, rid, after=after), Timeline(on_a, rid, after)
            await agent_a.comment(rid, "from A")
            assert bodies([await listener_b.next()]) == ["from A"]
            await agent_b.comment(rid, "from B")
            assert bodies([await listener_b.next()]) == ["from B"]
            assert bodies(await listener_a.take(2)) == ["from A", "from B"]
            # Live (not only replayed): more comments after both streams went quiet.
            await listener_b.quiet(0.3)
            await agent_a.comments(rid, [f"live {i}" for i in range(10)])
            assert bodies(await listener_b.take(10)) == [f"live {i}" for i in range(10)]
            for stream in (listener_a, listener_b):
                await stream.close()


async def test_several_workers_serve_and_deliver(cluster: Cluster) -> None:
    # The first worker may answer the readiness probe before the second has logged its start.
    deadline = time.monotonic() + 30
    while True:
        log = cluster.workers_log.read_text()
        started = set(re.findall(r"Started server process \[(\d+)\]", log))
        if len(started) == 2 or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    assert len(started) == 2, log
    async with Http(cluster.workers) as alice:
        await alice.login("alice@acme.example")
        request = await alice.raise_request(cluster.request_type, await alice.org_id("Acme Exams"))
        rid, after = request["id"], request["createdEventId"]
        async with Http(cluster.workers) as agent:
            token = await (await agent.login("agent@frontdesk.example")).api_token()
        # Several connections each way: whichever worker each lands on, all hear everything.
        async with contextlib.AsyncExitStack() as stack:
            sessions = [
                await stack.enter_async_context(connect(cluster.workers, token=token))
                for _ in range(4)
            ]
            streams = [Timeline(session, rid, after=after) for session in sessions]
            expected = [f"worker comment {i}" for i in range(8)]
            for body in expected:
                # A new HTTP connection each time.
                async with Http(cluster.workers, token=token) as one_shot:
                    assert (await one_shot.comment(rid, body))["userErrors"] == []
            for stream in streams:
                assert bodies(await stream.take(len(expected))) == expected
                await stream.quiet(0.1)
                await stream.close()


# ---- the Redis broker's part


async def test_streams_that_came_before_the_redis_connection_replay_once_connected() -> None:
    """A stream may start while its server has no Redis connection yet (start-up, outage):
    what other processes published meanwhile never reached it, so once connected it is told
    to replay from the database (RESYNC)."""
    url = require_redis()
    prefix = f"fdlive-{time.time_ns()}:"
    broker = RedisBroker(url, prefix=prefix, name=f"{prefix}early")
    async with broker.subscribe("request:1") as early:
        await broker.start()
        try:
            await broker.wait_connected()
            async with asyncio.timeout(5):
                assert await early.get() is RESYNC
            async with broker.subscribe("request:1") as later:
                await asyncio.sleep(0.2)  # the SUBSCRIBE reaches Redis
                await broker.publish("request:1", {"eventId": 5})
                async with asyncio.timeout(5):
                    assert await early.get() == await later.get() == {"eventId": 5}
        finally:
            await broker.stop()


@pytest.fixture(scope="module")
def quick_idle(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live, pg_url = start_server(backend, tmp_path_factory, ws_idle_timeout_seconds=1)
    yield live
    stop_server(live, pg_url)


async def test_idle_connections_are_closed(quick_idle: LiveServer) -> None:
    async with Http(quick_idle.url) as alice:
        await alice.login("alice@acme.example")
        headers = {"Cookie": f"frontdesk_session={alice.session_cookie}"}
        # Nothing subscribed, nothing sent: closed with 4000 after about a second.
        async with websockets.connect(
            ws_url(quick_idle.url), subprotocols=[TRANSPORT_WS], additional_headers=headers
        ) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            started = time.monotonic()
            with pytest.raises(ConnectionClosed) as closed:
                async with asyncio.timeout(10):
                    await ws.recv()
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4000
            assert time.monotonic() - started >= 0.9
        # A connection with an open subscription stays, however quiet.
        request_type = await asyncio.to_thread(add_request_type, quick_idle.settings)
        request = await alice.raise_request(request_type, await alice.org_id("Acme Exams"))
        async with connect(quick_idle.url, cookie=alice.session_cookie) as session:
            stream = Timeline(session, request["id"])
            await wait_live(quick_idle, decode(request["id"])[1], stream)
            await asyncio.sleep(2.5)
            await alice.comment(request["id"], "still listening")
            assert bodies([await stream.next()]) == ["still listening"]
            await stream.close()
