"""Fuzzing the GraphQL API against a live server, bounded in examples and time.

Two generators, each signed in as a customer (a super user) and as an agent (API tokens, so
no generated mutation can sign the fuzzer out):
- schemathesis in GraphQL mode, loading the schema from the live server by introspection;
- hypothesis-graphql on the committed SDL, with valid operations and operations that break
  the schema in one place (negative mode).

Whatever is sent, no answer may be a 5xx, carry a traceback or Python exception text, or be
an unexpected (masked) error; every error must carry an `extensions.code`. Examples are
derandomized, so a run is reproducible, and the server has its own database (the fuzzer
writes whatever it likes)."""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import graphql
import httpx
import hypothesis_graphql
import pytest
import schemathesis
import websockets
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes
from websockets.exceptions import ConnectionClosed

from backend.domain.global_ids import encode
from tests.conftest import start_server, stop_server
from tests.support.client import DEMO_PASSWORD
from tests.support.live import add_request_type
from tests.support.server import LiveServer

SDL = Path(__file__).parents[1] / "backend" / "schema" / "schema.graphql"
ROLES = {"customer": "alice@acme.example", "agent": "agent@frontdesk.example"}
# Per role, per database, per generator: 100 per role and database in all, the whole file in
# about a minute and a half on both databases. FRONTDESK_FUZZ_EXAMPLES=2000 fuzzes harder.
EXAMPLES = int(os.environ.get("FRONTDESK_FUZZ_EXAMPLES", "50"))
# Mutations that end the caller's own access are left out: the fuzzer must stay signed in.
SKIPPED = {"logout"}

# What a leaked internal looks like: a traceback, a frame, Python or driver exception names.
LEAKS = re.compile(
    r"Traceback|File \"|\b(?:[A-Z][a-z]+)+(?:Error|Exception)\b|NoneType|"
    r"sqlalchemy|asyncpg|aiosqlite|psycopg|sqlite3|strawberry\.|graphql\.error|"
    r"object has no attribute|site-packages|Unexpected error"
)
# Names that look like exceptions but are ours: the GraphQL type of userErrors.
ALLOWED_NAMES = {"UserError"}

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the report shows the example
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)


# ---- scalars our schema adds to GraphQL's


def _json_nodes() -> st.SearchStrategy[graphql.ValueNode]:
    leaves = st.one_of(
        st.none().map(lambda _: graphql.NullValueNode()),
        st.booleans().map(nodes.Boolean),
        st.integers(min_value=-(2**31), max_value=2**31 - 1).map(nodes.Int),
        st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float),
        st.text(max_size=40).map(nodes.String),
    )

    def objects(values: st.SearchStrategy[graphql.ValueNode]) -> Any:
        keys = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True)
        return st.dictionaries(keys, values, max_size=4).map(
            lambda d: nodes.Object(
                [
                    graphql.ObjectFieldNode(name=graphql.NameNode(value=k), value=v)
                    for k, v in d.items()
                ]
            )
        )

    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=5).map(nodes.List) | objects(inner),
        max_leaves=10,
    )


DATETIMES = st.one_of(
    st.datetimes(timezones=st.just(UTC)).map(datetime.isoformat),
    st.datetimes().map(datetime.isoformat),  # without a time zone
    st.text(max_size=30),
).map(nodes.String)
# IDs of objects that exist on the fuzz server (filled by the `known_ids` fixture), so that
# generated operations reach the business rules instead of stopping at INVALID_ID. A list
# mutated in place: strategies are built once, the server's IDs are known only later.
KNOWN_IDS: list[str] = []
_TYPES = ["Request", "Comment", "User", "Organisation", "RequestType", "Attachment", "Team"]
IDS = st.one_of(
    st.integers(min_value=0, max_value=10**6).map(
        lambda i: KNOWN_IDS[i % len(KNOWN_IDS)] if KNOWN_IDS else "none"
    ),
    st.builds(lambda t, pk: encode(t, pk), st.sampled_from(_TYPES), st.integers(1, 2**31 - 1)),
    st.text(max_size=20),
).map(nodes.String)
SCALARS: dict[str, st.SearchStrategy[graphql.ValueNode]] = {
    "ID": IDS,
    "JSON": _json_nodes(),
    "DateTime": DATETIMES,
    # Files cannot travel in a JSON body: whatever is sent there must be refused cleanly.
    "Upload": st.one_of(st.text(max_size=10).map(nodes.String), _json_nodes()),
}
for _name, _strategy in SCALARS.items():
    schemathesis.graphql.scalar(_name, _strategy)


