"""Organisations, memberships, the super-user cap, teams and who may manage them.

Every test runs against SQLite and PostgreSQL through a real server (the `server` fixture).
Tests share one server per backend, so each creates its own organisations and users; the demo
accounts are only used where a test writes nothing.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import Select, select

from backend.db.engine import Database
from backend.db.models import MailOutbox, Organisation, Team, User
from backend.domain import global_ids
from backend.schema.relay import encode_id
from tests.conftest import Factory
from tests.support.client import GraphQLClient
from tests.support.server import LiveServer

ERRORS = "userErrors { field code message }"

ORG_CREATE = f"""mutation($input: OrganisationCreateInput!) {{ organisationCreate(input: $input) {{
    organisation {{ id name superUserCap }} {ERRORS} }} }}"""
ORG_UPDATE = f"""mutation($input: OrganisationUpdateInput!) {{ organisationUpdate(input: $input) {{
    organisation {{ id name superUserCap }} {ERRORS} }} }}"""
MEMBER_ADD = f"""mutation($input: OrganisationMemberAddInput!) {{
    organisationMemberAdd(input: $input) {{
        membership {{ id role user {{ id email role displayName }} organisation {{ id }} }}
        {ERRORS} }} }}"""
MEMBER_UPDATE = f"""mutation($input: OrganisationMemberUpdateInput!) {{
    organisationMemberUpdate(input: $input) {{
        membership {{ id role user {{ id }} }} {ERRORS} }} }}"""
MEMBER_REMOVE = f"""mutation($input: OrganisationMemberRemoveInput!) {{
    organisationMemberRemove(input: $input) {{
        organisation {{ id }} removedMembershipId {ERRORS} }} }}"""
USER_CREATE = f"""mutation($input: UserCreateInput!) {{ userCreate(input: $input) {{
    user {{ id email role displayName }} {ERRORS} }} }}"""
USER_UPDATE = f"""mutation($input: UserUpdateInput!) {{ userUpdate(input: $input) {{
    user {{ id }} {ERRORS} }} }}"""
TEAM_UPDATE = f"""mutation($input: TeamUpdateInput!) {{ teamUpdate(input: $input) {{
    team {{ name }} {ERRORS} }} }}"""
TEAM_CREATE = f"""mutation($input: TeamCreateInput!) {{ teamCreate(input: $input) {{
    team {{ id name description }} {ERRORS} }} }}"""
TEAM_MEMBER_ADD = f"""mutation($input: TeamMemberAddInput!) {{ teamMemberAdd(input: $input) {{
    team {{ id members {{ totalCount nodes {{ id }} }} }} {ERRORS} }} }}"""
TEAM_MEMBER_REMOVE = f"""mutation($input: TeamMemberRemoveInput!) {{
    teamMemberRemove(input: $input) {{ team {{ id members {{ totalCount nodes {{ id }} }} }}
    {ERRORS} }} }}"""

ORGANISATION = """query($id: ID!) { node(id: $id) { ... on Organisation {
    id name superUserCap
    members(first: 100) { totalCount nodes { id role user { id email } } } } } }"""
TEAM = """query($id: ID!) { node(id: $id) { ... on Team {
    id name members(first: 100) { totalCount nodes { id email } } } } }"""
MY_ORGANISATIONS = "{ viewer { memberships { role organisation { id name } } } }"

UNKNOWN_PK = 987_654_321


# ---- helpers


def db_rows(server: LiveServer, statement: Select[Any]) -> list[Any]:
    """Rows read directly from the server's database (a fresh engine, disposed after)."""

    async def main() -> list[Any]:
        db = Database.from_settings(server.settings)
        try:
            async with db.read() as session:
                return list((await session.execute(statement)).all())
        finally:
            await db.dispose()

    return asyncio.run(main())


def mutate(client: GraphQLClient, field: str, query: str, /, **input: Any) -> dict[str, Any]:
    """The payload of mutation `field`. (GraphQLClient.mutate cannot take an input field called
    `name`: its own first parameter is `name`; the same clash breaks Factory.organisation.)"""
    return client.ok(query, input=input)[field]


def new_org(factory: Factory, cap: int | None = None) -> dict[str, Any]:
    """A fresh organisation created by the admin (default cap unless given)."""
    payload = mutate(
        factory.admin,
        "organisationCreate",
        ORG_CREATE,
        name=factory.unique("Org"),
        **({"superUserCap": cap} if cap is not None else {}),
    )
    assert payload["userErrors"] == [], payload
    return dict(payload["organisation"])


