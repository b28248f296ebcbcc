"""GraphQL conventions: `Node` and global IDs, connections, error codes and limits, HTTP status
codes, error masking, the committed schema, and a constant number of SQL statements per list.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import strawberry
from graphql import GraphQLError

from backend.config import Settings
from backend.domain import global_ids
from backend.schema import SCHEMA_FILE, build_schema, export_sdl
from backend.schema.errors import PublicError
from backend.schema.extensions import MASKED_MESSAGE, ErrorCodes, schema_extensions
from backend.schema.relay import encode_cursor, encode_id
from tests.conftest import Factory
from tests.support.client import DEMO_PASSWORD, GraphQLClient
from tests.support.server import LiveServer

ERRORS = "userErrors { field code message }"
ORG_CREATE = f"""mutation($input: OrganisationCreateInput!) {{ organisationCreate(input: $input) {{
    organisation {{ id name superUserCap }} {ERRORS} }} }}"""
ORG_UPDATE = f"""mutation($input: OrganisationUpdateInput!) {{ organisationUpdate(input: $input) {{
    organisation {{ id name }} {ERRORS} }} }}"""
MEMBER_ADD = f"""mutation($input: OrganisationMemberAddInput!) {{
    organisationMemberAdd(input: $input) {{ membership {{ id user {{ id }} }} {ERRORS} }} }}"""
TEAM_CREATE = f"""mutation($input: TeamCreateInput!) {{ teamCreate(input: $input) {{
    team {{ id }} {ERRORS} }} }}"""
TOKEN_CREATE = f"""mutation($input: ApiTokenCreateInput!) {{ apiTokenCreate(input: $input) {{
    apiToken {{ id }} token {ERRORS} }} }}"""
NODE = "query($id: ID!) { node(id: $id) { __typename id } }"
MEMBERS_PAGE = """query($id: ID!, $first: Int, $after: String, $role: MembershipRole) {
    node(id: $id) { ... on Organisation {
        members(first: $first, after: $after, role: $role) {
            totalCount
            pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
            edges { cursor node { id role user { id } } }
            nodes { id } } } } }"""
VIEWER_MEMBERS = """query($n: Int) { viewer { memberships { organisation {
    members(first: $n) { nodes { user { displayName } } } } } } }"""
PEOPLE = """query($id: ID!) { node(id: $id) { ... on Organisation {
    members { nodes { user { id email } } } } } }"""
JSON_HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}


# ---- helpers


def mutate(client: GraphQLClient, field: str, query: str, /, **input: Any) -> dict[str, Any]:
    """The payload of mutation `field`, insisting on no userErrors."""
    payload = client.ok(query, input=input)[field]
    assert payload["userErrors"] == [], payload
    return dict(payload)


def new_org(factory: Factory) -> dict[str, Any]:
    name = factory.unique("Org")
    return dict(mutate(factory.admin, "organisationCreate", ORG_CREATE, name=name)["organisation"])


def add_by_email(admin: GraphQLClient, org_id: str, email: str, role: str = "MEMBER") -> str:
    """Add a new (invited) customer by e-mail: cheap, no password hashing. Returns the user ID."""
    payload = mutate(
        admin, "organisationMemberAdd", MEMBER_ADD, organisationId=org_id, email=email, role=role
    )
    return str(payload["membership"]["user"]["id"])


def org_of(client: GraphQLClient, name: str) -> dict[str, Any]:
    """The signed-in customer's membership in the organisation called `name`."""
    query = "{ viewer { memberships { id organisation { id name } } } }"
    for membership in client.ok(query)["viewer"]["memberships"]:
        if membership["organisation"]["name"] == name:
            return dict(membership)
    raise AssertionError(f"not a member of {name}")


