"""requestsChanged: typed ADDED / UPDATED / REMOVED changes of a watched list, per viewer."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from gql import gql
from gql.client import AsyncClientSession

from tests.support.live import Http, add_request_type, connect
from tests.support.server import LiveServer

CHANGES = """
subscription($filter: RequestFilter) {
  requestsChanged(filter: $filter) { kind requestId request { reference visibility } }
}
"""


class Changes:
    """A requestsChanged stream pumped into a queue (a timed-out wait keeps it open)."""

    def __init__(self, session: AsyncClientSession, filter: dict[str, Any] | None) -> None:
        request = gql(CHANGES)
        request.variable_values = {"filter": filter}
        self._results = session.subscribe(request)
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._task = asyncio.create_task(self._pump())

    async def _pump(self) -> None:
        try:
            async for data in self._results:
                await self._queue.put(data["requestsChanged"])
        except Exception as error:
            await self._queue.put(error)

    async def next(self, seconds: float = 10) -> dict[str, Any]:
        async with asyncio.timeout(seconds):
            item = await self._queue.get()
        if isinstance(item, Exception):
            raise item
        return dict(item)

    async def quiet(self, seconds: float = 0.7) -> None:
        try:
            async with asyncio.timeout(seconds):
                item = await self._queue.get()
        except TimeoutError:
            return
        raise AssertionError(f"unexpected {item}")

    async def close(self) -> None:
        self._task.cancel()


async def wait_listening(server: LiveServer, count: int) -> None:
    """Until `count` list streams wait on the broker (their snapshot is taken by then)."""
    broker = server.app.state.broker
    deadline = time.monotonic() + 10
    while True:
        try:
            parked = sum(
                1 for s in list(broker._subscribers.get("requests", ())) if s.queue._getters
            )
        except RuntimeError:
            parked = 0
        if parked >= count:
            return
        assert time.monotonic() < deadline, f"{parked} list streams live, {count} expected"
        await asyncio.sleep(0.01)


def test_colleague_sees_added_updated_removed(server: LiveServer) -> None:
    request_type = add_request_type(server.settings)

    async def scenario() -> None:
        async with (
            Http(server.url) as alice,
            Http(server.url) as bob,
            Http(server.url) as carol,
        ):
            await alice.login("alice@acme.example")
            await bob.login("bob@acme.example")
            await carol.login("carol@globex.example")
            acme = await alice.org_id("Acme Exams")
            globex = await carol.org_id("Globex Cloud")
            async with (
                connect(server.url, cookie=bob.session_cookie) as bob_ws,
                connect(server.url, cookie=carol.session_cookie) as carol_ws,
            ):
                colleagues = Changes(bob_ws, {"ownership": "COLLEAGUES"})
                everything = Changes(carol_ws, None)
                await wait_listening(server, 2)

                request = await alice.raise_request(request_type, acme)
                await colleagues.quiet()  # private: not bob's business

                await alice.share(request["id"], "ORGANISATION")
                added = await colleagues.next()
                assert added["kind"] == "ADDED"
                assert added["requestId"] == request["id"]
                assert added["request"] == {
                    "reference": request["reference"],
                    "visibility": "ORGANISATION",
                }

                await alice.comment(request["id"], "Any news?")
                updated = await colleagues.next()
                assert (updated["kind"], updated["requestId"]) == ("UPDATED", request["id"])

                await alice.share(request["id"], "PRIVATE")
                removed = await colleagues.next()
                assert removed == {"kind": "REMOVED", "requestId": request["id"], "request": None}

                # Another organisation's viewer heard of none of it, but hears of its own.
                await everything.quiet(0.3)
                own = await carol.raise_request(request_type, globex)
                change = await everything.next()
                assert (change["kind"], change["requestId"]) == ("ADDED", own["id"])
                await colleagues.quiet(0.3)
                await colleagues.close()
                await everything.close()

    asyncio.run(scenario())


def test_status_filter_moves_requests_in_and_out(server: LiveServer) -> None:
    request_type = add_request_type(server.settings)

    async def scenario() -> None:
        async with Http(server.url) as alice, Http(server.url) as agent:
            await alice.login("alice@acme.example")
            await agent.login("agent@frontdesk.example")
            acme = await alice.org_id("Acme Exams")
            request = await alice.raise_request(request_type, acme)
            async with connect(server.url, cookie=agent.session_cookie) as ws:
                closed = Changes(ws, {"statusCategory": "CLOSED", "organisationIds": [acme]})
                await wait_listening(server, 1)
                cancel = await alice.mutate(
                    "requestCancel",
                    "mutation($input: RequestCancelInput!) { requestCancel(input: $input) {"
                    " userErrors { code } } }",
                    requestId=request["id"],
                )
                assert cancel["userErrors"] == []
                change = await closed.next()
                assert (change["kind"], change["requestId"]) == ("ADDED", request["id"])
                await closed.close()

    asyncio.run(scenario())