def members(admin: GraphQLClient, org_id: str) -> dict[str, str]:
    """user id -> role, as the admin sees the organisation."""
    node = admin.ok(ORGANISATION, id=org_id)["node"]
    connection = node["members"]
    assert connection["totalCount"] == len(connection["nodes"])
    return {m["user"]["id"]: m["role"] for m in connection["nodes"]}


def organisation(admin: GraphQLClient, org_id: str) -> dict[str, Any]:
    return admin.ok(ORGANISATION, id=org_id)["node"]


def add(client: GraphQLClient, org_id: str, **input: Any) -> dict[str, Any]:
    return mutate(client, "organisationMemberAdd", MEMBER_ADD, organisationId=org_id, **input)


def codes(payload: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in payload["userErrors"]]


def org_of(client: GraphQLClient, name: str) -> str:
    """ID of one of the signed-in customer's organisations, by name."""
    for membership in client.ok(MY_ORGANISATIONS)["viewer"]["memberships"]:
        if membership["organisation"]["name"] == name:
            return str(membership["organisation"]["id"])
    raise AssertionError(f"not a member of {name}")


def user_id_of(client: GraphQLClient) -> str:
    return str(client.ok("{ viewer { user { id } } }")["viewer"]["user"]["id"])


@pytest.fixture
def org_with_super_user(
    factory: Factory, client_factory: Callable[..., GraphQLClient]
) -> tuple[dict[str, Any], dict[str, Any], GraphQLClient]:
    """A fresh organisation (default cap) with one super user, signed in."""
    org = new_org(factory)
    boss = factory.user()
    assert factory.add_member(org["id"], boss["id"], "SUPER_USER")["userErrors"] == []
    return org, boss, client_factory(boss["email"], password=boss["password"])


# ---- admins create things


def test_admin_creates_organisations_users_and_teams(
    admin: GraphQLClient, factory: Factory, unique: Callable[[str], str], server: LiveServer
) -> None:
    name = unique("Org")
    created = mutate(admin, "organisationCreate", ORG_CREATE, name=f"  {name}  ")
    assert created["userErrors"] == []
    assert created["organisation"]["name"] == name  # trimmed
    assert created["organisation"]["superUserCap"] == 4  # the configured default
    assert organisation(admin, created["organisation"]["id"])["members"]["totalCount"] == 0

    capped = mutate(admin, "organisationCreate", ORG_CREATE, name=unique("Org"), superUserCap=2)
    assert capped["organisation"]["superUserCap"] == 2

    # Names are unique regardless of case; caps must be sensible.
    taken = mutate(admin, "organisationCreate", ORG_CREATE, name=name.upper())
    assert (taken["organisation"], codes(taken)) == (None, [("NAME_TAKEN", ["input", "name"])])
    for cap in (0, -1, 1001):
        bad = mutate(admin, "organisationCreate", ORG_CREATE, name=unique("Org"), superUserCap=cap)
        assert codes(bad) == [("OUT_OF_RANGE", ["input", "superUserCap"])], cap
    blank = mutate(admin, "organisationCreate", ORG_CREATE, name="   ")
    assert codes(blank) == [("REQUIRED", ["input", "name"])]

    # Users of every role; e-mail addresses are unique regardless of case.
    for role in ("CUSTOMER", "AGENT", "ADMIN"):
        assert factory.user(role)["role"] == role
    email = f"{unique('new')}@Example.com"
    made = mutate(
        admin,
        "userCreate",
        USER_CREATE,
        email=email,
        displayName="New Person",
        password="long-enough-pw",
    )
    assert made["userErrors"] == []
    assert made["user"] == {**made["user"], "email": email.lower(), "role": "CUSTOMER"}
    again = mutate(
        admin,
        "userCreate",
        USER_CREATE,
        email=email.upper(),
        displayName="Twin",
        password="long-enough-pw",
    )
    assert (again["user"], codes(again)) == (None, [("EMAIL_TAKEN", ["input", "email"])])

    # Without a password the new user gets an invitation mail instead.
    invited = f"{unique('invited')}@example.com"
    made = mutate(admin, "userCreate", USER_CREATE, email=invited, displayName="Invited")
    assert made["userErrors"] == []
    mails = db_rows(server, select(MailOutbox.kind).where(MailOutbox.to_address == invited))
    assert [m.kind for m in mails] == ["invitation"]

    team_name = unique("Team")
    team = mutate(admin, "teamCreate", TEAM_CREATE, name=team_name, description="Things")
    assert team["userErrors"] == []
    assert team["team"]["name"] == team_name
    twin = mutate(admin, "teamCreate", TEAM_CREATE, name=team_name.lower())
    assert (twin["team"], codes(twin)) == (None, [("NAME_TAKEN", ["input", "name"])])


