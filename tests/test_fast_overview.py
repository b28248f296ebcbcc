"""The compiled overview (backend/schema/compiled.py) answers exactly as the stock executor.

Overview-shaped queries (aliases, fragments, variables, __typename, edges and cursors,
pageInfo, nulls, errors) run in process through the app's schema and through the same schema
with compilation off, on the test server's database, as an agent and as a customer; the JSON
must be byte for byte the same. Queries the compiler leaves alone are checked too (they must
still answer), and the HTTP answer of the live server must equal the stock result.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from graphql import parse
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from backend.auth.identify import identify
from backend.config import Settings
from backend.context import Context
from backend.db.engine import Database
from backend.schema import build_schema
from backend.schema.compiled import Fallback, compile_operation
from backend.schema.execution import FastExecutor
from tests.support import worlds
from tests.support.db import run_db
from tests.support.server import LiveServer
from tests.support.worlds import gid


class StockExecutor(FastExecutor):
    compile_queries = False


@dataclass
class World:
    org: str
    agent_token: str
    customer_token: str


@pytest.fixture(scope="module")
def world(server: LiveServer) -> World:
    async def build(session: AsyncSession) -> World:
        org = await worlds.add_org(session)
        agent, agent_token = await worlds.add_user(session, "Agent Ärger", "AGENT")
        customer, customer_token = await worlds.add_user(session, "Customer ☃")
        other, _ = await worlds.add_user(session, "Other customer")
        for person in (customer, other):
            await worlds.add_membership(session, org, person)
        types = [await worlds.add_request_type(session) for _ in range(2)]
        start = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
        statuses = ["WAITING_FOR_SUPPORT", "ESCALATED", "RESOLVED", "REOPENED", "CLOSED"]
        for i in range(12):
            request_id, _ = await worlds.add_request(
                session,
                request_type=types[i % 2],
                org_id=org,
                reporter_id=customer if i % 3 else other,
                summary=f'Printer "{i}" \u00fcberhitzt',
                description="line one\nline two" if i % 2 else "",
                status=statuses[i % len(statuses)],
                visibility="ORGANISATION" if i % 2 else "PRIVATE",
                assignee_id=agent if i % 4 == 1 else None,
                # ZZ is in no scheme: `priority` is null for it.
                priority=("ZZ", 9) if i == 5 else (f"P{i % 4 + 1}", i % 4 + 1),
                due_at=start + timedelta(days=i) if i % 3 == 0 else None,
                created_at=start + timedelta(hours=i),
                index=False,
            )
            for n in range(i % 5):
                await worlds.add_comment(
                    session,
                    request_id,
                    agent if n % 2 else customer,
                    f"comment {n} on {i}",
                    internal=n == 3,
                )
        return World(gid("Organisation", org), agent_token, customer_token)

    return run_db(server.settings, build)


class Paths:
    """The app's schema (compiled overview) and the same schema without compilation."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db = Database.from_settings(settings)
        self.fast = build_schema(settings)
        self.stock = build_schema(settings)
        self.stock.execution_context_class = StockExecutor

    async def context(self, token: str | None) -> Context:
        headers = [(b"authorization", f"Bearer {token}".encode())] if token else []
        request = Request(
            {
                "type": "http",
                "method": "POST",
                "path": "/graphql",
                "headers": headers,
                "client": ("127.0.0.1", 1),
                "query_string": b"",
            }
        )
        identity = await identify(self.db, request)
        return Context(
            request=request,
            response=None,
            settings=self.settings,
            db=self.db,
            viewer=identity.viewer,
            client_address="127.0.0.1",
        )

    async def answer(
        self, schema: Any, token: str | None, query: str, variables: dict[str, Any]
    ) -> str:
        result = await schema.execute(
            query, variable_values=variables, context_value=await self.context(token)
        )
        errors = [e.formatted for e in result.errors or []]
        return json.dumps({"data": result.data, "errors": errors})

    async def compiled(
        self, token: str | None, query: str, variables: dict[str, Any]
    ) -> tuple[bool, Any]:
        """Whether the operation compiles, and what the compiled plan alone answers (None
        when it gives up: the stock executor would answer instead)."""
        executor = FastExecutor.build(
            self.fast._schema,
            parse(query),
            context_value=await self.context(token),
            raw_variable_values=variables,
        )
        assert not isinstance(executor, list), executor
        plan = compile_operation(executor)
        if plan is None:
            return False, None
        try:
            return True, json.dumps({"data": await plan.execute(executor), "errors": []})
        except Fallback:
            return True, None