def post(server: LiveServer, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    content = body if isinstance(body, str | bytes) else json.dumps(body)
    return httpx.post(
        server.graphql_url, content=content, headers=headers or JSON_HEADERS, timeout=30
    )


def assert_no_internals(response: httpx.Response) -> None:
    text = response.text
    for leak in ("Traceback", 'File "', "stacktrace", "exception", ".py"):
        assert leak not in text, text


def deep_query(levels: int) -> str:
    inner = "id"
    for _ in range(levels):
        inner = f"organisation {{ members {{ nodes {{ {inner} }} }} }}"
    return "{ viewer { memberships { " + inner + " } } }"


# ---- node(id:)


def test_node_resolves_every_type(
    admin: GraphQLClient,
    factory: Factory,
    unique: Callable[[str], str],
    client_factory: Callable[..., GraphQLClient],
) -> None:
    # A fresh admin of our own: API tokens are visible to their owner only, and the demo
    # admin's tokens are left alone for other tests.
    owner = factory.user("ADMIN")
    admin = client_factory(owner["email"], password=owner["password"])
    user = factory.user()
    org = new_org(factory)
    membership = mutate(
        admin, "organisationMemberAdd", MEMBER_ADD, organisationId=org["id"], userId=user["id"]
    )["membership"]
    team = mutate(admin, "teamCreate", TEAM_CREATE, name=unique("Team"))["team"]
    token = mutate(admin, "apiTokenCreate", TOKEN_CREATE, name=unique("token"))["apiToken"]

    expected = {
        user["id"]: "User",
        org["id"]: "Organisation",
        membership["id"]: "Membership",
        team["id"]: "Team",
        token["id"]: "ApiToken",
    }
    for node_id, type_name in expected.items():
        assert admin.ok(NODE, id=node_id)["node"] == {"__typename": type_name, "id": node_id}
        # The ID is opaque but carries its type: the same number as another type is another ID.
        assert global_ids.decode(node_id)[0] == type_name

    ids = [*expected, encode_id("Organisation", 987_654_321)]
    nodes = admin.ok("query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }", ids=ids)
    assert [n and n["__typename"] for n in nodes["nodes"]] == [*expected.values(), None]

    fields = admin.ok(
        """query($id: ID!) { node(id: $id) { ... on Organisation { name superUserCap } } }""",
        id=org["id"],
    )
    assert fields["node"] == {"name": org["name"], "superUserCap": 4}


def test_node_is_null_for_what_the_viewer_may_not_see(
    admin: GraphQLClient,
    factory: Factory,
    client_factory: Callable[..., GraphQLClient],
    unique: Callable[[str], str],
) -> None:
    alice = client_factory("alice@acme.example")
    carol = client_factory("carol@globex.example")
    agent = client_factory("agent@frontdesk.example")
    acme = org_of(alice, "Acme Exams")
    globex = org_of(carol, "Globex Cloud")
    acme_people = alice.ok(
        PEOPLE,
        id=acme["organisation"]["id"],
    )["node"]["members"]["nodes"]
    bob = next(m["user"]["id"] for m in acme_people if m["user"]["email"] == "bob@acme.example")
    team = admin.ok("{ teams(first: 1) { nodes { id } } }")["teams"]["nodes"][0]["id"]
    owner = factory.user()
    as_owner = client_factory(owner["email"], password=owner["password"])
    other_token = mutate(as_owner, "apiTokenCreate", TOKEN_CREATE, name=unique("t"))["apiToken"]
    assert as_owner.ok(NODE, id=other_token["id"])["node"]["__typename"] == "ApiToken"
    agent_id = agent.ok("{ viewer { user { id } } }")["viewer"]["user"]["id"]
    dave = next(
        m["user"]["id"]
        for m in carol.ok(
            PEOPLE,
            id=globex["organisation"]["id"],
        )["node"]["members"]["nodes"]
        if m["user"]["email"] == "dave@globex.example"
    )

    hidden = [
        acme["organisation"]["id"],  # another organisation
        acme["id"],  # a membership in it
        bob,  # a person of another organisation
        team,  # teams are for staff
        other_token["id"],  # somebody else's token
        encode_id("Organisation", 987_654_321),  # does not exist: the very same answer
        encode_id("User", 987_654_321),
    ]
    for node_id in hidden:
        result = carol.execute(NODE, id=node_id)
        assert (result.data, result.errors) == ({"node": None}, None), node_id

    # Her own organisation, her colleagues, and the agents who answer her are visible.
    for node_id in (globex["organisation"]["id"], globex["id"], dave, agent_id):
        assert carol.ok(NODE, id=node_id)["node"]["id"] == node_id
    # Staff see organisations and people, but not another user's API token.
    assert agent.ok(NODE, id=acme["organisation"]["id"])["node"] is not None
    assert agent.ok(NODE, id=bob)["node"] is not None
    assert agent.ok(NODE, id=other_token["id"])["node"] is None


@pytest.mark.parametrize(
    "node_id",
    [
        "",
        "garbage",
        "%%%",
        global_ids.b64encode("User"),
        global_ids.b64encode("User:abc"),
        global_ids.b64encode("Nope:1"),  # a type that is not a Node
        global_ids.b64encode("User:2147483648"),  # beyond any primary key
        global_ids.b64encode("User:100000000000000000"),
    ],
)
def test_malformed_node_id_is_bad_user_input(admin: GraphQLClient, node_id: str) -> None:
    result = admin.execute(NODE, id=node_id)
    assert result.data == {"node": None}
    assert result.codes == ["BAD_USER_INPUT"]
    assert result.errors is not None
    assert result.errors[0]["extensions"]["argument"] == "id"
    assert result.errors[0]["path"] == ["node"]


def test_node_needs_a_signed_in_viewer(anonymous: GraphQLClient) -> None:
    result = anonymous.execute(NODE, id=encode_id("Organisation", 1))
    assert result.data == {"node": None}
    assert result.codes == ["UNAUTHENTICATED"]


# ---- connections


@pytest.mark.parametrize("first", [101, 1000, -1])
def test_first_is_capped_at_100(admin: GraphQLClient, factory: Factory, first: int) -> None:
    org = new_org(factory)
    team = mutate(admin, "teamCreate", TEAM_CREATE, name=factory.unique("Team"))["team"]
    queries = [
        ("query($n: Int) { organisations(first: $n) { totalCount } }", {}),
        ("query($n: Int) { users(first: $n) { totalCount } }", {}),
        ("query($n: Int) { teams(first: $n) { totalCount } }", {}),
        (
            "query($n: Int, $id: ID!) { node(id: $id) { ... on Organisation { "
            "members(first: $n) { totalCount } } } }",
            {"id": org["id"]},
        ),
        (
            "query($n: Int, $id: ID!) { node(id: $id) { ... on Team { "
            "members(first: $n) { totalCount } } } }",
            {"id": team["id"]},
        ),
    ]
    for query, variables in queries:
        result = admin.execute(query, n=first, **variables)
        assert result.codes == ["BAD_USER_INPUT"], query
        assert result.errors is not None
        assert result.errors[0]["extensions"]["argument"] == "first"
        assert "100" in result.errors[0]["message"]
        # The largest page and the empty page are fine.
        assert admin.execute(query, n=100, **variables).errors is None
        assert admin.execute(query, n=0, **variables).errors is None


def test_paging_members_visits_each_member_once(admin: GraphQLClient, factory: Factory) -> None:
    org = new_org(factory)
    people = [
        add_by_email(
            admin,
            org["id"],
            f"{factory.unique('p')}@example.com",
            "SUPER_USER" if i in (1, 4) else "MEMBER",
        )
        for i in range(7)
    ]

    seen: list[str] = []
    pages: list[tuple[int, bool, bool]] = []
    after = None
    while True:
        page = admin.ok(MEMBERS_PAGE, id=org["id"], first=3, after=after)["node"]["members"]
        info = page["pageInfo"]
        assert page["totalCount"] == 7
        assert [e["node"]["id"] for e in page["edges"]] == [n["id"] for n in page["nodes"]]
        assert info["startCursor"] == page["edges"][0]["cursor"]
        assert info["endCursor"] == page["edges"][-1]["cursor"]
        seen += [e["node"]["user"]["id"] for e in page["edges"]]
        pages.append((len(page["edges"]), info["hasNextPage"], info["hasPreviousPage"]))
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert seen == people  # every member once, oldest first
    assert pages == [(3, True, False), (3, True, True), (1, False, True)]

    # Past the end: an empty page that still knows the total.
    empty = admin.ok(MEMBERS_PAGE, id=org["id"], first=3, after=page["pageInfo"]["endCursor"])[
        "node"
    ]["members"]
    assert empty["totalCount"] == 7 and empty["edges"] == []
    assert empty["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "startCursor": None,
        "endCursor": None,
    }

    # A filtered list pages and counts within the filter.
    supers = admin.ok(MEMBERS_PAGE, id=org["id"], first=1, role="SUPER_USER")["node"]["members"]
    assert supers["totalCount"] == 2 and supers["pageInfo"]["hasNextPage"] is True
    rest = admin.ok(
        MEMBERS_PAGE,
        id=org["id"],
        first=1,
        role="SUPER_USER",
        after=supers["pageInfo"]["endCursor"],
    )["node"]["members"]
    assert [e["node"]["user"]["id"] for e in supers["edges"] + rest["edges"]] == [
        people[1],
        people[4],
    ]
    assert rest["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "%%%",
        encode_cursor(["x"]),
        encode_cursor([1, 2]),
        encode_cursor([True]),
        encode_cursor([-1]),
        encode_cursor([2**31]),  # beyond any key: must not reach the database
        encode_cursor([10**17]),
        global_ids.b64encode("{}"),
    ],
)
def test_malformed_cursor_is_bad_user_input(
    admin: GraphQLClient, factory: Factory, cursor: str
) -> None:
    org = new_org(factory)
    for query, variables in [
        (MEMBERS_PAGE, {"id": org["id"], "first": 2}),
        ("query($after: String) { organisations(after: $after) { totalCount } }", {}),
        ("query($after: String) { users(after: $after) { totalCount } }", {}),
    ]:
        result = admin.execute(query, after=cursor, **variables)
        assert result.codes == ["BAD_USER_INPUT"], (query, cursor)
        assert result.errors is not None
        assert result.errors[0]["extensions"]["argument"] == "after"


