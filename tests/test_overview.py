"""The requests overview: `requests(filter:, orderBy:, first:, after:)`, full-text search,
keyset paging in every order, totalCount, overview columns and a constant statement count.

Worlds are built straight in the database (tests/support/worlds.py) and users authenticate
with API tokens; every query is narrowed to the world's organisations, or made by a customer
of the world, so the data of other tests on the same server never interferes.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from backend.schema.relay import encode_cursor
from tests.support import worlds
from tests.support.client import GraphQLClient
from tests.support.db import run_db
from tests.support.server import LiveServer
from tests.support.worlds import gid

REQUESTS = """
query($filter: RequestFilter, $orderBy: [RequestOrder!], $first: Int, $after: String) {
  requests(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id reference } }
  }
}"""
PAGE_ONLY = """
query($filter: RequestFilter, $orderBy: [RequestOrder!], $first: Int, $after: String) {
  requests(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id }
  }
}"""

STATUSES = [
    "WAITING_FOR_SUPPORT",
    "WAITING_FOR_CUSTOMER",
    "UNDER_INVESTIGATION",
    "UNDER_REVIEW",
    "ESCALATED",
    "RESOLVED",
    "CLOSED",
    "REOPENED",
    "CANCELLED",
]
CLOSED = {"RESOLVED", "CLOSED", "CANCELLED"}
# The documented STATUS order: open statuses in workflow order, then the closed ones.
STATUS_ORDER = [
    "WAITING_FOR_SUPPORT",
    "WAITING_FOR_CUSTOMER",
    "UNDER_INVESTIGATION",
    "UNDER_REVIEW",
    "ESCALATED",
    "REOPENED",
    "RESOLVED",
    "CLOSED",
    "CANCELLED",
]
FIELDS = ["REFERENCE", "REQUESTER", "DUE_DATE", "ASSIGNEE", "PRIORITY", "STATUS"]
FIELDS += ["CREATED_AT", "UPDATED_AT"]


# ---- the world


@dataclass
class Req:
    id: int
    number: int
    org: int
    request_type: int
    reporter: int
    reporter_name: str
    assignee: int | None
    assignee_name: str | None
    status: str
    priority_rank: int
    visibility: str
    due_at: datetime | None
    created_at: datetime
    updated_at: datetime
    participants: list[int] = field(default_factory=list)

    @property
    def gid(self) -> str:
        return gid("Request", self.id)


@dataclass
class World:
    org: int
    other_org: int
    types: list[int]
    users: dict[str, int]
    tokens: dict[str, str]
    requests: list[Req]

    def visible_to(self, name: str) -> list[Req]:
        """DESIGN.md "Who sees a request", in plain Python."""
        if name in ("xena", "ygor"):
            return list(self.requests)
        me = self.users[name]
        orgs = {self.org} if name in ("carla", "adam", "bert") else {self.other_org}
        return [
            r
            for r in self.requests
            if r.reporter == me
            or me in r.participants
            or (r.visibility == "ORGANISATION" and r.org in orgs)
        ]


def _build_world(session: AsyncSession) -> Any:
    async def build() -> World:
        org = await worlds.add_org(session)
        other = await worlds.add_org(session)
        users: dict[str, int] = {}
        tokens: dict[str, str] = {}
        names = {"carla": "Carla", "adam": "Adam", "bert": "Bert", "dora": "Dora"}
        for key, display in names.items():
            users[key], tokens[key] = await worlds.add_user(session, display)
        for key, display in {"xena": "Xena", "ygor": "Ygor"}.items():
            users[key], tokens[key] = await worlds.add_user(session, display, "AGENT")
        await worlds.add_membership(session, org, users["carla"], "SUPER_USER")
        await worlds.add_membership(session, org, users["adam"])
        await worlds.add_membership(session, org, users["bert"])
        await worlds.add_membership(session, other, users["dora"], "SUPER_USER")
        types = [await worlds.add_request_type(session) for _ in range(2)]
        rng = random.Random(42)
        base = datetime(2031, 3, 1, 9, 0, tzinfo=UTC)
        reqs: list[Req] = []
        for i in range(14):
            reporter = ["carla", "adam", "bert"][i % 3]
            assignee = [None, "xena", "ygor"][rng.randrange(3)]
            rank = rng.choice([1, 2, 3, 4])
            due = None if i % 3 == 0 else base + timedelta(days=rng.choice([1, 2, 3]))
            participants = [users["carla"]] if i % 4 == 1 else []
            participants += [users["adam"]] if i % 5 == 0 else []
            reqs.append(
                await _request(
                    session,
                    types[0 if i % 4 < 2 else 1],
                    org,
                    users,
                    reporter=reporter,
                    assignee=assignee,
                    status=STATUSES[i % 9],
                    rank=rank,
                    visibility="ORGANISATION" if i % 2 == 0 else "PRIVATE",
                    due_at=due,
                    created_at=base + timedelta(minutes=i // 2),
                    updated_at=base + timedelta(hours=(i * 7) % 5),
                    participants=participants,
                )
            )
        reqs.append(
            await _request(
                session,
                types[1],
                other,
                users,
                reporter="dora",
                assignee="xena",
                status="WAITING_FOR_SUPPORT",
                rank=2,
                visibility="ORGANISATION",
                due_at=None,
                created_at=base,
                updated_at=base,
                participants=[],
            )
        )
        return World(org, other, [t[0] for t in types], users, tokens, reqs)

    return build()


async def _request(
    session: AsyncSession,
    request_type: tuple[int, int],
    org: int,
    users: dict[str, int],
    *,
    reporter: str,
    assignee: str | None,
    status: str,
    rank: int,
    visibility: str,
    due_at: datetime | None,
    created_at: datetime,
    updated_at: datetime,
    participants: list[int],
) -> Req:
    pk, reference = await worlds.add_request(
        session,
        request_type=request_type,
        org_id=org,
        reporter_id=users[reporter],
        summary=f"Request by {reporter}",
        status=status,
        visibility=visibility,
        assignee_id=users[assignee] if assignee else None,
        priority=(f"P{rank}", rank),
        due_at=due_at,
        created_at=created_at,
        updated_at=updated_at,
        participants=participants,
    )
    return Req(
        id=pk,
        number=int(reference.split("-")[1]),
        org=org,
        request_type=request_type[0],
        reporter=users[reporter],
        reporter_name=reporter.capitalize(),
        assignee=users[assignee] if assignee else None,
        assignee_name=assignee.capitalize() if assignee else None,
        status=status,
        priority_rank=rank,
        visibility=visibility,
        due_at=due_at,
        created_at=created_at,
        updated_at=updated_at,
        participants=participants,
    )


@pytest.fixture(scope="module")
def world(server: LiveServer) -> World:
    return run_db(server.settings, _build_world)


@pytest.fixture(scope="module")
def clients(server: LiveServer, world: World) -> Iterator[dict[str, GraphQLClient]]:
    made = {name: GraphQLClient(server.graphql_url, token=t) for name, t in world.tokens.items()}
    yield made
    for client in made.values():
        client.close()


def walk(client: GraphQLClient, first: int, query: str = PAGE_ONLY, **variables: Any) -> list[str]:
    """Every page of a list, in order: the IDs."""
    ids: list[str] = []
    after = None
    for _ in range(100):
        data = client.ok(query, first=first, after=after, **variables)["requests"]
        ids += [n["id"] for n in data["nodes"]]
        assert len(data["nodes"]) <= first
        if not data["pageInfo"]["hasNextPage"]:
            return ids
        after = data["pageInfo"]["endCursor"]
    raise AssertionError("paging never ended")


def ids_of(requests: list[Req]) -> list[str]:
    return [r.gid for r in requests]


# ---- ordering


def _value(r: Req, name: str) -> Any:
    return {
        "REFERENCE": r.number,
        "REQUESTER": r.reporter_name,
        "DUE_DATE": r.due_at,
        "ASSIGNEE": r.assignee_name,
        "PRIORITY": r.priority_rank,
        "STATUS": STATUS_ORDER.index(r.status),
        "CREATED_AT": r.created_at,
        "UPDATED_AT": r.updated_at,
    }[name]


def expected_order(requests: list[Req], keys: list[tuple[str, str]]) -> list[Req]:
    """Sorted as documented: NULLs last in both directions, the id last in the direction of
    the last key."""

    def compare(a: Req, b: Req) -> int:
        for name, direction in keys:
            x, y = _value(a, name), _value(b, name)
            if x == y:
                continue
            if x is None or y is None:
                return 1 if x is None else -1
            result = -1 if x < y else 1
            return -result if direction == "DESC" else result
        result = -1 if a.id < b.id else 1
        return -result if keys[-1][1] == "DESC" else result

    return sorted(requests, key=functools.cmp_to_key(compare))


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
@pytest.mark.parametrize("name", FIELDS)
def test_every_order_pages_each_request_once_in_order(
    world: World, clients: dict[str, GraphQLClient], name: str, direction: str
) -> None:
    mine = [r for r in world.requests if r.org == world.org]
    expected = expected_order(mine, [(name, direction)])
    got = walk(
        clients["xena"],
        4,
        filter={"organisationIds": [gid("Organisation", world.org)]},
        orderBy=[{"field": name, "direction": direction}],
    )
    assert got == ids_of(expected)


@pytest.mark.parametrize(
    "keys",
    [
        [("PRIORITY", "ASC"), ("CREATED_AT", "DESC")],
        [("ASSIGNEE", "DESC"), ("DUE_DATE", "ASC"), ("STATUS", "DESC")],
        [("REQUESTER", "ASC"), ("UPDATED_AT", "ASC")],
    ],
)
def test_several_order_keys(
    world: World, clients: dict[str, GraphQLClient], keys: list[tuple[str, str]]
) -> None:
    mine = [r for r in world.requests if r.org == world.org]
    got = walk(
        clients["ygor"],
        3,
        filter={"organisationIds": [gid("Organisation", world.org)]},
        orderBy=[{"field": f, "direction": d} for f, d in keys],
    )
    assert got == ids_of(expected_order(mine, keys))


def test_default_order_is_newest_first(world: World, clients: dict[str, GraphQLClient]) -> None:
    got = walk(clients["carla"], 5)
    expected = expected_order(world.visible_to("carla"), [("CREATED_AT", "DESC")])
    assert got == ids_of(expected)


def test_direction_defaults_to_ascending(world: World, clients: dict[str, GraphQLClient]) -> None:
    got = walk(clients["carla"], 50, orderBy=[{"field": "PRIORITY"}])
    assert got == ids_of(expected_order(world.visible_to("carla"), [("PRIORITY", "ASC")]))


def test_page_info_and_total_count(world: World, clients: dict[str, GraphQLClient]) -> None:
    visible = world.visible_to("carla")
    first = clients["carla"].ok(REQUESTS, first=2)["requests"]
    assert first["totalCount"] == len(visible)
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["pageInfo"]["hasPreviousPage"] is False
    edges = first["edges"]
    assert first["pageInfo"]["startCursor"] == edges[0]["cursor"]
    assert first["pageInfo"]["endCursor"] == edges[-1]["cursor"]
    second = clients["carla"].ok(REQUESTS, first=2, after=edges[-1]["cursor"])["requests"]
    assert second["totalCount"] == len(visible)  # the whole list, not what is left
    assert second["pageInfo"]["hasPreviousPage"] is True
    empty = clients["carla"].ok(REQUESTS, first=0)["requests"]
    assert empty["edges"] == [] and empty["pageInfo"]["hasNextPage"] is True


# ---- filters


def _filters(w: World) -> dict[str, tuple[dict[str, Any], Callable[[Req], bool]]]:
    u = w.users
    return {
        "open": ({"statusCategory": "OPEN"}, lambda r: r.status not in CLOSED),
        "closed": ({"statusCategory": "CLOSED"}, lambda r: r.status in CLOSED),
        "any": ({"statusCategory": "ANY"}, lambda r: True),
        "statuses": (
            {"statuses": ["ESCALATED", "REOPENED", "RESOLVED"]},
            lambda r: r.status in ("ESCALATED", "REOPENED", "RESOLVED"),
        ),
        "open and statuses": (
            {"statusCategory": "OPEN", "statuses": ["RESOLVED", "ESCALATED"]},
            lambda r: r.status == "ESCALATED",
        ),
        "request type": (
            {"requestTypeIds": [gid("RequestType", w.types[1])]},
            lambda r: r.request_type == w.types[1],
        ),
        "organisation": (
            {"organisationIds": [gid("Organisation", w.other_org)]},
            lambda r: r.org == w.other_org,
        ),
        "priorities": ({"priorityKeys": ["P1", "P2"]}, lambda r: r.priority_rank <= 2),
        "assignees": (
            {"assigneeIds": [gid("User", u["xena"])]},
            lambda r: r.assignee == u["xena"],
        ),
        "combined": (
            {
                "statusCategory": "OPEN",
                "assigneeIds": [gid("User", u["xena"]), gid("User", u["ygor"])],
                "priorityKeys": ["P1", "P2", "P3"],
            },
            lambda r: r.status not in CLOSED and r.assignee is not None and r.priority_rank <= 3,
        ),
        "empty lists do not restrict": (
            {"statuses": [], "requestTypeIds": [], "assigneeIds": []},
            lambda r: True,
        ),
        "agent ME: reported by the agent": ({"ownership": "ME"}, lambda r: False),
        "agent COLLEAGUES: reported by others": (
            {"ownership": "COLLEAGUES"},
            lambda r: True,
        ),
        "agent PARTICIPATING": (
            {"ownership": "PARTICIPATING"},
            lambda r: u["xena"] in r.participants,
        ),
    }


FILTER_NAMES = list(_filters(World(0, 0, [0, 0], {"xena": 0, "ygor": 0}, {}, [])))


@pytest.mark.parametrize("name", FILTER_NAMES)
def test_each_filter(world: World, clients: dict[str, GraphQLClient], name: str) -> None:
    flt, keep = _filters(world)[name]
    orgs = [gid("Organisation", world.org), gid("Organisation", world.other_org)]
    variables = {"filter": {"organisationIds": orgs, **flt}}
    expected = [r for r in world.requests if keep(r)]
    got = walk(clients["xena"], 100, **variables)
    assert set(got) == set(ids_of(expected))
    assert len(got) == len(expected)
    total = clients["xena"].ok(REQUESTS, first=0, **variables)["requests"]["totalCount"]
    assert total == len(expected)


@pytest.mark.parametrize("viewer", ["carla", "adam", "bert", "dora"])
def test_ownership_for_customers(
    world: World, clients: dict[str, GraphQLClient], viewer: str
) -> None:
    me = world.users[viewer]
    visible = world.visible_to(viewer)
    own_orgs = {world.org} if viewer != "dora" else {world.other_org}
    expected = {
        "ANY": visible,
        "ME": [r for r in visible if r.reporter == me],
        "COLLEAGUES": [
            r
            for r in visible
            if r.visibility == "ORGANISATION" and r.org in own_orgs and r.reporter != me
        ],
        "PARTICIPATING": [r for r in visible if me in r.participants],
    }
    for ownership, requests in expected.items():
        got = walk(clients[viewer], 100, filter={"ownership": ownership})
        assert sorted(got) == sorted(ids_of(requests)), ownership
    # Carla's world is built so that every set is non-trivial.
    if viewer == "carla":
        assert all(expected[k] for k in expected)
        assert len(expected["ANY"]) < len(world.requests)


# ---- bad input


def _codes(client: GraphQLClient, **variables: Any) -> list[tuple[str, Any]]:
    result = client.execute(REQUESTS, **variables)
    assert result.errors, result
    return [(e["extensions"]["code"], e["extensions"].get("argument")) for e in result.errors]


def test_first_is_capped_at_100(clients: dict[str, GraphQLClient]) -> None:
    assert _codes(clients["carla"], first=101) == [("BAD_USER_INPUT", "first")]
    assert _codes(clients["carla"], first=-1) == [("BAD_USER_INPUT", "first")]
    clients["carla"].ok(REQUESTS, first=100)


def test_bad_ids_in_filters_name_the_argument(
    world: World, clients: dict[str, GraphQLClient]
) -> None:
    c = clients["carla"]
    user = gid("User", world.users["adam"])
    cases = {
        "filter.organisationIds": {"organisationIds": ["not-an-id"]},
        "filter.requestTypeIds": {"requestTypeIds": [user]},
        "filter.assigneeIds": {"assigneeIds": [gid("Organisation", world.org)]},
    }
    for argument, flt in cases.items():
        assert _codes(c, filter=flt) == [("BAD_USER_INPUT", argument)]
    too_many = [gid("Organisation", i) for i in range(1, 102)]
    assert _codes(c, filter={"organisationIds": too_many}) == [
        ("BAD_USER_INPUT", "filter.organisationIds")
    ]
    assert _codes(c, filter={"priorityKeys": ["P1"] * 101}) == [
        ("BAD_USER_INPUT", "filter.priorityKeys")
    ]
    assert _codes(c, filter={"search": "x" * 501}) == [("BAD_USER_INPUT", "filter.search")]


def test_order_by_is_checked(clients: dict[str, GraphQLClient]) -> None:
    c = clients["carla"]
    four = [{"field": f} for f in ["PRIORITY", "STATUS", "CREATED_AT", "REFERENCE"]]
    assert _codes(c, orderBy=four) == [("BAD_USER_INPUT", "orderBy")]
    twice = [{"field": "PRIORITY"}, {"field": "PRIORITY", "direction": "DESC"}]
    assert _codes(c, orderBy=twice) == [("BAD_USER_INPUT", "orderBy")]
    result = c.execute(REQUESTS, orderBy=[{"field": "SUMMARY"}])
    assert result.errors and result.codes == ["GRAPHQL_VALIDATION_FAILED"]


def test_cursor_of_another_order_is_refused(clients: dict[str, GraphQLClient]) -> None:
    c = clients["carla"]
    by_priority = [{"field": "PRIORITY", "direction": "ASC"}]
    cursor = c.ok(REQUESTS, first=1, orderBy=by_priority)["requests"]["pageInfo"]["endCursor"]
    # Same order: fine. Another field, another direction, the default order: refused.
    c.ok(REQUESTS, first=1, orderBy=by_priority, after=cursor)
    for other in (
        [{"field": "PRIORITY", "direction": "DESC"}],
        [{"field": "STATUS", "direction": "ASC"}],
        [{"field": "PRIORITY"}, {"field": "CREATED_AT"}],
        None,
    ):
        assert _codes(c, first=1, orderBy=other, after=cursor) == [("BAD_USER_INPUT", "after")]
    # A search cursor belongs to its words.
    cursor = c.ok(REQUESTS, first=1, filter={"search": "request"})["requests"]["pageInfo"][
        "endCursor"
    ]
    assert cursor is not None
    assert _codes(c, first=1, filter={"search": "by"}, after=cursor) == [
        ("BAD_USER_INPUT", "after")
    ]
    assert _codes(c, first=1, after="garbage!") == [("BAD_USER_INPUT", "after")]
    # Tampered cursors of the right shape: refused, never sent to SQL.
    for values in (["PRIORITY:ASC", 10**12, 5], ["PRIORITY:ASC", 1, "5"], ["PRIORITY:ASC", 1]):
        forged = encode_cursor(values)
        assert _codes(c, first=1, orderBy=by_priority, after=forged) == [
            ("BAD_USER_INPUT", "after")
        ]


def test_anonymous_is_unauthenticated(server: LiveServer) -> None:
    client = GraphQLClient(server.graphql_url)
    try:
        assert client.execute(REQUESTS).codes == ["UNAUTHENTICATED"]
    finally:
        client.close()


# ---- search


@dataclass
class SearchWorld:
    org: int
    t: str
    ids: dict[str, str]
    customer: GraphQLClient
    agent: GraphQLClient


@pytest.fixture(scope="module")
def search_world(server: LiveServer) -> Iterator[SearchWorld]:
    t = worlds.tag()
    fields = [
        {"key": "detail", "kind": "TEXT", "label": "Detail"},
        {
            "key": "env",
            "kind": "SELECT",
            "label": "Environment",
            "options": [{"value": "prod", "label": f"Mainframe{t}"}, {"value": "test"}],
        },
        {"key": "count", "kind": "NUMBER", "label": "Count"},
    ]
    filler = " ".join(f"filler{i % 37}" for i in range(300))

    async def build(session: AsyncSession) -> tuple[int, dict[str, int], str, str]:
        org = await worlds.add_org(session)
        sam, sam_token = await worlds.add_user(session, "Sam")
        ann, ann_token = await worlds.add_user(session, "Ann", "AGENT")
        await worlds.add_membership(session, org, sam, "SUPER_USER")
        rt = await worlds.add_request_type(session, fields)
        ids: dict[str, int] = {}

        async def req(name: str, summary: str, description: str = "", **kw: Any) -> int:
            ids[name], _ = await worlds.add_request(
                session,
                request_type=rt,
                org_id=org,
                reporter_id=sam,
                summary=summary,
                description=description,
                **kw,
            )
            return ids[name]

        await req("summary", f"Printer kestrel{t} jammed")
        await req("description", "Something", f"The heron{t} is gone")
        await req("text", "Something", field_values={"detail": f"egret{t} broke"})
        await req("select", "Something", field_values={"env": "prod", "count": 77})
        comment = await req("comment", "Something")
        await worlds.add_comment(session, comment, sam, f"Still waiting for the plover{t}")
        internal = await req("internal", "Something")
        await worlds.add_comment(session, internal, ann, f"Secret osprey{t}", internal=True)
        await req("phrase", f"blue{t} printer{t} broken")
        await req("words", f"printer{t} is blue{t}")
        await req("rank low", "Unrelated", f"{filler} wren{t} {filler}")
        await req("rank high", f"wren{t} outage", f"The wren{t} again")
        # Tiers: once in a long description (the request's own text) comes before three times
        # in a comment (found only through the conversation).
        await req("head weak", "Other matter", f"{filler} gannet{t} {filler}")
        conversation = await req("conversation strong", "Other matter")
        await worlds.add_comment(session, conversation, sam, f"gannet{t} gannet{t} gannet{t}")
        return org, ids, sam_token, ann_token

    org, ids, sam_token, ann_token = run_db(server.settings, build)
    customer = GraphQLClient(server.graphql_url, token=sam_token)
    agent = GraphQLClient(server.graphql_url, token=ann_token)
    yield SearchWorld(org, t, {k: gid("Request", v) for k, v in ids.items()}, customer, agent)
    customer.close()
    agent.close()


def found(sw: SearchWorld, client: GraphQLClient, text: str, **variables: Any) -> list[str]:
    """Names of the world's requests a search finds, in the order given."""
    names = {v: k for k, v in sw.ids.items()}
    flt = {"organisationIds": [gid("Organisation", sw.org)], "search": text}
    return [names[i] for i in walk(client, 100, filter=flt, **variables)]