@pytest.fixture(scope="module")
def paths(server: LiveServer) -> Iterator[Paths]:
    found = Paths(server.settings)
    yield found
    asyncio.run(found.db.dispose())


def both(
    paths: Paths, token: str | None, query: str, variables: dict[str, Any]
) -> tuple[str, str, bool, Any]:
    """The app's answer, the stock answer, whether it compiles, the compiled plan's answer."""

    async def run() -> tuple[str, str, bool, Any]:
        fast = await paths.answer(paths.fast, token, query, variables)
        stock = await paths.answer(paths.stock, token, query, variables)
        compiled, alone = await paths.compiled(token, query, variables)
        # Each schema owns its engine's pool connections only within this loop.
        await paths.db.dispose()
        return fast, stock, compiled, alone

    return asyncio.run(run())


OVERVIEW = """query Overview($org: ID!) {
  requests(
    filter: { organisationIds: [$org], statusCategory: OPEN }
    orderBy: [{ field: CREATED_AT, direction: DESC }]
    first: 50
  ) {
    nodes {
      reference summary status priority { key name } createdAt
      reporter { displayName email } requestType { name }
      comments(first: 3) { totalCount nodes { body createdAt } }
    }
  }
}"""

EVERY_FIELD = """query Every($org: ID!, $first: Int, $after: String, $c: Int, $ca: String) {
  __typename
  requests(filter: { organisationIds: [$org] }, first: $first, after: $after) {
    __typename
    totalCount
    pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor }
    edges {
      __typename
      cursor
      node {
        __typename id reference summary description status priorityKey priorityRank
        urgency impact visibility dueAt externalReference createdAt updatedAt
        priority { __typename key name rank }
        reporter { __typename id email displayName role locale timeZone isActive createdAt }
        assignee { id displayName }
        requestType {
          __typename id name description icon issueType position archived formVersion
          asksUrgencyAndImpact
        }
        organisation { __typename id name superUserCap createdAt }
        comments(first: $c, after: $ca) {
          __typename
          totalCount
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
          edges { cursor node { id body internal createdAt author { id displayName } } }
          nodes { id }
        }
      }
    }
    nodes { id }
  }
}"""

FRAGMENTS = """
fragment Row on Request { reference who: reporter { ...Person } }
fragment Person on User { displayName email }
query Fragments($org: ID!) {
  list: requests(filter: { organisationIds: [$org] }, orderBy: [{ field: PRIORITY }], first: 7) {
    nodes {
      ...Row
      ... on Node { id }
      ... on Request { title: summary reporter { id } }
      who: reporter { role }
      n1: comments(first: 1) { totalCount }
      n2: comments(first: 2) { nodes { body } pageInfo { endCursor } }
      priority { ...on PriorityLevel { key } rank }
    }
    info: pageInfo { more: hasNextPage end: endCursor }
  }
}"""

# Shapes the compiler leaves to the stock executor: they must still answer the same.
NOT_COMPILED = {
    "directive": """query($org: ID!, $yes: Boolean!) {
      requests(filter: { organisationIds: [$org] }) { nodes { reference @include(if: $yes) } }
    }""",
    "other field": """query($org: ID!) {
      requests(filter: { organisationIds: [$org] }) { nodes { reference participants { id } } }
    }""",
    "two roots": """query($org: ID!) {
      viewer { user { id } } requests(filter: { organisationIds: [$org] }) { nodes { reference } }
    }""",
}