# ---- the super-user cap


def test_fifth_super_user_is_refused_and_nothing_is_written(
    admin: GraphQLClient, factory: Factory
) -> None:
    org = new_org(factory)
    assert org["superUserCap"] == 4
    supers = [factory.user() for _ in range(4)]
    for person in supers:
        assert factory.add_member(org["id"], person["id"], "SUPER_USER")["userErrors"] == []
    fifth = factory.user()

    refused = factory.add_member(org["id"], fifth["id"], "SUPER_USER")
    assert refused["membership"] is None
    assert codes(refused) == [("SUPER_USER_CAP_REACHED", ["input", "role"])]
    assert "4" in refused["userErrors"][0]["message"]

    expected = {p["id"]: "SUPER_USER" for p in supers}
    assert members(admin, org["id"]) == expected

    # As a plain member the fifth person is welcome; a promotion beyond the cap is not.
    assert factory.add_member(org["id"], fifth["id"], "MEMBER")["userErrors"] == []
    promoted = mutate(
        admin,
        "organisationMemberUpdate",
        MEMBER_UPDATE,
        organisationId=org["id"],
        userId=fifth["id"],
        role="SUPER_USER",
    )
    assert promoted["membership"] is None
    assert codes(promoted) == [("SUPER_USER_CAP_REACHED", ["input", "role"])]
    assert members(admin, org["id"]) == {**expected, fifth["id"]: "MEMBER"}

    # Making room (a demotion) allows the promotion.
    demoted = mutate(
        admin,
        "organisationMemberUpdate",
        MEMBER_UPDATE,
        organisationId=org["id"],
        userId=supers[0]["id"],
        role="MEMBER",
    )
    assert demoted["userErrors"] == []
    assert demoted["membership"]["role"] == "MEMBER"
    promoted = mutate(
        admin,
        "organisationMemberUpdate",
        MEMBER_UPDATE,
        organisationId=org["id"],
        userId=fifth["id"],
        role="SUPER_USER",
    )
    assert promoted["userErrors"] == []
    assert promoted["membership"]["role"] == "SUPER_USER"

    # The cap is per organisation: the same people may be super users elsewhere.
    other = new_org(factory)
    for person in [*supers, fifth][:4]:
        assert factory.add_member(other["id"], person["id"], "SUPER_USER")["userErrors"] == []


def test_concurrent_super_user_adds_respect_the_cap(
    admin: GraphQLClient, factory: Factory, server: LiveServer
) -> None:
    """Six requests race for the one free super-user seat: exactly one gets it."""
    org = new_org(factory)
    for _ in range(3):
        assert factory.add_member(org["id"], factory.user()["id"], "SUPER_USER")["userErrors"] == []
    racers = [factory.user()["id"] for _ in range(6)]
    cookies = dict(admin.cookies.items())
    barrier = threading.Barrier(len(racers))

    def race(user_id: str) -> list[str]:
        with httpx.Client(cookies=cookies, timeout=60) as client:
            barrier.wait()
            response = client.post(
                server.graphql_url,
                json={
                    "query": MEMBER_ADD,
                    "variables": {
                        "input": {
                            "organisationId": org["id"],
                            "userId": user_id,
                            "role": "SUPER_USER",
                        }
                    },
                },
                headers={"Accept": "application/json"},
            )
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body
        return [e["code"] for e in body["data"]["organisationMemberAdd"]["userErrors"]]

    with ThreadPoolExecutor(len(racers)) as pool:
        outcomes = list(pool.map(race, racers))
    assert sorted(outcomes) == [[]] + [["SUPER_USER_CAP_REACHED"]] * 5
    assert sorted(members(admin, org["id"]).values()) == ["SUPER_USER"] * 4