def test_top_level_lists_page_through_everything(admin: GraphQLClient, factory: Factory) -> None:
    for _ in range(3):
        new_org(factory)
    for field in ("organisations", "users", "teams"):
        seen: list[str] = []
        after = None
        total = None
        while True:
            page = admin.ok(
                f"""query($after: String) {{ {field}(first: 7, after: $after) {{
                    totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ id }} }} }}""",
                after=after,
            )[field]
            total = page["totalCount"] if total is None else total
            assert page["totalCount"] == total
            seen += [n["id"] for n in page["nodes"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert len(seen) == len(set(seen)) == total, field


def test_customers_see_only_their_organisations_in_lists(
    client_factory: Callable[..., GraphQLClient],
) -> None:
    carol = client_factory("carol@globex.example")
    page = carol.ok("{ organisations { totalCount nodes { name } } }")["organisations"]
    assert page == {"totalCount": 1, "nodes": [{"name": "Globex Cloud"}]}
    for field in ("users", "teams"):
        result = carol.execute(f"{{ {field} {{ totalCount }} }}")
        assert result.codes == ["FORBIDDEN"], field


def test_loaders_do_not_outlive_a_request(admin: GraphQLClient, factory: Factory) -> None:
    org = new_org(factory)
    query = "query($id: ID!) { node(id: $id) { ... on Organisation { name } } }"
    assert admin.ok(query, id=org["id"])["node"]["name"] == org["name"]
    renamed = factory.unique("Renamed")
    mutate(admin, "organisationUpdate", ORG_UPDATE, id=org["id"], name=renamed)
    assert admin.ok(query, id=org["id"])["node"]["name"] == renamed


# ---- errors over HTTP


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ viewer { ", "GRAPHQL_PARSE_FAILED"),
        ("query { viewer { user { id } } ", "GRAPHQL_PARSE_FAILED"),
        ("{ nope }", "GRAPHQL_VALIDATION_FAILED"),
        ("{ viewer { user { password } } }", "GRAPHQL_VALIDATION_FAILED"),
        ('{ organisations(first: "ten") { totalCount } }', "GRAPHQL_VALIDATION_FAILED"),
        (deep_query(4), "QUERY_TOO_DEEP"),
        (
            "{ " + " ".join(f"a{i}: viewer {{ user {{ id }} }}" for i in range(31)) + " }",
            "TOO_MANY_ALIASES",
        ),
        ("{ " + "__typename " * 3001 + "}", "QUERY_TOO_LARGE"),
    ],
    ids=["eof", "unclosed", "unknown-field", "secret-field", "bad-arg", "deep", "aliases", "big"],
)
def test_bad_documents_get_200_and_a_stable_code(server: LiveServer, query: str, code: str) -> None:
    response = post(server, {"query": query})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body.get("data") is None
    assert [e["extensions"] for e in body["errors"]] == [{"code": code}]
    assert_no_internals(response)


def test_limits_leave_room_for_real_queries(server: LiveServer) -> None:
    for query in (
        deep_query(3),  # depth 12, the maximum
        "{ " + " ".join(f"a{i}: viewer {{ user {{ id }} }}" for i in range(30)) + " }",
    ):
        response = post(server, {"query": query})
        assert response.status_code == 200
        assert "errors" not in response.json(), response.text
    # 2,900 tokens are not too many (graphql-core's own budget for merging the 2,900 identical
    # fields refuses this document, with a validation error).
    response = post(server, {"query": "{ " + "__typename " * 2900 + "}"})
    assert response.json()["errors"][0]["extensions"]["code"] != "QUERY_TOO_LARGE"


def test_variable_of_the_wrong_type_gets_200_and_a_code(server: LiveServer) -> None:
    body = {
        "query": "query($n: Int!) { organisations(first: $n) { totalCount } }",
        "variables": {"n": "ten"},
    }
    response = post(server, body)
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert_no_internals(response)


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ("not json", JSON_HEADERS),
        ('{"query": ', JSON_HEADERS),
        ({"variables": {}}, JSON_HEADERS),  # no query
        ({"qeury": "{ __typename }"}, JSON_HEADERS),
        ({"query": 1}, JSON_HEADERS),
        ({"query": "{ __typename }", "variables": [7]}, JSON_HEADERS),
        ({"query": "{ __typename }"}, {"Accept": "application/json"}),  # no content type
    ],
    ids=["nonsense", "truncated", "no-query", "typo", "query-number", "variables-list", "no-ct"],
)
def test_requests_that_are_not_graphql_get_400(
    server: LiveServer, body: Any, headers: dict[str, str]
) -> None:
    response = post(server, body, headers)
    assert response.status_code == 400, response.text
    assert_no_internals(response)