def check(
    paths: Paths, token: str, query: str, variables: dict[str, Any], compiled: bool = True
) -> dict[str, Any]:
    fast, stock, was_compiled, alone = both(paths, token, query, variables)
    assert was_compiled is compiled
    assert fast == stock
    answer = json.loads(fast)
    # Answers without errors come from the plan itself, not from its fallback.
    assert (alone == stock) if compiled and not answer["errors"] else alone is None
    return answer


@pytest.mark.parametrize("who", ["agent", "customer"])
def test_overview_and_every_field_match(paths: Paths, world: World, who: str) -> None:
    token = world.agent_token if who == "agent" else world.customer_token
    data = check(paths, token, OVERVIEW, {"org": world.org})["data"]
    # The agent sees the 8 open ones (4 are RESOLVED or CLOSED), the customer fewer.
    assert 0 < len(data["requests"]["nodes"]) <= 8
    answer = check(paths, token, EVERY_FIELD, {"org": world.org, "first": 5, "c": 2})
    connection = answer["data"]["requests"]
    assert connection["pageInfo"]["hasNextPage"]
    nodes = [edge["node"] for edge in connection["edges"]]
    # The next page, and comments after a cursor (variables in nested arguments).
    after = connection["pageInfo"]["endCursor"]
    comment_cursor = next(
        n["comments"]["pageInfo"]["endCursor"] for n in nodes if n["comments"]["totalCount"] > 2
    )
    page = check(
        paths,
        token,
        EVERY_FIELD,
        {"org": world.org, "first": 10, "after": after, "c": 1, "ca": comment_cursor},
    )
    assert page["data"]["requests"]["pageInfo"]["hasPreviousPage"] is True
    check(paths, token, EVERY_FIELD, {"org": world.org, "first": 0})


def test_aliases_and_fragments_match(paths: Paths, world: World) -> None:
    answer = check(paths, world.agent_token, FRAGMENTS, {"org": world.org})
    first = answer["data"]["list"]["nodes"][0]
    assert set(first) >= {"reference", "who", "id", "title", "n1", "n2", "priority"}
    assert set(first["who"]) == {"displayName", "email", "role"}