def test_custom_cap_and_lowering_it_below_the_current_count(
    admin: GraphQLClient, factory: Factory
) -> None:
    org = new_org(factory, cap=2)
    a, b, c = factory.user(), factory.user(), factory.user()
    assert factory.add_member(org["id"], a["id"], "SUPER_USER")["userErrors"] == []
    assert factory.add_member(org["id"], b["id"], "SUPER_USER")["userErrors"] == []
    third = factory.add_member(org["id"], c["id"], "SUPER_USER")
    assert codes(third) == [("SUPER_USER_CAP_REACHED", ["input", "role"])]

    lowered = mutate(admin, "organisationUpdate", ORG_UPDATE, id=org["id"], superUserCap=1)
    assert lowered["organisation"] is None
    assert codes(lowered) == [("BELOW_CURRENT", ["input", "superUserCap"])]
    assert organisation(admin, org["id"])["superUserCap"] == 2

    # A failing field leaves the other fields of the same input unwritten too.
    both = mutate(
        admin,
        "organisationUpdate",
        ORG_UPDATE,
        id=org["id"],
        name=org["name"] + "-x",
        superUserCap=1,
    )
    assert codes(both) == [("BELOW_CURRENT", ["input", "superUserCap"])]
    assert organisation(admin, org["id"])["name"] == org["name"]

    zero = mutate(admin, "organisationUpdate", ORG_UPDATE, id=org["id"], superUserCap=0)
    assert codes(zero) == [("OUT_OF_RANGE", ["input", "superUserCap"])]

    # Equal to the current count is fine; raising it makes room.
    same = mutate(admin, "organisationUpdate", ORG_UPDATE, id=org["id"], superUserCap=2)
    assert same["userErrors"] == [] and same["organisation"]["superUserCap"] == 2
    raised = mutate(admin, "organisationUpdate", ORG_UPDATE, id=org["id"], superUserCap=3)
    assert raised["organisation"]["superUserCap"] == 3
    assert factory.add_member(org["id"], c["id"], "SUPER_USER")["userErrors"] == []
    assert sorted(members(admin, org["id"]).values()) == ["SUPER_USER"] * 3


def test_user_in_several_organisations(
    admin: GraphQLClient, factory: Factory, client_factory: Callable[..., GraphQLClient]
) -> None:
    first, second, elsewhere = (
        new_org(factory),
        new_org(factory),
        new_org(factory),
    )
    person = factory.user()
    assert factory.add_member(first["id"], person["id"], "SUPER_USER")["userErrors"] == []
    assert factory.add_member(second["id"], person["id"], "MEMBER")["userErrors"] == []
    twice = factory.add_member(second["id"], person["id"], "SUPER_USER")
    assert codes(twice) == [("ALREADY_MEMBER", ["input", "userId"])]
    assert members(admin, second["id"]) == {person["id"]: "MEMBER"}

    client = client_factory(person["email"], password=person["password"])
    roles = {
        m["organisation"]["id"]: m["role"]
        for m in client.ok(MY_ORGANISATIONS)["viewer"]["memberships"]
    }
    assert roles == {first["id"]: "SUPER_USER", second["id"]: "MEMBER"}
    listed = client.ok("{ organisations(first: 100) { totalCount nodes { id } } }")
    assert listed["organisations"]["totalCount"] == 2
    assert {n["id"] for n in listed["organisations"]["nodes"]} == {first["id"], second["id"]}
    assert client.ok(ORGANISATION, id=elsewhere["id"])["node"] is None

    # Only customers belong to organisations.
    agent = factory.user("AGENT")
    refused = factory.add_member(first["id"], agent["id"])
    assert codes(refused) == [("NOT_A_CUSTOMER", ["input", "userId"])]


# ---- super users manage their own organisation


def test_super_user_adds_and_removes_members_of_their_organisation(
    admin: GraphQLClient,
    factory: Factory,
    org_with_super_user: tuple[dict[str, Any], dict[str, Any], GraphQLClient],
) -> None:
    org, boss, client = org_with_super_user
    newcomer = factory.user()

    added = add(client, org["id"], userId=newcomer["id"])
    assert added["userErrors"] == []
    assert added["membership"]["role"] == "MEMBER"
    assert added["membership"]["user"]["id"] == newcomer["id"]
    assert added["membership"]["organisation"]["id"] == org["id"]
    assert members(admin, org["id"]) == {boss["id"]: "SUPER_USER", newcomer["id"]: "MEMBER"}

    removed = mutate(
        client,
        "organisationMemberRemove",
        MEMBER_REMOVE,
        organisationId=org["id"],
        userId=newcomer["id"],
    )
    assert removed["userErrors"] == []
    assert removed["organisation"]["id"] == org["id"]
    assert removed["removedMembershipId"] == added["membership"]["id"]
    assert members(admin, org["id"]) == {boss["id"]: "SUPER_USER"}

    gone = mutate(
        client,
        "organisationMemberRemove",
        MEMBER_REMOVE,
        organisationId=org["id"],
        userId=newcomer["id"],
    )
    assert codes(gone) == [("NOT_FOUND", ["input", "userId"])]

    # Within the cap a super user may add super users too.
    deputies = [factory.user() for _ in range(4)]
    for deputy in deputies[:3]:
        payload = add(client, org["id"], userId=deputy["id"], role="SUPER_USER")
        assert payload["userErrors"] == []
    over = add(client, org["id"], userId=deputies[3]["id"], role="SUPER_USER")
    assert codes(over) == [("SUPER_USER_CAP_REACHED", ["input", "role"])]
    assert len(members(admin, org["id"])) == 4

    neither = add(client, org["id"])
    assert codes(neither) == [("REQUIRED", ["input", "userId"])]