def test_search_finds_by_every_public_text(search_world: SearchWorld) -> None:
    sw, t = search_world, search_world.t
    for client in (sw.customer, sw.agent):
        assert found(sw, client, f"kestrel{t}") == ["summary"]
        assert found(sw, client, f"heron{t}") == ["description"]
        assert found(sw, client, f"egret{t}") == ["text"]
        assert found(sw, client, f"mainframe{t}") == ["select"]  # the option's label
        assert found(sw, client, f"plover{t}") == ["comment"]
        assert found(sw, client, f"KESTREL{t} printer") == ["summary"]  # all words, any case


def test_internal_notes_are_searched_for_agents_only(search_world: SearchWorld) -> None:
    sw = search_world
    assert found(sw, sw.agent, f"osprey{sw.t}") == ["internal"]
    assert found(sw, sw.customer, f"osprey{sw.t}") == []
    total = sw.customer.ok(REQUESTS, first=0, filter={"search": f"osprey{sw.t}"})["requests"][
        "totalCount"
    ]
    assert total == 0


def test_phrases_and_prefixes(search_world: SearchWorld) -> None:
    sw, t = search_world, search_world.t
    assert sorted(found(sw, sw.customer, f"blue{t} printer{t}")) == ["phrase", "words"]
    # Whole words, except one ending in * and the last word typed (a prefix).
    assert sorted(found(sw, sw.customer, f"printer{t} blu")) == ["phrase", "words"]
    assert found(sw, sw.customer, f"print blue{t}") == []
    assert sorted(found(sw, sw.customer, f"print* blue{t}")) == ["phrase", "words"]
    assert found(sw, sw.customer, f'"blu" printer{t}') == []  # quoted: a whole word
    assert found(sw, sw.customer, f'"blue{t} printer{t}"') == ["phrase"]
    assert found(sw, sw.customer, f'"printer{t} blue{t}"') == []
    assert found(sw, sw.customer, f"kestrel{t[:-3]}") == ["summary"]  # a prefix
    assert found(sw, sw.customer, f"{t}") == []  # words match from their start only
    assert found(sw, sw.customer, "!!! ***") == found(sw, sw.customer, "")  # no words: no filter