@pytest.mark.parametrize(
    "variables",
    [
        {"first": 500},  # too many
        {"first": 5, "after": "not a cursor"},
        {"first": 5, "c": -1},  # a bad argument of a nested field
        {"first": 5, "ca": "bad"},
    ],
)
def test_errors_match(paths: Paths, world: World, variables: dict[str, Any]) -> None:
    answer = check(paths, world.agent_token, EVERY_FIELD, {"org": world.org, **variables})
    assert answer["errors"], answer
    bad_org = check(paths, world.agent_token, OVERVIEW, {"org": gid("User", 1)})
    assert bad_org["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_anonymous_matches(paths: Paths, world: World) -> None:
    fast, stock, _, alone = both(paths, None, OVERVIEW, {"org": world.org})
    assert alone is None
    assert fast == stock and json.loads(fast)["errors"]


@pytest.mark.parametrize("name", sorted(NOT_COMPILED))
def test_other_shapes_are_left_to_the_stock_executor(paths: Paths, world: World, name: str) -> None:
    variables = {"org": world.org, "yes": True}
    answer = check(paths, world.agent_token, NOT_COMPILED[name], variables, compiled=False)
    assert not answer["errors"], answer


def test_http_answer_equals_the_stock_result(
    server: LiveServer, paths: Paths, world: World
) -> None:
    variables = {"org": world.org, "first": 6, "c": 3}
    _, stock, _, _ = both(paths, world.agent_token, EVERY_FIELD, variables)
    response = httpx.post(
        server.graphql_url,
        json={"query": EVERY_FIELD, "variables": variables},
        headers={"Authorization": f"Bearer {world.agent_token}"},
        timeout=30,
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert {"data": body["data"], "errors": body.get("errors", [])} == json.loads(stock)


SEARCH = EVERY_FIELD.replace("$ca: String)", "$ca: String, $q: String)").replace(
    "filter: { organisationIds: [$org] }", "filter: { organisationIds: [$org], search: $q }"
)
# Staff without a filter: the matches are ranked before the page's requests are read.
SEARCH_ALL = """query($q: String, $first: Int, $after: String) {
  requests(filter: { search: $q }, first: $first, after: $after) {
    edges { cursor node { reference summary reporter { email } requestType { name } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


@pytest.fixture(scope="module")
def kettles(server: LiveServer, world: World) -> str:
    """An organisation whose requests mention kettles in their own text (the head tier) or
    only in a comment (the rest tier)."""

    async def build(session: AsyncSession) -> str:
        org = await worlds.add_org(session)
        customer, _ = await worlds.add_user(session, "Kettle owner")
        await worlds.add_membership(session, org, customer)
        kind = await worlds.add_request_type(session)
        for i in range(5):
            request_id, _ = await worlds.add_request(
                session,
                request_type=kind,
                org_id=org,
                reporter_id=customer,
                summary=f"Kettle {i} boils dry" if i % 2 == 0 else f"Toaster {i} smokes",
                description="The kettle kettle again" if i == 4 else "",
                visibility="ORGANISATION",
            )
            if i % 2:
                await worlds.add_comment(session, request_id, customer, f"kettle too ({i})")
        return gid("Organisation", org)

    return run_db(server.settings, build)


@pytest.mark.parametrize("who", ["agent", "customer"])
def test_a_ranked_search_runs_compiled_across_its_tiers(
    paths: Paths, world: World, kettles: str, who: str
) -> None:
    token = world.agent_token if who == "agent" else world.customer_token
    if who == "customer":  # not a member of the kettles' organisation: sees none of them
        answer = check(paths, token, SEARCH, {"org": kettles, "q": "kettle", "first": 2})
        assert answer["data"]["requests"]["edges"] == []
        return
    # Pages of two through the head tier (3 requests) into the rest tier (2).
    seen: list[str] = []
    after = None
    while True:
        variables = {"org": kettles, "q": "kettle", "first": 2, "after": after, "c": 1}
        connection = check(paths, token, SEARCH, variables)["data"]["requests"]
        seen += [edge["node"]["summary"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert len(seen) == 5
    assert {s.split()[0] for s in seen[:3]} == {"Kettle"}  # own text first
    assert {s.split()[0] for s in seen[3:]} == {"Toaster"}  # then comments only
    assert seen[0] == "Kettle 4 boils dry"  # three mentions rank first
    # Staff without filters, and a prefix.
    answer = check(paths, token, SEARCH_ALL, {"q": "kett", "first": 4})
    assert len(answer["data"]["requests"]["edges"]) == 4
    # A search that matches nothing, and a bad cursor (the field's error, from the stock path).
    assert not check(paths, token, SEARCH, {"org": kettles, "q": "zzyzx", "first": 2})["data"][
        "requests"
    ]["edges"]
    assert check(paths, token, SEARCH, {"org": kettles, "q": "kettle", "after": "bad"})["errors"]


def test_plans_are_kept_per_database(paths: Paths, world: World, kettles: str) -> None:
    """A search's plan holds its dialect's SQL: the same viewer and arguments on another
    database (one process may serve several: the tests, the benchmarks) get a plan of its own."""
    from sqlalchemy.ext.asyncio import create_async_engine

    async def run() -> None:
        context = await paths.context(world.agent_token)
        executor = FastExecutor.build(
            paths.fast._schema,
            parse(SEARCH),
            context_value=context,
            raw_variable_values={"org": kettles, "q": "kettle", "first": 2},
        )
        assert not isinstance(executor, list), executor
        plan = compile_operation(executor)
        assert plan is not None
        here = plan._statement(executor)[0]
        other_url = (
            "postgresql+asyncpg://127.0.0.1:1/none"  # never connected
            if paths.db.dialect == "sqlite"
            else "sqlite+aiosqlite:///:memory:"
        )
        context.db = Database(create_async_engine(other_url))
        there = plan._statement(executor)[0]
        assert (here.dialect, there.dialect) == (paths.db.dialect, context.db.dialect)
        await context.db.dispose()
        await paths.db.dispose()

    asyncio.run(run())