def test_super_user_adds_a_member_by_email(
    admin: GraphQLClient,
    factory: Factory,
    unique: Callable[[str], str],
    server: LiveServer,
    org_with_super_user: tuple[dict[str, Any], dict[str, Any], GraphQLClient],
) -> None:
    org, boss, client = org_with_super_user
    email = f"{unique('colleague')}@example.com"

    added = add(client, org["id"], email=f" {email.upper()} ", displayName="Col League")
    assert added["userErrors"] == []
    new_user = added["membership"]["user"]
    assert new_user["email"] == email
    assert new_user["role"] == "CUSTOMER"
    assert new_user["displayName"] == "Col League"
    assert members(admin, org["id"]) == {boss["id"]: "SUPER_USER", new_user["id"]: "MEMBER"}

    accounts = db_rows(server, select(User.password_hash, User.role).where(User.email == email))
    assert [(a.password_hash, a.role) for a in accounts] == [(None, "CUSTOMER")]
    mails = db_rows(
        server, select(MailOutbox.kind, MailOutbox.body).where(MailOutbox.to_address == email)
    )
    assert [m.kind for m in mails] == ["invitation"]
    assert server.settings.public_url in mails[0].body

    # Without a display name the address's local part is used.
    plain = f"{unique('plain')}@example.com"
    payload = add(client, org["id"], email=plain)
    assert payload["membership"]["user"]["displayName"] == plain.split("@")[0]

    # An existing customer's address adds that account: no second account, no mail.
    existing = factory.user()
    payload = add(client, org["id"], email=existing["email"])
    assert payload["membership"]["user"]["id"] == existing["id"]
    assert (
        db_rows(server, select(MailOutbox.id).where(MailOutbox.to_address == existing["email"]))
        == []
    )

    bad = add(client, org["id"], email="not an address")
    assert codes(bad) == [("INVALID_EMAIL", ["input", "email"])]


def test_refused_add_by_email_writes_nothing(
    factory: Factory,
    unique: Callable[[str], str],
    server: LiveServer,
    org_with_super_user: tuple[dict[str, Any], dict[str, Any], GraphQLClient],
) -> None:
    org, _boss, client = org_with_super_user
    for _ in range(3):
        assert (
            add(client, org["id"], userId=factory.user()["id"], role="SUPER_USER")["userErrors"]
            == []
        )
    email = f"{unique('too-many')}@example.com"
    refused = add(client, org["id"], email=email, role="SUPER_USER")
    assert codes(refused) == [("SUPER_USER_CAP_REACHED", ["input", "role"])]
    # The account and its invitation were part of the same transaction: rolled back.
    assert db_rows(server, select(User.id).where(User.email == email)) == []
    assert db_rows(server, select(MailOutbox.id).where(MailOutbox.to_address == email)) == []


def test_super_user_may_do_nothing_more(
    factory: Factory,
    unique: Callable[[str], str],
    server: LiveServer,
    org_with_super_user: tuple[dict[str, Any], dict[str, Any], GraphQLClient],
) -> None:
    org, _boss, client = org_with_super_user
    raised = mutate(client, "organisationUpdate", ORG_UPDATE, id=org["id"], superUserCap=10)
    renamed = mutate(client, "organisationUpdate", ORG_UPDATE, id=org["id"], name=unique("Mine"))
    for payload in (raised, renamed):
        assert (payload["organisation"], codes(payload)) == (None, [("FORBIDDEN", None)])
    rows = db_rows(
        server,
        select(Organisation.name, Organisation.super_user_cap).where(
            Organisation.name == org["name"]
        ),
    )
    assert [(r.name, r.super_user_cap) for r in rows] == [(org["name"], 4)]

    agent = factory.user("AGENT")
    team = mutate(factory.admin, "teamCreate", TEAM_CREATE, name=unique("Team"))["team"]
    joined = mutate(client, "teamMemberAdd", TEAM_MEMBER_ADD, teamId=team["id"], userId=agent["id"])
    assert codes(joined) == [("FORBIDDEN", None)]