def test_get_runs_queries_but_never_mutations(
    server: LiveServer, unique: Callable[[str], str], admin: GraphQLClient
) -> None:
    response = httpx.get(
        server.graphql_url,
        params={"query": "{ __typename }"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}

    with httpx.Client(timeout=30) as client:
        login = client.post(
            server.graphql_url,
            json={
                "query": "mutation($i: LoginInput!) { login(input: $i) { userErrors { code } } }",
                "variables": {"i": {"email": "admin@frontdesk.example", "password": DEMO_PASSWORD}},
            },
            headers={"Accept": "application/json"},
        )
        assert login.json()["data"]["login"]["userErrors"] == []
        name = unique("ViaGet")
        response = client.get(
            server.graphql_url,
            params={
                "query": "mutation($i: OrganisationCreateInput!) { organisationCreate(input: $i) "
                "{ organisation { id } } }",
                "variables": json.dumps({"i": {"name": name}}),
            },
            headers={"Accept": "application/json"},
        )
    assert response.status_code == 405  # GraphQL over HTTP: MUST be 405
    assert_no_internals(response)
    listed = admin.ok("{ organisations(first: 100) { nodes { name } } }")["organisations"]["nodes"]
    assert name not in [n["name"] for n in listed]


def test_get_mutation_is_405(server: LiveServer) -> None:
    response = httpx.get(
        server.graphql_url,
        params={"query": "mutation { logout { signedOut } }"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 405


# ---- masking of unexpected errors


def _throwaway_schema(mask: bool) -> strawberry.Schema:
    @strawberry.type
    class Query:
        @strawberry.field
        def boom(self) -> str:
            raise RuntimeError("secret detail: password=hunter2")

        @strawberry.field
        def refused(self) -> str:
            raise PublicError("You may not.", "FORBIDDEN")

        @strawberry.field
        def fine(self) -> str:
            return "ok"

    return strawberry.Schema(query=Query, extensions=[lambda: ErrorCodes(mask=mask)])


def test_unexpected_errors_are_masked_outside_development() -> None:
    result = _throwaway_schema(mask=True).execute_sync("{ fine boom }")
    assert result.data is None or result.data.get("fine") == "ok"
    assert result.errors is not None and len(result.errors) == 1
    error = result.errors[0]
    assert error.message == MASKED_MESSAGE == "Unexpected error."
    assert error.extensions == {"code": "INTERNAL_SERVER_ERROR"}
    assert error.original_error is None
    assert error.path == ["boom"]
    assert "hunter2" not in json.dumps(error.formatted)


def test_unexpected_errors_are_shown_in_development() -> None:
    result = _throwaway_schema(mask=False).execute_sync("{ boom }")
    assert result.errors is not None
    error = result.errors[0]
    assert error.message == "secret detail: password=hunter2"
    assert error.extensions == {"code": "INTERNAL_SERVER_ERROR"}
    assert isinstance(error.original_error, RuntimeError)


@pytest.mark.parametrize("mask", [True, False])
def test_expected_errors_are_never_masked(mask: bool) -> None:
    schema = _throwaway_schema(mask=mask)
    result = schema.execute_sync("{ refused }")
    assert result.errors is not None
    assert (result.errors[0].message, result.errors[0].extensions) == (
        "You may not.",
        {"code": "FORBIDDEN"},
    )
    result = schema.execute_sync("{ nope }")
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "GRAPHQL_VALIDATION_FAILED"}
    assert "nope" in result.errors[0].message


@pytest.mark.parametrize(
    ("env", "masked"), [("production", True), ("test", True), ("development", False)]
)
def test_masking_follows_the_environment(env: str, masked: bool) -> None:
    extensions = [make() for make in schema_extensions(Settings(env=env))]
    codes = [e for e in extensions if isinstance(e, ErrorCodes)]
    assert len(codes) == 1
    assert codes[0].mask is masked


def test_internal_errors_in_the_real_schema_are_masked(server: LiveServer) -> None:
    """The test server runs outside development mode: its ErrorCodes masks."""
    assert not server.settings.is_development
    schema = build_schema(server.settings)
    extensions = schema.get_extensions()
    assert [e.mask for e in extensions if isinstance(e, ErrorCodes)] == [True]
    error = GraphQLError("boom", original_error=RuntimeError("internal"))
    processed = ErrorCodes(mask=True)._process(error)
    assert (processed.message, processed.extensions) == (
        MASKED_MESSAGE,
        {"code": "INTERNAL_SERVER_ERROR"},
    )


# ---- the committed schema


def test_committed_schema_matches_the_code() -> None:
    committed = SCHEMA_FILE.read_text()
    current = export_sdl(build_schema(Settings()))
    assert committed == current, (
        "backend/schema/schema.graphql is stale: run `frontdesk export-schema`"
    )


# ---- a constant number of SQL statements


def count_statements(server: LiveServer, client: GraphQLClient, n: int) -> tuple[int, Any]:
    server.counter.reset()
    data = client.ok(VIEWER_MEMBERS, n=n)
    return server.counter.count, data


# Statements for the viewer query, whatever the page size: the session (with its user), the
# viewer's memberships (for the policies), the memberships field, the organisations, one page
# of members for all organisations, and their users.
VIEWER_MEMBERS_STATEMENTS = 6


def test_statement_count_does_not_grow_with_the_page_size_demo(
    server: LiveServer, client_factory: Callable[..., GraphQLClient]
) -> None:
    alice = client_factory("alice@acme.example")
    few, few_data = count_statements(server, alice, 5)
    many, many_data = count_statements(server, alice, 50)
    (acme,) = few_data["viewer"]["memberships"]
    assert len(acme["organisation"]["members"]["nodes"]) == 5
    (acme,) = many_data["viewer"]["memberships"]
    assert len(acme["organisation"]["members"]["nodes"]) == 6  # Acme Exams has 6 members
    assert few == many == VIEWER_MEMBERS_STATEMENTS, server.counter.statements


def test_statement_count_does_not_grow_with_page_size_or_organisations(
    server: LiveServer,
    admin: GraphQLClient,
    factory: Factory,
    client_factory: Callable[..., GraphQLClient],
) -> None:
    person = factory.user()
    big, small, third = new_org(factory), new_org(factory), new_org(factory)
    for org, size in ((big, 60), (small, 8), (third, 2)):
        for _ in range(size):
            add_by_email(admin, org["id"], f"{factory.unique('m')}@example.com")
        role = "SUPER_USER" if org is big else "MEMBER"
        payload = admin.ok(
            MEMBER_ADD, input={"organisationId": org["id"], "userId": person["id"], "role": role}
        )["organisationMemberAdd"]
        assert payload["userErrors"] == []
    client = client_factory(person["email"], password=person["password"])

    few, few_data = count_statements(server, client, 5)
    many, many_data = count_statements(server, client, 50)
    sizes = {
        5: [len(m["organisation"]["members"]["nodes"]) for m in few_data["viewer"]["memberships"]],
        50: [
            len(m["organisation"]["members"]["nodes"]) for m in many_data["viewer"]["memberships"]
        ],
    }
    assert sizes == {5: [5, 5, 3], 50: [50, 9, 3]}
    assert few == many == VIEWER_MEMBERS_STATEMENTS, server.counter.statements
