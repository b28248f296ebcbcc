"""Every limit of the API, each with its error: query depth, aliases and tokens; page size on
every connection; list length in every list input; request body size; upload size;
subscriptions per WebSocket; comment, summary and description lengths.

Most run against a server with low limits (`limited`), so the inputs that cross them stay
small; the document limits and page sizes run against the shared server with the defaults."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from graphql import (
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    get_named_type,
)

from backend.auth.sessions import SESSION_COOKIE
from backend.config import Settings
from backend.multipart import BODY_OVERHEAD
from backend.schema.relay import MAX_PAGE_SIZE
from tests.conftest import start_server, stop_server
from tests.support.client import GraphQLClient
from tests.support.live import add_request_type, ws_url
from tests.support.server import LiveServer

SDL = Path(__file__).parents[1] / "backend" / "schema" / "schema.graphql"
JSON = {"Content-Type": "application/json", "Accept": "application/json"}
CSRF = {"X-Frontdesk-CSRF": "1"}
ERRORS = "userErrors { field code message }"
LIST_CAP = 5
BODY_CAP = 64 * 1024
UPLOAD_CAP = 1024
COMMENT_CAP = 50


@pytest.fixture(scope="module")
def limited(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live, pg_url = start_server(
        backend,
        tmp_path_factory,
        max_input_list_items=LIST_CAP,
        max_body_bytes=BODY_CAP,
        attachment_max_bytes=UPLOAD_CAP,
        ws_max_subscriptions=1,
        comment_max_length=COMMENT_CAP,
    )
    yield live
    stop_server(live, pg_url)


def post(url: str, body: Any, cookies: httpx.Cookies | None = None) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    with httpx.Client(cookies=cookies, timeout=30) as http:
        return http.post(url, content=content, headers=JSON)


def only_error(response: httpx.Response) -> dict[str, Any]:
    """The single error of a response (which must have no data)."""
    body = response.json()
    assert body.get("data") is None, body
    [error] = body["errors"]
    return dict(error)


def signed_in(server: LiveServer, email: str) -> GraphQLClient:
    client = GraphQLClient(server.graphql_url, headers=CSRF)
    assert client.login(email)["userErrors"] == []
    return client


# ---- document limits: depth, aliases, tokens


def nested(depth: int) -> str:
    """A valid query of exactly `depth` (counted as strawberry does: a root field is at depth
    0, so `depth + 1` fields): viewer > memberships > (organisation > members > nodes)* >
    leaf."""
    cycle = ["organisation", "members", "nodes"]
    names = ["viewer", "memberships"] + [cycle[i % 3] for i in range(depth - 2)]
    leaf = "totalCount" if names[-1] == "members" else "id"
    return "{ " + " { ".join([*names, leaf]) + " }" * (len(names)) + " }"


def test_query_depth(server: LiveServer) -> None:
    limit = server.settings.max_query_depth
    assert "errors" not in post(server.graphql_url, {"query": nested(limit)}).json()
    response = post(server.graphql_url, {"query": nested(limit + 1)})
    assert response.status_code == 200
    error = only_error(response)
    assert error["extensions"] == {"code": "QUERY_TOO_DEEP"}
    assert f"maximum operation depth of {limit}" in error["message"]


def aliased(count: int) -> str:
    return "{ " + " ".join(f"a{i}: __typename" for i in range(count)) + " }"


def test_aliases(server: LiveServer) -> None:
    limit = server.settings.max_aliases
    assert post(server.graphql_url, {"query": aliased(limit)}).json()["data"]["a0"] == "Query"
    error = only_error(post(server.graphql_url, {"query": aliased(limit + 1)}))
    assert error["extensions"] == {"code": "TOO_MANY_ALIASES"}
    assert f"{limit + 1} aliases found" in error["message"]


def test_tokens(server: LiveServer) -> None:
    limit = server.settings.max_tokens
    # `{`, `}` and `n` times `id`: n + 2 tokens. Repeated fields merge, so it stays valid.
    fits = "{ viewer { user { " + "id " * (limit - 8) + "} } }"
    answer = post(server.graphql_url, {"query": fits}).json()
    # (graphql-core's own budget for merging thousands of fields may refuse it otherwise)
    assert "QUERY_TOO_LARGE" not in json.dumps(answer)
    too_many = "{ viewer { user { " + "id " * (limit - 7) + "} } }"
    error = only_error(post(server.graphql_url, {"query": too_many}))
    assert error["extensions"] == {"code": "QUERY_TOO_LARGE"}
    assert f"more than {limit} tokens" in error["message"]


# ---- page size: every connection in the schema


def schema() -> GraphQLSchema:
    return build_schema(SDL.read_text())


def connection_fields() -> set[str]:
    """`Type.field` of every field that returns a connection."""
    found = set()
    for name, graphql_type in schema().type_map.items():
        if isinstance(graphql_type, GraphQLObjectType) and not name.startswith("__"):
            for field_name, field in graphql_type.fields.items():
                if get_named_type(field.type).name.endswith("Connection"):
                    found.add(f"{name}.{field_name}")
    return found


# How to reach each connection with a page size, as the client that may see it.
PAGED: dict[str, tuple[str, str]] = {
    "Query.organisations": ("admin", "{ organisations(first: $n) { totalCount } }"),
    "Query.users": ("admin", "{ users(first: $n) { totalCount } }"),
    "Query.teams": ("admin", "{ teams(first: $n) { totalCount } }"),
    "Query.auditLog": ("admin", "{ auditLog(first: $n) { totalCount } }"),
    "Query.requests": ("alice", "{ requests(first: $n) { totalCount } }"),
    "Organisation.members": (
        "admin",
        "{ organisations(first: 1) { nodes { members(first: $n) { totalCount } } } }",
    ),
    "Team.members": (
        "admin",
        "{ teams(first: 1) { nodes { members(first: $n) { totalCount } } } }",
    ),
    "Request.comments": (
        "alice",
        "{ request(reference: $ref) { comments(first: $n) { totalCount } } }",
    ),
    "Request.timeline": (
        "alice",
        "{ request(reference: $ref) { timeline(first: $n) { totalCount } } }",
    ),
}


def test_every_connection_is_covered() -> None:
    """A new connection must be added to PAGED, so its page size is tested too."""
    assert connection_fields() == set(PAGED)


@pytest.fixture(scope="module")
def paging_clients(server: LiveServer) -> Iterator[tuple[dict[str, GraphQLClient], str]]:
    clients = {
        "admin": signed_in(server, "admin@frontdesk.example"),
        "alice": signed_in(server, "alice@acme.example"),
    }
    org = clients["alice"].ok("{ viewer { memberships { organisation { id } } } }")
    submitted = clients["alice"].mutate(
        "requestSubmit",
        f"""mutation($input: RequestSubmitInput!) {{ requestSubmit(input: $input) {{
            request {{ reference }} {ERRORS} }} }}""",
        requestTypeId=add_request_type(server.settings),
        organisationId=org["viewer"]["memberships"][0]["organisation"]["id"],
        summary="Page sizes",
    )
    assert submitted["userErrors"] == []
    yield clients, submitted["request"]["reference"]
    for client in clients.values():
        client.close()


@pytest.mark.parametrize("field", sorted(PAGED))
def test_page_size_is_capped(
    field: str, paging_clients: tuple[dict[str, GraphQLClient], str]
) -> None:
    clients, reference = paging_clients
    who, selection = PAGED[field]
    ref = "$ref: String!, " if "$ref" in selection else ""
    query = f"query({ref}$n: Int) {selection}"
    extra = {"ref": reference} if ref else {}
    client = clients[who]
    assert client.execute(query, n=MAX_PAGE_SIZE, **extra).errors is None
    for bad in (MAX_PAGE_SIZE + 1, -1):
        result = client.execute(query, n=bad, **extra)
        assert result.codes == ["BAD_USER_INPUT"], (field, bad, result.errors)
        assert result.errors is not None
        assert result.errors[0]["extensions"]["argument"] == "first"
        assert f"between 0 and {MAX_PAGE_SIZE}" in result.errors[0]["message"]


# ---- list length: every list input in the schema, in one place


def _unwrap(graphql_type: Any) -> Any:
    return graphql_type.of_type if isinstance(graphql_type, GraphQLNonNull) else graphql_type


def list_inputs(graphql_schema: GraphQLSchema) -> set[str]:
    """`Type.field.argument` of list arguments and `InputType.field` of list input fields."""
    found = set()
    for name, graphql_type in graphql_schema.type_map.items():
        if name.startswith("__"):
            continue
        if isinstance(graphql_type, GraphQLInputObjectType):
            for field_name, field in graphql_type.fields.items():
                if isinstance(_unwrap(field.type), GraphQLList):
                    found.add(f"{name}.{field_name}")
        elif isinstance(graphql_type, GraphQLObjectType):
            for field_name, field in graphql_type.fields.items():
                for arg_name, arg in field.args.items():
                    if isinstance(_unwrap(arg.type), GraphQLList):
                        found.add(f"{name}.{field_name}.{arg_name}")
    return found


def _paths_into(
    input_type: GraphQLNamedType, seen: frozenset[str] = frozenset()
) -> Iterator[tuple[str, list[str | int]]]:
    """(list input, path inside a value of `input_type`) for every list reachable from it."""
    if not isinstance(input_type, GraphQLInputObjectType) or input_type.name in seen:
        return
    for name, field in input_type.fields.items():
        inner = _unwrap(field.type)
        if isinstance(inner, GraphQLList):
            yield f"{input_type.name}.{name}", [name]
        for found, path in _paths_into(get_named_type(field.type), seen | {input_type.name}):
            yield found, [name, *([0] if isinstance(inner, GraphQLList) else []), *path]


def over_long_operations(graphql_schema: GraphQLSchema) -> dict[str, tuple[str, str, Any]]:
    """For every list input: an operation that passes a list one item too long through a
    variable (query, variable name, value). Only the list is filled in: the cap is checked
    before the value is coerced, so missing required fields do not matter."""
    too_long = [f"item{i}" for i in range(LIST_CAP + 1)]
    operations: dict[str, tuple[str, str, Any]] = {}
    for kind in ("query", "mutation"):
        root = graphql_schema.query_type if kind == "query" else graphql_schema.mutation_type
        assert root is not None
        for field_name, field in root.fields.items():
            for arg_name, arg in field.args.items():
                call = f"{kind}($v: {arg.type}) {{ {field_name}({arg_name}: $v) {{ __typename }} }}"
                if isinstance(_unwrap(arg.type), GraphQLList):
                    operations.setdefault(
                        f"{root.name}.{field_name}.{arg_name}", (call, "", too_long)
                    )
                for found, path in _paths_into(get_named_type(arg.type)):
                    value: Any = too_long
                    for step in reversed(path):
                        value = [value] if step == 0 else {step: value}
                    where = ".".join(str(p) for p in path)
                    operations.setdefault(found, (call, where, value))
    return operations


def test_every_list_input_is_capped(limited: LiveServer) -> None:
    graphql_schema = schema()
    operations = over_long_operations(graphql_schema)
    assert set(operations) == list_inputs(graphql_schema)  # every one reachable and tried
    with httpx.Client(timeout=30) as http:
        for name, (query, where, value) in sorted(operations.items()):
            response = http.post(
                limited.graphql_url, json={"query": query, "variables": {"v": value}}
            )
            assert response.status_code == 200, (name, response.text)
            error = only_error(response)
            argument = "$v" + (f".{where}" if where else "")
            assert error["extensions"] == {
                "code": "LIST_TOO_LONG",
                "argument": argument,
                "maxItems": LIST_CAP,
            }, (name, error)
            assert f"`{argument}` has {LIST_CAP + 1} items" in error["message"]


def test_list_literals_and_json_values_are_capped(limited: LiveServer) -> None:
    ids = ", ".join(f'"x{i}"' for i in range(LIST_CAP + 1))
    error = only_error(post(limited.graphql_url, {"query": f"{{ nodes(ids: [{ids}]) {{ id }} }}"}))
    assert error["extensions"] == {"code": "LIST_TOO_LONG", "argument": "ids", "maxItems": 5}
    assert error["locations"] == [{"line": 1, "column": 14}]  # the list

    statuses = ", ".join(["OPEN"] * (LIST_CAP + 1))
    query = f"{{ requests(filter: {{statuses: [{statuses}]}}) {{ totalCount }} }}"
    codes = [e["extensions"] for e in post(limited.graphql_url, {"query": query}).json()["errors"]]
    assert {"code": "LIST_TOO_LONG", "argument": "filter.statuses", "maxItems": 5} in codes

    # A JSON value (a multi-select answer, say) is a list input too.
    mutation = """mutation($input: RequestSubmitInput!) { requestSubmit(input: $input) {
        userErrors { code } } }"""
    value = {"fields": [{"key": "choices", "value": list(range(LIST_CAP + 1))}]}
    body = {"query": mutation, "variables": {"input": value}}
    assert only_error(post(limited.graphql_url, body))["extensions"]["argument"] == (
        "$input.fields.0.value"
    )


def test_lists_at_the_cap_pass(limited: LiveServer) -> None:
    ids = [f"x{i}" for i in range(LIST_CAP)]
    body = {"query": "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", "variables": {"ids": ids}}
    assert [e["extensions"]["code"] for e in post(limited.graphql_url, body).json()["errors"]] == [
        "UNAUTHENTICATED"  # past the cap check: the resolver ran
    ]


# ---- request body size


def padded(size: int) -> bytes:
    """A valid JSON GraphQL request of exactly `size` bytes (JSON whitespace as padding)."""
    body = json.dumps({"query": "{ __typename }"}).encode()
    return body[:-1] + b" " * (size - len(body)) + b"}"


def test_body_size(limited: LiveServer) -> None:
    at_limit = post(limited.graphql_url, padded(BODY_CAP))
    assert at_limit.status_code == 200
    assert at_limit.json() == {"data": {"__typename": "Query"}}

    over = post(limited.graphql_url, padded(BODY_CAP + 1))
    assert over.status_code == 413
    assert over.headers["content-type"] == "application/json"
    assert over.json() == {
        "errors": [
            {
                "message": f"The request body is larger than {BODY_CAP} bytes.",
                "extensions": {"code": "REQUEST_TOO_LARGE", "maxBytes": BODY_CAP},
            }
        ]
    }


def test_body_size_without_content_length(limited: LiveServer) -> None:
    """A chunked body is cut off once it passes the limit, however long it would go on."""
    sent = 0

    def endless() -> Iterator[bytes]:
        nonlocal sent
        yield b'{"query": "{ __typename }", "padding": "'
        while sent < 50 * BODY_CAP:
            sent += 4096
            yield b"x" * 4096

    with httpx.Client(timeout=30) as http:
        try:
            response = http.post(limited.graphql_url, content=endless(), headers=JSON)
        except httpx.TransportError:  # the server answered and closed while we were sending
            response = None
    if response is not None:
        assert response.status_code == 413
        assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"
    assert sent < 50 * BODY_CAP
    # The server is fine afterwards.
    assert post(limited.graphql_url, {"query": "{ __typename }"}).status_code == 200


def test_body_limit_leaves_uploads_to_the_upload_limit(limited: LiveServer) -> None:
    """A multipart body larger than FRONTDESK_MAX_BODY_BYTES reaches the upload checks."""
    alice = signed_in(limited, "alice@acme.example")
    try:
        response = multipart(limited, alice.cookies, b"x" * (BODY_CAP + 1))
        assert response.status_code == 200, response.text
        payload = response.json()["data"]["attachmentUpload"]
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
            (["input", "file"], "FILE_TOO_LARGE")
        ]
    finally:
        alice.close()


# ---- upload size

UPLOAD = f"""mutation($input: AttachmentUploadInput!) {{ attachmentUpload(input: $input) {{
    attachment {{ size }} {ERRORS} }} }}"""


def multipart(server: LiveServer, cookies: httpx.Cookies, content: bytes) -> httpx.Response:
    operations = json.dumps({"query": UPLOAD, "variables": {"input": {"file": None}}})
    with httpx.Client(cookies=cookies, timeout=60) as http:
        return http.post(
            server.graphql_url,
            data={"operations": operations, "map": json.dumps({"0": ["variables.input.file"]})},
            files={"0": ("notes.txt", content, "text/plain")},
            headers=CSRF,
        )


def test_upload_size(limited: LiveServer) -> None:
    alice = signed_in(limited, "alice@acme.example")
    try:
        fits = multipart(limited, alice.cookies, b"a" * UPLOAD_CAP).json()
        assert fits["data"]["attachmentUpload"] == {"attachment": {"size": 1024}, "userErrors": []}

        too_large = multipart(limited, alice.cookies, b"b" * (UPLOAD_CAP + 1)).json()
        [problem] = too_large["data"]["attachmentUpload"]["userErrors"]
        assert (problem["field"], problem["code"]) == (["input", "file"], "FILE_TOO_LARGE")

        # A body past the upload limit plus room for the other parts is refused unread.
        huge = multipart(limited, alice.cookies, b"c" * (UPLOAD_CAP + BODY_OVERHEAD + 1))
        assert huge.status_code == 413
        assert huge.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"
    finally:
        alice.close()


# ---- subscriptions per WebSocket connection

CHANGES = "subscription { requestsChanged { __typename } }"


async def test_subscriptions_per_connection(limited: LiveServer) -> None:
    """Raw graphql-transport-ws messages: the server handles one connection's messages in
    order, so the cap is checked deterministically."""
    alice = signed_in(limited, "alice@acme.example")
    cookie = alice.cookies.get(SESSION_COOKIE)
    alice.close()
    async with websockets.connect(
        ws_url(limited.url),
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        origin=limited.settings.public_url,  # type: ignore[arg-type]
        additional_headers={"Cookie": f"{SESSION_COOKIE}={cookie}"},
    ) as ws:

        async def send(message: dict[str, Any]) -> None:
            await ws.send(json.dumps(message))

        async def receive() -> dict[str, Any]:
            async with asyncio.timeout(10):
                return dict(json.loads(await ws.recv()))

        await send({"type": "connection_init", "payload": {}})
        assert (await receive())["type"] == "connection_ack"
        await send({"id": "1", "type": "subscribe", "payload": {"query": CHANGES}})
        await send({"id": "2", "type": "subscribe", "payload": {"query": "{ __typename }"}})
        refused = await receive()
        assert (refused["id"], refused["type"]) == ("2", "error")
        [error] = refused["payload"]
        assert error["extensions"] == {"code": "TOO_MANY_SUBSCRIPTIONS", "max": 1}
        assert "at most 1 operations at once" in error["message"]
        # Completing the first makes room.
        await send({"id": "1", "type": "complete"})
        await send({"id": "3", "type": "subscribe", "payload": {"query": "{ __typename }"}})
        answer = await receive()
        assert (answer["id"], answer["type"]) == ("3", "next")
        assert answer["payload"] == {"data": {"__typename": "Query"}}


async def test_list_cap_applies_to_subscriptions(limited: LiveServer) -> None:
    alice = signed_in(limited, "alice@acme.example")
    cookie = alice.cookies.get(SESSION_COOKIE)
    alice.close()
    async with websockets.connect(
        ws_url(limited.url),
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        origin=limited.settings.public_url,  # type: ignore[arg-type]
        additional_headers={"Cookie": f"{SESSION_COOKIE}={cookie}"},
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        async with asyncio.timeout(10):
            assert json.loads(await ws.recv())["type"] == "connection_ack"
        query = "subscription($f: RequestFilter) { requestsChanged(filter: $f) { __typename } }"
        variables = {"f": {"statuses": ["RESOLVED"] * (LIST_CAP + 1)}}
        message = {
            "id": "1",
            "type": "subscribe",
            "payload": {"query": query, "variables": variables},
        }
        await ws.send(json.dumps(message))
        async with asyncio.timeout(10):
            answer = json.loads(await ws.recv())
        assert answer["type"] == "error"
        assert answer["payload"][0]["extensions"]["code"] == "LIST_TOO_LONG"


# ---- comment, summary and description lengths

SUBMIT = f"""mutation($input: RequestSubmitInput!) {{ requestSubmit(input: $input) {{
    request {{ id summary description }} {ERRORS} }} }}"""
COMMENT = f"""mutation($input: RequestCommentAddInput!) {{ requestCommentAdd(input: $input) {{
    comment {{ body }} {ERRORS} }} }}"""
UPDATE = f"""mutation($input: RequestUpdateInput!) {{ requestUpdate(input: $input) {{
    request {{ summary description }} {ERRORS} }} }}"""


def problems(payload: dict[str, Any]) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


@pytest.fixture(scope="module")
def text_clients(
    limited: LiveServer,
) -> Iterator[tuple[GraphQLClient, GraphQLClient, dict[str, str]]]:
    alice = signed_in(limited, "alice@acme.example")
    agent = signed_in(limited, "agent@frontdesk.example")
    org = alice.ok("{ viewer { memberships { organisation { id } } } }")
    base = {
        "requestTypeId": add_request_type(limited.settings),
        "organisationId": org["viewer"]["memberships"][0]["organisation"]["id"],
    }
    yield alice, agent, base
    alice.close()
    agent.close()


def test_summary_and_description_lengths(
    text_clients: tuple[GraphQLClient, GraphQLClient, dict[str, str]],
) -> None:
    alice, agent, base = text_clients
    longest = {"summary": "s" * 255, "description": "d" * 32_768}
    ok = alice.mutate("requestSubmit", SUBMIT, **base, **longest)
    assert ok["userErrors"] == [] and ok["request"]["summary"] == "s" * 255

    too_long = alice.mutate(
        "requestSubmit", SUBMIT, **base, summary="s" * 256, description="d" * 32_769
    )
    assert too_long["request"] is None
    assert problems(too_long) == [
        (["input", "summary"], "TOO_LONG"),
        (["input", "description"], "TOO_LONG"),
    ]
    assert "255" in too_long["userErrors"][0]["message"]

    rid = ok["request"]["id"]
    edit = agent.mutate("requestUpdate", UPDATE, requestId=rid, summary="t" * 256)
    assert problems(edit) == [(["input", "summary"], "TOO_LONG")]
    edit = agent.mutate("requestUpdate", UPDATE, requestId=rid, description="e" * 32_769)
    assert problems(edit) == [(["input", "description"], "TOO_LONG")]
    unchanged = agent.mutate("requestUpdate", UPDATE, requestId=rid)
    assert unchanged["request"] == {"summary": "s" * 255, "description": "d" * 32_768}


def test_comment_length(text_clients: tuple[GraphQLClient, GraphQLClient, dict[str, str]]) -> None:
    alice, _agent, base = text_clients
    request = alice.mutate("requestSubmit", SUBMIT, **base, summary="Comment lengths")["request"]
    longest = alice.mutate("requestCommentAdd", COMMENT, requestId=request["id"], body="c" * 50)
    assert longest == {"comment": {"body": "c" * 50}, "userErrors": []}
    too_long = alice.mutate("requestCommentAdd", COMMENT, requestId=request["id"], body="c" * 51)
    assert too_long["comment"] is None
    assert problems(too_long) == [(["input", "body"], "TOO_LONG")]
    assert f"at most {COMMENT_CAP} characters" in too_long["userErrors"][0]["message"]


def test_default_limits() -> None:
    """The defaults the README and docs/errors.md name."""
    fields = Settings.model_fields
    assert fields["max_input_list_items"].default == 1000
    assert fields["max_body_bytes"].default == 1024 * 1024
    assert [fields[f"max_{n}"].default for n in ("query_depth", "aliases", "tokens")] == [
        12,
        30,
        3000,
    ]