def test_search_ranks_and_pages(search_world: SearchWorld) -> None:
    sw, t = search_world, search_world.t
    # In summary and description beats once in a long description, on both databases.
    assert found(sw, sw.customer, f"wren{t}") == ["rank high", "rank low"]
    # Ranked paging walks each match once.
    many = found(sw, sw.agent, "something")
    assert sorted(many) == sorted(["description", "text", "select", "comment", "internal"])
    flt = {"organisationIds": [gid("Organisation", sw.org)], "search": "something"}
    assert walk(sw.agent, 2, filter=flt) == walk(sw.agent, 100, filter=flt)
    # The request's own text first, then matches only in comments, whatever their rank;
    # paging crosses from one tier to the next without loss or repeat.
    assert found(sw, sw.customer, f"gannet{t}") == ["head weak", "conversation strong"]
    flt = {"organisationIds": [gid("Organisation", sw.org)], "search": f"gannet{t}"}
    assert walk(sw.customer, 1, filter=flt) == walk(sw.customer, 100, filter=flt)
    # An explicit order wins over the rank.
    by_ref = found(sw, sw.customer, f"wren{t}", orderBy=[{"field": "REFERENCE"}])
    assert by_ref == ["rank low", "rank high"]


# ---- overview columns

COLUMNS_SET = """mutation($input: OverviewColumnsSetInput!) { overviewColumnsSet(input: $input) {
    columns userErrors { field code message } } }"""