def test_super_user_managing_another_organisation_gets_not_found(
    admin: GraphQLClient,
    factory: Factory,
    client_factory: Callable[..., GraphQLClient],
    org_with_super_user: tuple[dict[str, Any], dict[str, Any], GraphQLClient],
) -> None:
    _org, _boss, client = org_with_super_user
    other = new_org(factory)
    insider, outsider = factory.user(), factory.user()
    assert factory.add_member(other["id"], insider["id"], "SUPER_USER")["userErrors"] == []
    before = members(admin, other["id"])

    attempts = [
        mutate(
            client,
            "organisationMemberAdd",
            MEMBER_ADD,
            organisationId=other["id"],
            userId=outsider["id"],
        ),
        mutate(
            client,
            "organisationMemberAdd",
            MEMBER_ADD,
            organisationId=other["id"],
            email="x@example.com",
        ),
        mutate(
            client,
            "organisationMemberUpdate",
            MEMBER_UPDATE,
            organisationId=other["id"],
            userId=insider["id"],
            role="MEMBER",
        ),
        mutate(
            client,
            "organisationMemberRemove",
            MEMBER_REMOVE,
            organisationId=other["id"],
            userId=insider["id"],
        ),
    ]
    for payload in attempts:
        assert codes(payload) == [("NOT_FOUND", ["input", "organisationId"])]
        # Exactly the answer for an organisation that does not exist.
        assert payload["userErrors"][0]["message"] == "Organisation not found."
    assert members(admin, other["id"]) == before

    # The demo super user alice (Acme) cannot touch Globex either.
    alice = client_factory("alice@acme.example")
    carol = client_factory("carol@globex.example")
    globex = org_of(carol, "Globex Cloud")
    attempt = mutate(
        alice,
        "organisationMemberRemove",
        MEMBER_REMOVE,
        organisationId=globex,
        userId=user_id_of(carol),
    )
    assert codes(attempt) == [("NOT_FOUND", ["input", "organisationId"])]
    assert org_of(carol, "Globex Cloud") == globex


def test_plain_member_gets_forbidden(
    admin: GraphQLClient,
    factory: Factory,
    client_factory: Callable[..., GraphQLClient],
    org_with_super_user: tuple[dict[str, Any], dict[str, Any], GraphQLClient],
) -> None:
    org, boss, _client = org_with_super_user
    member = factory.user()
    assert factory.add_member(org["id"], member["id"], "MEMBER")["userErrors"] == []
    client = client_factory(member["email"], password=member["password"])
    before = members(admin, org["id"])

    attempts = [
        add(client, org["id"], userId=factory.user()["id"]),
        add(client, org["id"], email="someone-new@example.com"),
        mutate(
            client,
            "organisationMemberUpdate",
            MEMBER_UPDATE,
            organisationId=org["id"],
            userId=member["id"],
            role="SUPER_USER",
        ),
        mutate(
            client,
            "organisationMemberRemove",
            MEMBER_REMOVE,
            organisationId=org["id"],
            userId=boss["id"],
        ),
    ]
    for payload in attempts:
        assert codes(payload) == [("FORBIDDEN", None)]
    assert members(admin, org["id"]) == before

    # Demo data: bob is a plain member of Acme.
    bob = client_factory("bob@acme.example")
    acme = org_of(bob, "Acme Exams")
    attempt = mutate(
        bob, "organisationMemberRemove", MEMBER_REMOVE, organisationId=acme, userId=user_id_of(bob)
    )
    assert codes(attempt) == [("FORBIDDEN", None)]
    assert org_of(bob, "Acme Exams") == acme


# ---- admin mutations for everybody else


@pytest.mark.parametrize(
    "email", ["carol@globex.example", "dave@globex.example", "agent@frontdesk.example"]
)
def test_customers_and_agents_cannot_call_admin_mutations(
    email: str,
    factory: Factory,
    client_factory: Callable[..., GraphQLClient],
    unique: Callable[[str], str],
    server: LiveServer,
) -> None:
    client = client_factory(email)
    org = new_org(factory)
    org_name, team_name, new_email = unique("Org"), unique("Team"), f"{unique('u')}@example.com"
    customer = factory.user()
    attempts = [
        mutate(client, "organisationCreate", ORG_CREATE, name=org_name),
        mutate(client, "organisationUpdate", ORG_UPDATE, id=org["id"], superUserCap=9),
        mutate(client, "teamCreate", TEAM_CREATE, name=team_name),
        mutate(
            client,
            "userCreate",
            USER_CREATE,
            email=new_email,
            displayName="Nope",
            role="ADMIN",
            password="long-enough-pw",
        ),
        mutate(
            client,
            "userUpdate",
            USER_UPDATE,
            id=customer["id"],
            role="ADMIN",
        ),
    ]
    for payload in attempts:
        assert codes(payload) == [("FORBIDDEN", None)], payload
    assert db_rows(server, select(Organisation.id).where(Organisation.name == org_name)) == []
    assert db_rows(server, select(Team.id).where(Team.name == team_name)) == []
    assert db_rows(server, select(User.id).where(User.email == new_email)) == []
    assert factory.admin.ok(ORGANISATION, id=org["id"])["node"]["superUserCap"] == 4
    roles = db_rows(server, select(User.role).where(User.email == customer["email"]))
    assert [r.role for r in roles] == ["CUSTOMER"]