# ---- the server under fuzz


@pytest.fixture(scope="module")
def fuzz_server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live, pg_url = start_server(backend, tmp_path_factory)
    yield live
    stop_server(live, pg_url)


def api_token(server: LiveServer, email: str) -> str:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        login = http.post(
            "/graphql",
            json={
                "query": "mutation($i: LoginInput!) { login(input: $i) { userErrors { code } } }",
                "variables": {"i": {"email": email, "password": DEMO_PASSWORD}},
            },
        )
        assert login.json()["data"]["login"]["userErrors"] == [], login.text
        created = http.post(
            "/graphql",
            json={
                "query": "mutation($i: ApiTokenCreateInput!) { apiTokenCreate(input: $i) "
                "{ token userErrors { code } } }",
                "variables": {"i": {"name": "fuzzing"}},
            },
        )
        return str(created.json()["data"]["apiTokenCreate"]["token"])


@pytest.fixture(scope="module")
def tokens(fuzz_server: LiveServer) -> dict[str, str]:
    return {role: api_token(fuzz_server, email) for role, email in ROLES.items()}


KNOWN = """{
  organisations(first: 100) { nodes { id members(first: 100) { nodes { id user { id } } } } }
  users(first: 100) { nodes { id } } teams(first: 100) { nodes { id } }
  portal { categories { id requestTypes { id fields { id } } } }
  requests(first: 100) { nodes { id comments(first: 100) { nodes { id } } } } }"""


@pytest.fixture(scope="module")
def known_ids(fuzz_server: LiveServer, tokens: dict[str, str]) -> list[str]:
    """Two requests with a comment each, then the IDs of everything an agent can list."""
    customer = {"Authorization": f"Bearer {tokens['customer']}"}
    agent = {"Authorization": f"Bearer {tokens['agent']}"}
    with httpx.Client(base_url=fuzz_server.url, timeout=30) as http:
        org = http.post(
            "/graphql",
            json={"query": "{ viewer { memberships { organisation { id } } } }"},
            headers=customer,
        ).json()["data"]["viewer"]["memberships"][0]["organisation"]["id"]
        request_type = add_request_type(fuzz_server.settings)
        for n in range(2):
            submitted = http.post(
                "/graphql",
                json={
                    "query": "mutation($i: RequestSubmitInput!) { requestSubmit(input: $i) "
                    "{ request { id } userErrors { code } } }",
                    "variables": {
                        "i": {
                            "requestTypeId": request_type,
                            "organisationId": org,
                            "summary": f"Fuzz {n}",
                        }
                    },
                },
                headers=customer,
            ).json()["data"]["requestSubmit"]
            assert submitted["userErrors"] == [], submitted
            http.post(
                "/graphql",
                json={
                    "query": "mutation($i: RequestCommentAddInput!) { requestCommentAdd(input: $i) "
                    "{ userErrors { code } } }",
                    "variables": {"i": {"requestId": submitted["request"]["id"], "body": "fuzz"}},
                },
                headers=customer,
            )
        listed = http.post("/graphql", json={"query": KNOWN}, headers=agent).json()
    assert "errors" not in listed, listed
    found = sorted(set(re.findall(r'"id": "([^"]+)"', json.dumps(listed["data"]))))
    assert len(found) > 20, found
    KNOWN_IDS[:] = found
    return found


# ---- what every answer must look like


def check_answer(status: int, text: str, sent: str) -> None:
    where = f"\n--- sent:\n{sent}\n--- answered {status}:\n{text[:2000]}"
    assert status < 500, where
    leaks = [m for m in LEAKS.findall(text) if m not in ALLOWED_NAMES]
    assert not leaks, f"leaked {leaks}{where}"
    body = json.loads(text)  # every answer is JSON, errors included
    assert isinstance(body, dict), where
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert isinstance(code, str) and code, f"an error without a code{where}"
        assert code != "INTERNAL_SERVER_ERROR", f"an unexpected error{where}"