DEFAULT_COLUMNS = [
    "REFERENCE",
    "SUMMARY",
    "STATUS",
    "REQUESTER",
    "REQUEST_TYPE",
    "PRIORITY",
    "ASSIGNEE",
    "DUE_DATE",
    "UPDATED",
]


def test_overview_columns_round_trip(server: LiveServer) -> None:
    async def build(session: AsyncSession) -> str:
        return (await worlds.add_user(session, "Columns"))[1]

    client = GraphQLClient(server.graphql_url, token=run_db(server.settings, build))
    try:
        read = "{ viewer { overviewColumns } }"
        assert client.ok(read)["viewer"]["overviewColumns"] == DEFAULT_COLUMNS
        chosen = ["SUMMARY", "PRIORITY", "ORGANISATION", "CREATED"]
        payload = client.mutate("overviewColumnsSet", COLUMNS_SET, columns=chosen)
        assert payload == {"columns": chosen, "userErrors": []}
        assert client.ok(read)["viewer"]["overviewColumns"] == chosen  # order kept
        bad = {
            "empty": ([], [(["input", "columns"], "REQUIRED")]),
            "duplicate": (
                ["REFERENCE", "STATUS", "REFERENCE"],
                [(["input", "columns", "2"], "DUPLICATE")],
            ),
            "unrecognisable": (["STATUS", "PRIORITY"], [(["input", "columns"], "REQUIRED")]),
        }
        for name, (columns, errors) in bad.items():
            payload = client.mutate("overviewColumnsSet", COLUMNS_SET, columns=columns)
            assert payload["columns"] is None, name
            assert [(e["field"], e["code"]) for e in payload["userErrors"]] == errors, name
        assert client.ok(read)["viewer"]["overviewColumns"] == chosen  # unchanged
        result = client.execute(COLUMNS_SET, input={"columns": ["NOPE"]})
        assert result.codes == ["GRAPHQL_VALIDATION_FAILED"]
    finally:
        client.close()