def test_agent_may_not_manage_members(
    admin: GraphQLClient, factory: Factory, client_factory: Callable[..., GraphQLClient]
) -> None:
    agent = client_factory("agent@frontdesk.example")
    org = new_org(factory)
    payload = add(agent, org["id"], userId=factory.user()["id"])
    assert codes(payload) == [("FORBIDDEN", None)]
    assert members(admin, org["id"]) == {}


def test_anonymous_gets_unauthenticated(
    anonymous: GraphQLClient, unique: Callable[[str], str], server: LiveServer
) -> None:
    name = unique("Org")
    for query, input in [
        (ORG_CREATE, {"name": name}),
        (TEAM_CREATE, {"name": name}),
        (USER_CREATE, {"email": "anon@example.com", "displayName": "Anon"}),
        (MEMBER_ADD, {"organisationId": encode_id("Organisation", 1), "email": "a@example.com"}),
    ]:
        result = anonymous.execute(query, input=input)
        assert result.data is None
        assert result.codes == ["UNAUTHENTICATED"]
        assert result.errors is not None and result.errors[0]["message"] == "Sign in first."
    assert db_rows(server, select(Organisation.id).where(Organisation.name == name)) == []


# ---- IDs in inputs


def test_ids_of_the_wrong_type_are_invalid(admin: GraphQLClient, factory: Factory) -> None:
    org, person, agent = new_org(factory), factory.user(), factory.user("AGENT")
    team = mutate(admin, "teamCreate", TEAM_CREATE, name=factory.unique("Team"))["team"]

    payload = add(admin, person["id"], userId=person["id"])  # a User ID as organisationId
    assert codes(payload) == [("INVALID_ID", ["input", "organisationId"])]
    assert "Organisation" in payload["userErrors"][0]["message"]
    payload = add(admin, org["id"], userId=org["id"])
    assert codes(payload) == [("INVALID_ID", ["input", "userId"])]
    payload = mutate(admin, "organisationUpdate", ORG_UPDATE, id=team["id"], name="x")
    assert codes(payload) == [("INVALID_ID", ["input", "id"])]
    payload = mutate(admin, "teamMemberAdd", TEAM_MEMBER_ADD, teamId=org["id"], userId=agent["id"])
    assert codes(payload) == [("INVALID_ID", ["input", "teamId"])]
    payload = mutate(
        admin,
        "organisationMemberRemove",
        MEMBER_REMOVE,
        organisationId=org["id"],
        userId=team["id"],
    )
    assert codes(payload) == [("INVALID_ID", ["input", "userId"])]
    assert members(admin, org["id"]) == {}


# "{type}" is filled in with the type each field expects: only the number is wrong there.
GARBAGE = ["", "not-an-id", "%%%", "VXNlcjo", "VXNlcjphYmM", "🙂", "{type}:-1", "{type}:1e3"]
# Keys are 32-bit: a bigger number names no row (and must not reach PostgreSQL).
GARBAGE += ["{type}:2147483648", "{type}:100000000000000000"]


def garbage_id(template: str, type_name: str) -> str:
    if "{type}" not in template:
        return template
    return global_ids.b64encode(template.format(type=type_name))


def test_garbage_ids_are_invalid(admin: GraphQLClient, factory: Factory) -> None:
    org, person, agent = new_org(factory), factory.user(), factory.user("AGENT")
    for garbage in GARBAGE:
        payload = add(admin, garbage_id(garbage, "Organisation"), userId=person["id"])
        assert codes(payload) == [("INVALID_ID", ["input", "organisationId"])], garbage
        assert payload["userErrors"][0]["message"] == "Not a valid ID."
        payload = add(admin, org["id"], userId=garbage_id(garbage, "User"))
        assert codes(payload) == [("INVALID_ID", ["input", "userId"])], garbage
        payload = mutate(
            admin,
            "organisationUpdate",
            ORG_UPDATE,
            id=garbage_id(garbage, "Organisation"),
            name="x",
        )
        assert codes(payload) == [("INVALID_ID", ["input", "id"])], garbage
        payload = mutate(
            admin,
            "teamMemberAdd",
            TEAM_MEMBER_ADD,
            teamId=garbage_id(garbage, "Team"),
            userId=agent["id"],
        )
        assert codes(payload) == [("INVALID_ID", ["input", "teamId"])], garbage
    assert members(admin, org["id"]) == {}


