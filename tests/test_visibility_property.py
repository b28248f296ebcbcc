"""Property: whoever asks, through whichever path, sees exactly the requests DESIGN.md's
"Who sees a request" allows, and nothing else.

Hypothesis draws small worlds (organisations, customers with random memberships and roles, an
agent, requests with random reporter, visibility and participants, some with a unique search
word), builds them straight in the database, and for every viewer compares what the API
answers with an oracle written here in plain Python (never policies.request_filter):
`requests` for each ownership, `totalCount`, `search`, `node(id)` and `request(reference)`.
Queries are narrowed to the world's organisations; customers also ask unfiltered, and since
a fresh world's customers belong to no other organisation and follow no other request, that
answer must be exactly the same set: nothing from other worlds leaks in.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from tests.support import worlds
from tests.support.db import run_db
from tests.support.server import LiveServer
from tests.support.worlds import gid

OWNERSHIPS = ("ANY", "ME", "COLLEAGUES", "PARTICIPATING")


@dataclass(frozen=True)
class RequestSpec:
    reporter: int  # customer index
    org: int  # organisation index
    visibility: str
    participants: frozenset[int]  # customer indexes; AGENT for the agent
    searchable: bool


@dataclass(frozen=True)
class WorldSpec:
    orgs: int
    memberships: tuple[dict[int, str], ...]  # per customer: organisation index -> role
    requests: tuple[RequestSpec, ...]


AGENT = -1


@st.composite
def world_specs(draw: st.DrawFn) -> WorldSpec:
    orgs = draw(st.integers(2, 3))
    customers = draw(st.integers(3, 6))
    roles = st.sampled_from(["SUPER_USER", "MEMBER"])
    memberships = [
        draw(st.dictionaries(st.integers(0, orgs - 1), roles, max_size=orgs))
        for _ in range(customers)
    ]
    if not memberships[0]:
        memberships[0] = {0: "SUPER_USER"}  # someone must be able to report
    reporters = [c for c in range(customers) if memberships[c]]
    people = st.sampled_from([*range(customers), AGENT])
    requests = []
    for _ in range(draw(st.integers(4, 10))):
        reporter = draw(st.sampled_from(reporters))
        requests.append(
            RequestSpec(
                reporter=reporter,
                org=draw(st.sampled_from(sorted(memberships[reporter]))),
                visibility=draw(st.sampled_from(["PRIVATE", "ORGANISATION"])),
                participants=draw(st.frozensets(people, max_size=3)),
                searchable=draw(st.booleans()),
            )
        )
    return WorldSpec(orgs, tuple(memberships), tuple(requests))


# ---- the oracle


def visible(spec: WorldSpec, viewer: int, r: RequestSpec) -> bool:
    if viewer == AGENT:
        return True
    return (
        r.reporter == viewer
        or viewer in r.participants
        or (r.visibility == "ORGANISATION" and r.org in spec.memberships[viewer])
    )


def owned(spec: WorldSpec, viewer: int, r: RequestSpec, ownership: str) -> bool:
    if not visible(spec, viewer, r):
        return False
    if ownership == "ME":
        return r.reporter == viewer
    if ownership == "PARTICIPATING":
        return viewer in r.participants
    if ownership == "COLLEAGUES":
        if viewer == AGENT:  # agents belong to no organisation: "reported by others"
            return r.reporter != viewer
        return (
            r.visibility == "ORGANISATION"
            and r.org in spec.memberships[viewer]
            and r.reporter != viewer
        )
    return True


# ---- building and asking


@dataclass
class Built:
    org_ids: list[str]
    tokens: dict[int, str]  # customer index (or AGENT) -> API token
    request_ids: list[str]
    references: list[str]
    words: dict[int, str] = field(default_factory=dict)  # request index -> its unique word


def build(server: LiveServer, spec: WorldSpec) -> Built:
    t = worlds.tag()

    async def work(session: AsyncSession) -> Built:
        orgs = [await worlds.add_org(session) for _ in range(spec.orgs)]
        users: dict[int, int] = {}
        tokens: dict[int, str] = {}
        for c in range(len(spec.memberships)):
            users[c], tokens[c] = await worlds.add_user(session, f"Customer{c}")
        users[AGENT], tokens[AGENT] = await worlds.add_user(session, "Agent", "AGENT")
        for c, memberships in enumerate(spec.memberships):
            for org, role in memberships.items():
                await worlds.add_membership(session, orgs[org], users[c], role)
        request_type = await worlds.add_request_type(session)
        built = Built([gid("Organisation", o) for o in orgs], tokens, [], [])
        for i, r in enumerate(spec.requests):
            word = f"needle{t}x{i}"
            pk, reference = await worlds.add_request(
                session,
                request_type=request_type,
                org_id=orgs[r.org],
                reporter_id=users[r.reporter],
                summary=f"Request {word}" if r.searchable else "Request",
                visibility=r.visibility,
                participants=[users[p] for p in sorted(r.participants)],
            )
            built.request_ids.append(gid("Request", pk))
            built.references.append(reference)
            if r.searchable:
                built.words[i] = word
        return built

    return run_db(server.settings, work)


def ask(http: httpx.Client, url: str, token: str, query: str) -> dict[str, Any]:
    response = http.post(url, json={"query": query}, headers={"Authorization": f"Bearer {token}"})
    body = response.json()
    assert "errors" not in body, body
    return dict(body["data"])


def lists_query(built: Built, customer: bool) -> str:
    orgs = json.dumps(built.org_ids)
    selection = "{ totalCount nodes { id } }"
    parts = [
        f"{o.lower()}: requests(first: 100, filter: {{organisationIds: {orgs}, ownership: {o}}}) "
        f"{selection}"
        for o in OWNERSHIPS
    ]
    for i, word in built.words.items():
        narrowed = f'{{organisationIds: {orgs}, search: "{word}"}}'
        parts.append(f"search{i}: requests(first: 100, filter: {narrowed}) {selection}")
        if customer:
            parts.append(f'wide{i}: requests(first: 100, filter: {{search: "{word}"}}) {selection}')
    if customer:
        parts.append(f"unfiltered: requests(first: 100) {selection}")
    return "{ " + "\n".join(parts) + " }"


def nodes_query(built: Built) -> str:
    parts = [f'n{i}: node(id: "{g}") {{ id }}' for i, g in enumerate(built.request_ids)]
    parts += [
        f'r{i}: request(reference: "{ref}") {{ id }}' for i, ref in enumerate(built.references)
    ]
    return "{ " + "\n".join(parts) + " }"


def check_viewer(
    http: httpx.Client, server: LiveServer, spec: WorldSpec, built: Built, viewer: int
) -> None:
    token = built.tokens[viewer]
    customer = viewer != AGENT
    ids = built.request_ids

    def expected(keep: Any) -> set[str]:
        return {ids[i] for i, r in enumerate(spec.requests) if keep(i, r)}

    data = ask(http, server.graphql_url, token, lists_query(built, customer))

    def got(alias: str) -> set[str]:
        connection = data[alias]
        found = [n["id"] for n in connection["nodes"]]
        assert len(found) == len(set(found)) == connection["totalCount"], (alias, connection)
        return set(found)

    for ownership in OWNERSHIPS:
        want = expected(lambda _i, r, o=ownership: owned(spec, viewer, r, o))
        assert got(ownership.lower()) == want, (viewer, ownership)
    for i in built.words:
        want = expected(lambda j, r, i=i: j == i and visible(spec, viewer, r))
        assert got(f"search{i}") == want, (viewer, "search", i)
        if customer:
            assert got(f"wide{i}") == want, (viewer, "search without organisations", i)
    if customer:
        # Nothing of other worlds (or other tests): exactly what this world allows.
        want = expected(lambda _i, r: visible(spec, viewer, r))
        assert got("unfiltered") == want, (viewer, "unfiltered")

    answers = ask(http, server.graphql_url, token, nodes_query(built))
    for i, r in enumerate(spec.requests):
        want_id = ids[i] if visible(spec, viewer, r) else None
        for alias in (f"n{i}", f"r{i}"):
            answer = answers[alias]
            assert (answer["id"] if answer else None) == want_id, (viewer, alias)


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(spec=world_specs())
def test_everyone_sees_exactly_what_the_rules_allow(
    server: LiveServer, http: httpx.Client, spec: WorldSpec
) -> None:
    built = build(server, spec)
    for viewer in [*range(len(spec.memberships)), AGENT]:
        check_viewer(http, server, spec, built, viewer)