# ---- a constant number of statements

NESTED = """query($filter: RequestFilter, $first: Int) {
  requests(filter: $filter, first: $first, orderBy: [{field: PRIORITY}, {field: CREATED_AT}]) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      reference summary status
      reporter { displayName }
      organisation { name }
      requestType { name }
      assignee { displayName }
      participants { displayName }
    }
  }
}"""
# The token with its user (an agent: no memberships to load), the page, its count, request
# types, users (reporters and assignees), organisations, participants, then the participants'
# users. (That last one is skipped when every participant is already loaded: fewer, never more.)
NESTED_STATEMENTS = 8


def test_statement_count_does_not_grow_with_the_page_size(server: LiveServer) -> None:
    async def build(session: AsyncSession) -> tuple[int, str]:
        org = await worlds.add_org(session)
        _, token = await worlds.add_user(session, "Counter", "AGENT")
        agents = [(await worlds.add_user(session, f"Agent{i}", "AGENT"))[0] for i in range(3)]
        people = [(await worlds.add_user(session, f"Person{i}"))[0] for i in range(6)]
        # Participants are never reporters, so their users always need a batch of their own.
        followers = [(await worlds.add_user(session, f"Follower{i}"))[0] for i in range(4)]
        for person in people + followers:
            await worlds.add_membership(session, org, person)
        types = [await worlds.add_request_type(session) for _ in range(3)]
        for i in range(105):
            await worlds.add_request(
                session,
                request_type=types[i % 3],
                org_id=org,
                reporter_id=people[i % 6],
                summary=f"Counted {i}",
                assignee_id=agents[i % 3] if i % 4 else None,
                priority=(f"P{i % 4 + 1}", i % 4 + 1),
                participants=[followers[i % 4], followers[(i + 1) % 4]],
                index=False,
            )
        return org, token

    org, token = run_db(server.settings, build)
    client = GraphQLClient(server.graphql_url, token=token)
    try:
        counts = {}
        for n in (5, 100):
            server.counter.reset()
            data = client.ok(
                NESTED, first=n, filter={"organisationIds": [gid("Organisation", org)]}
            )
            counts[n] = server.counter.count
            nodes = data["requests"]["nodes"]
            assert len(nodes) == n and data["requests"]["totalCount"] == 105
            assert all(len(node["participants"]) == 2 for node in nodes)
            assert all(node["requestType"]["name"] for node in nodes)
        assert counts == {5: NESTED_STATEMENTS, 100: NESTED_STATEMENTS}, server.counter.statements
    finally:
        client.close()