def test_unknown_ids_are_not_found(admin: GraphQLClient, factory: Factory) -> None:
    org, person, agent = new_org(factory), factory.user(), factory.user("AGENT")
    team = mutate(admin, "teamCreate", TEAM_CREATE, name=factory.unique("Team"))["team"]
    for pk in (UNKNOWN_PK, 0, 2**31 - 1):
        no_org, no_user, no_team = (
            encode_id("Organisation", pk),
            encode_id("User", pk),
            encode_id("Team", pk),
        )
        expected = {
            "organisationId": add(admin, no_org, userId=person["id"]),
            "userId": add(admin, org["id"], userId=no_user),
            "id": mutate(admin, "organisationUpdate", ORG_UPDATE, id=no_org, name="x"),
        }
        for field, payload in expected.items():
            assert codes(payload) == [("NOT_FOUND", ["input", field])], (pk, field)
        payload = mutate(
            admin,
            "organisationMemberRemove",
            MEMBER_REMOVE,
            organisationId=org["id"],
            userId=no_user,
        )
        assert codes(payload) == [("NOT_FOUND", ["input", "userId"])]
        payload = mutate(
            admin, "teamMemberAdd", TEAM_MEMBER_ADD, teamId=no_team, userId=agent["id"]
        )
        assert codes(payload) == [("NOT_FOUND", ["input", "teamId"])]
        payload = mutate(admin, "teamMemberAdd", TEAM_MEMBER_ADD, teamId=team["id"], userId=no_user)
        assert codes(payload) == [("NOT_FOUND", ["input", "userId"])]
        payload = mutate(admin, "userUpdate", USER_UPDATE, id=no_user, displayName="Ghost")
        assert codes(payload) == [("NOT_FOUND", ["input", "id"])]
    assert members(admin, org["id"]) == {}


# ---- teams


def test_teams_of_agents(
    admin: GraphQLClient,
    factory: Factory,
    client_factory: Callable[..., GraphQLClient],
    unique: Callable[[str], str],
) -> None:
    team = mutate(admin, "teamCreate", TEAM_CREATE, name=unique("Team"), description=" Dev ")
    assert team["userErrors"] == [] and team["team"]["description"] == "Dev"
    team_id = team["team"]["id"]
    agent, other_admin, customer = factory.user("AGENT"), factory.user("ADMIN"), factory.user()

    for person in (agent, other_admin):
        payload = mutate(
            admin, "teamMemberAdd", TEAM_MEMBER_ADD, teamId=team_id, userId=person["id"]
        )
        assert payload["userErrors"] == []
    assert payload["team"]["members"]["totalCount"] == 2
    assert [n["id"] for n in payload["team"]["members"]["nodes"]] == [
        agent["id"],
        other_admin["id"],
    ]

    refused = mutate(admin, "teamMemberAdd", TEAM_MEMBER_ADD, teamId=team_id, userId=customer["id"])
    assert (refused["team"], codes(refused)) == (None, [("NOT_AN_AGENT", ["input", "userId"])])
    twice = mutate(admin, "teamMemberAdd", TEAM_MEMBER_ADD, teamId=team_id, userId=agent["id"])
    assert codes(twice) == [("ALREADY_MEMBER", ["input", "userId"])]

    as_agent = client_factory(agent["email"], password=agent["password"])
    teams = as_agent.ok("{ viewer { teams { id name } } }")["viewer"]["teams"]
    assert team_id in [t["id"] for t in teams]

    removed = mutate(
        admin, "teamMemberRemove", TEAM_MEMBER_REMOVE, teamId=team_id, userId=agent["id"]
    )
    assert removed["userErrors"] == []
    assert [n["id"] for n in removed["team"]["members"]["nodes"]] == [other_admin["id"]]
    again = mutate(
        admin, "teamMemberRemove", TEAM_MEMBER_REMOVE, teamId=team_id, userId=agent["id"]
    )
    assert codes(again) == [("NOT_FOUND", ["input", "userId"])]

    node = admin.ok(TEAM, id=team_id)["node"]
    assert node["members"] == {
        "totalCount": 1,
        "nodes": [{"id": other_admin["id"], "email": other_admin["email"]}],
    }
    teams = as_agent.ok("{ viewer { teams { id } } }")["viewer"]["teams"]
    assert team_id not in [t["id"] for t in teams]

    renamed = mutate(
        admin,
        "teamUpdate",
        TEAM_UPDATE,
        id=team_id,
        name="Support",  # a demo team's name
    )
    assert codes(renamed) == [("NAME_TAKEN", ["input", "name"])]