def still_signed_in(server: LiveServer, token: str) -> None:
    response = httpx.post(
        server.graphql_url,
        json={"query": "{ viewer { user { email } } }"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.json()["data"]["viewer"] is not None, "the fuzzer lost its sign-in"


def root_fields(sdl: str) -> list[str]:
    schema = graphql.build_schema(sdl)
    names: list[str] = []
    for root in (schema.query_type, schema.mutation_type):
        assert root is not None
        names.extend(name for name in root.fields if name not in SKIPPED)
    return names


# ---- schemathesis


@pytest.mark.parametrize("role", sorted(ROLES))
def test_schemathesis(
    fuzz_server: LiveServer, tokens: dict[str, str], known_ids: list[str], role: str
) -> None:
    auth = {"Authorization": f"Bearer {tokens[role]}"}
    schema = schemathesis.graphql.from_url(fuzz_server.graphql_url, headers=auth, timeout=30)
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().definition.field_name not in SKIPPED
    ]
    assert len(operations) > 40  # the whole API, not a corner of it
    strategy = st.one_of([operation.as_strategy() for operation in operations])
    seen: set[str] = set()

    @FUZZ_SETTINGS
    @given(case=strategy)
    def run(case: schemathesis.Case) -> None:
        response = case.call(headers=auth, timeout=30)
        seen.add(case.operation.label)
        sent = json.dumps(case.body)[:4000]
        check_answer(response.status_code, response.text, sent)

    run()
    assert len(seen) > 10, seen
    still_signed_in(fuzz_server, tokens[role])


# ---- hypothesis-graphql


@pytest.mark.parametrize("role", sorted(ROLES))
def test_hypothesis_graphql(
    fuzz_server: LiveServer, tokens: dict[str, str], known_ids: list[str], role: str
) -> None:
    sdl = SDL.read_text()
    fields = root_fields(sdl)
    strategy = st.one_of(
        [
            hypothesis_graphql.from_schema(sdl, fields=fields, custom_scalars=SCALARS, mode=mode)
            for mode in (hypothesis_graphql.Mode.POSITIVE, hypothesis_graphql.Mode.NEGATIVE)
        ]
    )
    headers = {"Authorization": f"Bearer {tokens[role]}"}

    with httpx.Client(base_url=fuzz_server.url, headers=headers, timeout=30) as http:

        @FUZZ_SETTINGS
        @given(query=strategy)
        def run(query: str) -> None:
            response = http.post("/graphql", json={"query": query})
            check_answer(response.status_code, response.text, query)

        run()
    still_signed_in(fuzz_server, tokens[role])


# ---- hostile bodies no generator above produces (each was a 500 once)

LOGIN = "mutation($i: LoginInput!) { login(input: $i) { userErrors { code } } }"
UPLOAD = (
    "mutation($i: AttachmentUploadInput!) { attachmentUpload(input: $i) { userErrors { code } } }"
)


def _json(document: str, variables: dict[str, Any] | None = None) -> bytes:
    return json.dumps({"query": document, "variables": variables}).encode()


HOSTILE_JSON: dict[str, tuple[bytes, int, str]] = {
    # NUL cannot be stored by PostgreSQL; unpaired surrogates cannot be encoded as UTF-8.
    "nul-in-variable": (
        _json(LOGIN, {"i": {"email": "a\0@b.c", "password": "x"}}),
        200,
        "INVALID_CHARACTER",
    ),
    "nul-in-literal": (
        _json('{ request(reference: "FD-\\u0000") { id } }'),
        200,
        "INVALID_CHARACTER",
    ),
    "nul-in-list": (
        _json(
            "query($f: RequestFilter) { requests(filter: $f) { totalCount } }",
            {"f": {"priorityKeys": ["P1\0"]}},
        ),
        200,
        "INVALID_CHARACTER",
    ),
    "surrogate-in-variable": (
        b'{"query": "query($r: String!) { request(reference: $r) { id } }", '
        b'"variables": {"r": "\\ud800"}}',
        200,
        "INVALID_CHARACTER",
    ),
    # Bodies Python's json cannot read: nesting past the recursion limit, integers past the
    # digit limit, bytes that are not UTF-8.
    "deep-json": (
        b'{"query": "{ __typename }", "variables": {"x": ' + b"[" * 5000 + b"]" * 5000 + b"}}",
        400,
        "INVALID_JSON",
    ),
    "huge-integer": (
        b'{"query": "{ __typename }", "variables": {"x": ' + b"9" * 5000 + b"}}",
        400,
        "INVALID_JSON",
    ),
    "not-utf8": (b'{"query": "\xff\xfe"}', 400, "INVALID_JSON"),
    "deep-document": (
        _json("{ nodes(ids: " + "[" * 300 + "]" * 300 + ") { id } }"),
        200,
        "GRAPHQL_PARSE_FAILED",
    ),
    # Subscriptions live on the WebSocket; over HTTP they were once run as a query.
    "subscription-over-http": (
        _json("subscription { requestsChanged { __typename } }"),
        400,
        "OPERATION_NOT_ALLOWED",
    ),
    "unknown-operation": (
        json.dumps({"query": "query A { __typename }", "operationName": "B"}).encode(),
        400,
        "UNKNOWN_OPERATION",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_JSON))
def test_hostile_json_bodies(fuzz_server: LiveServer, name: str) -> None:
    body, status, code = HOSTILE_JSON[name]
    response = httpx.post(
        fuzz_server.graphql_url,
        content=body,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    check_answer(response.status_code, response.text, repr(body[:200]))
    assert response.status_code == status, response.text
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == [code]


def _multipart(operations: str, files_map: str, *, file: bool = True) -> bytes:
    parts = [
        b'--B\r\nContent-Disposition: form-data; name="operations"\r\n\r\n' + operations.encode(),
        b'--B\r\nContent-Disposition: form-data; name="map"\r\n\r\n' + files_map.encode(),
    ]
    if file:
        parts.append(
            b'--B\r\nContent-Disposition: form-data; name="0"; filename="a.txt"\r\n'
            b"Content-Type: text/plain\r\n\r\nhello"
        )
    return b"\r\n".join(parts) + b"\r\n--B--\r\n"


_OPERATIONS = json.dumps({"query": UPLOAD, "variables": {"i": {"file": None}}})
HOSTILE_MULTIPART: dict[str, bytes] = {
    "map-not-an-object": _multipart(_OPERATIONS, "[1]"),
    "map-null": _multipart(_OPERATIONS, "null"),
    "map-path-not-a-string": _multipart(_OPERATIONS, '{"0": [5]}'),
    "map-path-nowhere": _multipart(_OPERATIONS, '{"0": ["variables.i.nope.x"]}'),
    "map-without-file": _multipart(_OPERATIONS, '{"0": ["variables.i.file"]}', file=False),
    "operations-number": _multipart("5", "{}"),
    "operations-null": _multipart("null", "{}"),
    "not-multipart": b"garbage",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_MULTIPART))
def test_hostile_multipart_bodies(
    fuzz_server: LiveServer, tokens: dict[str, str], name: str
) -> None:
    response = httpx.post(
        fuzz_server.graphql_url,
        content=HOSTILE_MULTIPART[name],
        headers={
            "Content-Type": "multipart/form-data; boundary=B",
            "X-Frontdesk-CSRF": "1",
            "Authorization": f"Bearer {tokens['customer']}",
        },
        timeout=30,
    )
    check_answer(response.status_code, response.text, name)
    assert response.status_code == 400, response.text
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["INVALID_MULTIPART"]


# ---- hostile graphql-transport-ws messages: closed with 4400, as the protocol says

HOSTILE_MESSAGES: dict[str, Any] = {
    "not-an-object": [1, 2],
    "a-string": "subscribe",
    "no-id": {"type": "subscribe", "payload": {"query": "{ __typename }"}},
    "number-id": {"id": 5, "type": "subscribe", "payload": {"query": "{ __typename }"}},
    "payload-string": {"id": "1", "type": "subscribe", "payload": "x"},
    "query-number": {"id": "1", "type": "subscribe", "payload": {"query": 5}},
    "variables-list": {
        "id": "1",
        "type": "subscribe",
        "payload": {"query": "{ __typename }", "variables": [1]},
    },
    "operation-name-number": {
        "id": "1",
        "type": "subscribe",
        "payload": {"query": "{ __typename }", "operationName": 7},
    },
}


@pytest.mark.parametrize("name", sorted(HOSTILE_MESSAGES))
async def test_hostile_websocket_messages(
    fuzz_server: LiveServer, tokens: dict[str, str], name: str
) -> None:
    url = fuzz_server.url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        init = {"authorization": f"Bearer {tokens['agent']}"}
        await ws.send(json.dumps({"type": "connection_init", "payload": init}))
        async with asyncio.timeout(10):
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(json.dumps(HOSTILE_MESSAGES[name]))
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4400, closed.value.rcvd
    assert not LEAKS.findall(closed.value.rcvd.reason)