# The portal's overview shape runs compiled (backend/schema/compiled.py): the token with its
# user, the page with its reporters, request types and the priority scheme, the comment pages.
OVERVIEW = """query($filter: RequestFilter, $first: Int) {
  requests(filter: $filter, first: $first, orderBy: [{field: CREATED_AT, direction: DESC}]) {
    nodes {
      reference summary status priority { key name } createdAt
      reporter { displayName email } requestType { name }
      comments(first: 3) { totalCount nodes { body createdAt } }
    }
  }
}"""
OVERVIEW_STATEMENTS = 3


def test_compiled_overview_statement_count_is_constant(server: LiveServer) -> None:
    async def build(session: AsyncSession) -> tuple[int, str]:
        org = await worlds.add_org(session)
        _, token = await worlds.add_user(session, "Overview counter", "AGENT")
        people = [(await worlds.add_user(session, f"Reporter{i}"))[0] for i in range(5)]
        types = [await worlds.add_request_type(session) for _ in range(3)]
        for i in range(60):
            request_id, _ = await worlds.add_request(
                session,
                request_type=types[i % 3],
                org_id=org,
                reporter_id=people[i % 5],
                summary=f"Overview {i}",
                index=False,
            )
            for n in range(i % 5):
                await worlds.add_comment(session, request_id, people[n], f"Reply {n}")
        return org, token

    org, token = run_db(server.settings, build)
    client = GraphQLClient(server.graphql_url, token=token)
    try:
        counts = {}
        for n in (5, 50):
            server.counter.reset()
            data = client.ok(
                OVERVIEW, first=n, filter={"organisationIds": [gid("Organisation", org)]}
            )
            counts[n] = server.counter.count
            nodes = data["requests"]["nodes"]
            assert len(nodes) == n and all(node["reporter"]["email"] for node in nodes)
            assert any(node["comments"]["totalCount"] == 4 for node in nodes)
        assert counts == {5: OVERVIEW_STATEMENTS, 50: OVERVIEW_STATEMENTS}, (
            server.counter.statements
        )
    finally:
        client.close()
