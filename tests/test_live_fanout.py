"""requestTimeline streams of one request share the work of an event (live_shared.py): the
statements the server runs for a comment do not grow with the number of streams watching,
and sharing changes nothing about who gets what."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from backend.domain.global_ids import decode
from backend.resolvers.live_batch import TickLoader
from tests.support.live import Http, Timeline, add_request_type, bodies, connect, wait_live
from tests.support.server import LiveServer

# For one comment, whatever the number of streams: the viewers' sessions, the customers'
# memberships, visibility (one statement for every distinct viewer state), the new events,
# their comments, the comments' files, the users (actors and authors).
SHARED_STATEMENTS = 7


@pytest.fixture(scope="module")
async def people(server: LiveServer) -> AsyncIterator[dict[str, Any]]:
    request_type = await asyncio.to_thread(add_request_type, server.settings)
    alice = await Http(server.url).login("alice@acme.example")
    agent = await Http(server.url).login("agent@frontdesk.example")
    yield {"alice": alice, "agent": agent, "request_type": request_type}
    for client in (alice, agent):
        await client.client.aclose()


async def _new_request(people: dict[str, Any]) -> str:
    alice: Http = people["alice"]
    request = await alice.raise_request(people["request_type"], await alice.org_id("Acme Exams"))
    return str(request["id"])


async def _statements_for_a_comment(
    server: LiveServer, people: dict[str, Any], per_viewer: int
) -> int:
    """Statements from sending a comment until every stream (`per_viewer` of a customer's
    and as many of an agent's, each on its own WebSocket) has it; then an internal note
    reaches the agent's streams only."""
    alice, agent = people["alice"], people["agent"]
    rid = await _new_request(people)
    async with contextlib.AsyncExitStack() as stack:
        customer_streams, agent_streams = [], []
        for _ in range(per_viewer):
            for cookie, streams in (
                (alice.session_cookie, customer_streams),
                (agent.session_cookie, agent_streams),
            ):
                session = await stack.enter_async_context(connect(server.url, cookie=cookie))
                streams.append(Timeline(session, rid))
        everyone = customer_streams + agent_streams
        await wait_live(server, decode(rid)[1], *everyone)

        server.counter.reset()
        assert (await agent.comment(rid, "counted"))["userErrors"] == []
        for stream in everyone:
            assert bodies([await stream.next()]) == ["counted"]
        count = server.counter.count

        assert (await agent.comment(rid, "note", internal=True))["userErrors"] == []
        for stream in agent_streams:
            note = await stream.next()
            assert bodies([note]) == ["note"] and note["internal"]
        for stream in customer_streams:
            await stream.quiet(0.3)
        for stream in everyone:
            await stream.close()
    return count


async def test_statements_per_comment_do_not_grow_with_the_streams(
    server: LiveServer, people: dict[str, Any]
) -> None:
    rid = await _new_request(people)
    server.counter.reset()
    assert (await people["agent"].comment(rid, "nobody listens"))["userErrors"] == []
    unwatched = server.counter.count

    counts = {n: await _statements_for_a_comment(server, people, n) for n in (1, 6)}
    assert counts == {1: unwatched + SHARED_STATEMENTS, 6: unwatched + SHARED_STATEMENTS}


async def test_a_shared_answer_survives_a_waiter_that_goes_away() -> None:
    """One stream's client leaving while the batch is under way (its task cancelled) must
    not cancel the answer the others wait for; keys of one tick go in one batch."""
    batches: list[list[int]] = []
    release = asyncio.Event()

    async def load_many(keys: list[int]) -> dict[int, int]:
        batches.append(keys)
        await release.wait()
        return {k: k * 10 for k in keys}

    loader: TickLoader[int, int] = TickLoader(load_many)
    leaving = asyncio.create_task(loader.load(1))
    staying = [asyncio.create_task(loader.load(k)) for k in (1, 1, 2)]
    await asyncio.sleep(0.01)
    leaving.cancel()
    release.set()
    assert await asyncio.gather(*staying) == [10, 10, 20]
    assert batches == [[1, 2]]
    # Asked again later: the same answer, no new batch.
    assert await loader.load(2) == 20 and batches == [[1, 2]]


async def test_a_failed_batch_is_not_remembered() -> None:
    calls = 0

    async def load_many(keys: list[str]) -> dict[str, str]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("database went away")
        return {k: k.upper() for k in keys}

    loader: TickLoader[str, str] = TickLoader(load_many)
    with pytest.raises(RuntimeError):
        await loader.load("a")
    assert await loader.load("a") == "A" and calls == 2
