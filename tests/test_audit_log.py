"""The audit log of admin actions: each kind of admin action writes exactly one entry with the
right actor, target and before/after, in the transaction of the action (a failing mutation
writes none); only admins read it; newest first, keyset-paged; no secrets; the command line
writes entries too.

The module runs its own server per backend (the `server` fixture below overrides the shared
one): it switches the portal's priority scheme and reorders the catalog.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from backend.db.models import AuditLogEntry, User
from tests.conftest import Factory, start_server, stop_server
from tests.support.auth_db import db_rows
from tests.support.client import GraphQLClient
from tests.support.server import LiveServer

# `cli` is test_cli's fixture (one fresh database per backend), used here by name.
from tests.test_cli import Cli, cli  # noqa: F401

ClientFactory = Callable[..., GraphQLClient]
ADMIN_EMAIL = "admin@frontdesk.example"
ERRORS = "userErrors { field code message }"

LOG = """query($first: Int, $after: String, $filter: AuditLogFilter) {
  auditLog(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node {
      id createdAt actorLabel action targetType targetId before after requestId
      actor { id email } } } } }"""
NODE = """query($id: ID!) { node(id: $id) { __typename ... on AuditLogEntry { id action } } }"""

USER_CREATE = f"""mutation($input: UserCreateInput!) {{ userCreate(input: $input) {{
    user {{ id email }} {ERRORS} }} }}"""
USER_UPDATE = f"""mutation($input: UserUpdateInput!) {{ userUpdate(input: $input) {{
    user {{ id }} {ERRORS} }} }}"""
ORG_CREATE = f"""mutation($input: OrganisationCreateInput!) {{ organisationCreate(input: $input) {{
    organisation {{ id name }} {ERRORS} }} }}"""
ORG_UPDATE = f"""mutation($input: OrganisationUpdateInput!) {{ organisationUpdate(input: $input) {{
    organisation {{ id }} {ERRORS} }} }}"""
MEMBER_ADD = f"""mutation($input: OrganisationMemberAddInput!) {{
    organisationMemberAdd(input: $input) {{ membership {{ id user {{ id }} }} {ERRORS} }} }}"""
MEMBER_UPDATE = f"""mutation($input: OrganisationMemberUpdateInput!) {{
    organisationMemberUpdate(input: $input) {{ membership {{ id }} {ERRORS} }} }}"""
MEMBER_REMOVE = f"""mutation($input: OrganisationMemberRemoveInput!) {{
    organisationMemberRemove(input: $input) {{ removedMembershipId {ERRORS} }} }}"""
TEAM_CREATE = f"""mutation($input: TeamCreateInput!) {{ teamCreate(input: $input) {{
    team {{ id }} {ERRORS} }} }}"""
TEAM_UPDATE = f"""mutation($input: TeamUpdateInput!) {{ teamUpdate(input: $input) {{
    team {{ id }} {ERRORS} }} }}"""
TEAM_MEMBER_ADD = f"""mutation($input: TeamMemberAddInput!) {{ teamMemberAdd(input: $input) {{
    team {{ id }} {ERRORS} }} }}"""
TEAM_MEMBER_REMOVE = f"""mutation($input: TeamMemberRemoveInput!) {{
    teamMemberRemove(input: $input) {{ team {{ id }} {ERRORS} }} }}"""
CATEGORY_CREATE = f"""mutation($input: RequestCategoryCreateInput!) {{
    requestCategoryCreate(input: $input) {{ requestCategory {{ id position }} {ERRORS} }} }}"""
CATEGORY_UPDATE = f"""mutation($input: RequestCategoryUpdateInput!) {{
    requestCategoryUpdate(input: $input) {{ requestCategory {{ id }} {ERRORS} }} }}"""
CATEGORIES_REORDER = f"""mutation($input: RequestCategoriesReorderInput!) {{
    requestCategoriesReorder(input: $input) {{ requestCategories {{ id }} {ERRORS} }} }}"""
TYPE_CREATE = f"""mutation($input: RequestTypeCreateInput!) {{ requestTypeCreate(input: $input) {{
    requestType {{ id position }} {ERRORS} }} }}"""
TYPE_UPDATE = f"""mutation($input: RequestTypeUpdateInput!) {{ requestTypeUpdate(input: $input) {{
    requestType {{ id }} {ERRORS} }} }}"""
TYPES_REORDER = f"""mutation($input: RequestTypesReorderInput!) {{
    requestTypesReorder(input: $input) {{ requestTypes {{ id }} {ERRORS} }} }}"""
FIELD_CREATE = f"""mutation($input: FormFieldCreateInput!) {{ formFieldCreate(input: $input) {{
    formField {{ id }} requestType {{ formVersion }} {ERRORS} }} }}"""
FIELD_UPDATE = f"""mutation($input: FormFieldUpdateInput!) {{ formFieldUpdate(input: $input) {{
    formField {{ id }} {ERRORS} }} }}"""
FIELDS_REORDER = f"""mutation($input: FormFieldsReorderInput!) {{
    formFieldsReorder(input: $input) {{ requestType {{ formVersion }} {ERRORS} }} }}"""
SCHEME_SET = f"""mutation($input: PrioritySchemeSetInput!) {{ prioritySchemeSet(input: $input) {{
    priorityScheme {{ key }} {ERRORS} }} }}"""
PORTAL = """{ portal { categories { id requestTypes { id defaultPriority { key } } } } }"""


@pytest.fixture(scope="module")
def server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live, pg_url = start_server(backend, tmp_path_factory)
    yield live
    stop_server(live, pg_url)


def ok(client: GraphQLClient, name: str, query: str, /, **input: Any) -> dict[str, Any]:
    payload = client.mutate(name, query, **input)
    assert payload["userErrors"] == [], payload
    return payload


def log(client: GraphQLClient, first: int = 100, **filter: Any) -> list[dict[str, Any]]:
    data = client.ok(LOG, first=first, filter=filter or None)["auditLog"]
    return [edge["node"] for edge in data["edges"]]


def total(client: GraphQLClient) -> int:
    return int(client.ok(LOG, first=0)["auditLog"]["totalCount"])


def one(client: GraphQLClient, target_id: str, action: str) -> dict[str, Any]:
    """The single entry of `action` on the object `target_id`."""
    entries = [e for e in log(client, targetId=target_id) if e["action"] == action]
    assert len(entries) == 1, entries
    return entries[0]


def viewer_id(client: GraphQLClient) -> str:
    return str(client.ok("{ viewer { user { id } } }")["viewer"]["user"]["id"])


def by(client: GraphQLClient, entry: dict[str, Any]) -> None:
    assert entry["actor"] == {"id": viewer_id(client), "email": entry["actorLabel"]}


# ---------------------------------------------------------------- each kind of action


def test_user_actions(admin: GraphQLClient, unique: Callable[[str], str]) -> None:
    email = f"{unique('audited')}@example.com"
    made = ok(
        admin,
        "userCreate",
        USER_CREATE,
        email=email,
        displayName="Audited",
        password="long-enough-pw",
    )
    uid = made["user"]["id"]
    entry = one(admin, uid, "user.create")
    by(admin, entry)
    assert entry["actorLabel"] == ADMIN_EMAIL
    assert (entry["targetType"], entry["targetId"], entry["before"]) == ("User", uid, None)
    snapshot = {
        "email": email,
        "displayName": "Audited",
        "role": "CUSTOMER",
        "locale": "en",
        "timeZone": "UTC",
        "isActive": True,
    }
    assert entry["after"] == snapshot

    ok(admin, "userUpdate", USER_UPDATE, id=uid, displayName="Renamed", role="AGENT")
    entry = one(admin, uid, "user.update")
    assert entry["before"] == snapshot
    assert entry["after"] == {**snapshot, "displayName": "Renamed", "role": "AGENT"}
    # Sent again unchanged: nothing happened, nothing is recorded.
    ok(admin, "userUpdate", USER_UPDATE, id=uid, displayName="Renamed")
    assert len(log(admin, targetId=uid)) == 2


def test_organisation_and_membership_actions(
    admin: GraphQLClient,
    factory: Factory,
    client_factory: ClientFactory,
    unique: Callable[[str], str],
) -> None:
    name = unique("Audited Org")
    org = ok(admin, "organisationCreate", ORG_CREATE, name=name, superUserCap=2)["organisation"]
    entry = one(admin, org["id"], "organisation.create")
    assert (entry["before"], entry["after"]) == (None, {"name": name, "superUserCap": 2})
    ok(admin, "organisationUpdate", ORG_UPDATE, id=org["id"], superUserCap=3)
    entry = one(admin, org["id"], "organisation.update")
    assert entry["before"] == {"name": name, "superUserCap": 2}
    assert entry["after"] == {"name": name, "superUserCap": 3}

    boss, person = factory.user(), factory.user()
    added = ok(
        admin,
        "organisationMemberAdd",
        MEMBER_ADD,
        organisationId=org["id"],
        userId=boss["id"],
        role="SUPER_USER",
    )
    entry = one(admin, added["membership"]["id"], "membership.add")
    assert entry["targetType"] == "Membership"
    boss_membership = {"organisationId": org["id"], "userId": boss["id"], "role": "SUPER_USER"}
    assert (entry["before"], entry["after"]) == (None, boss_membership)

    # A super user managing their organisation's members is audited as themselves.
    as_boss = client_factory(boss["email"], password=boss["password"])
    added = ok(
        as_boss, "organisationMemberAdd", MEMBER_ADD, organisationId=org["id"], userId=person["id"]
    )
    membership_id = added["membership"]["id"]
    entry = one(admin, membership_id, "membership.add")
    by(as_boss, entry)
    member = {"organisationId": org["id"], "userId": person["id"], "role": "MEMBER"}
    assert entry["after"] == member
    ok(
        as_boss,
        "organisationMemberUpdate",
        MEMBER_UPDATE,
        organisationId=org["id"],
        userId=person["id"],
        role="SUPER_USER",
    )
    entry = one(admin, membership_id, "membership.update")
    assert (entry["before"], entry["after"]) == (member, {**member, "role": "SUPER_USER"})
    removed = ok(
        admin,
        "organisationMemberRemove",
        MEMBER_REMOVE,
        organisationId=org["id"],
        userId=person["id"],
    )
    assert removed["removedMembershipId"] == membership_id
    entry = one(admin, membership_id, "membership.remove")
    by(admin, entry)
    assert (entry["before"], entry["after"]) == ({**member, "role": "SUPER_USER"}, None)

    # Adding someone new by e-mail creates the account too: two entries, one request.
    email = f"{unique('invited')}@example.com"
    added = ok(admin, "organisationMemberAdd", MEMBER_ADD, organisationId=org["id"], email=email)
    created = one(admin, added["membership"]["user"]["id"], "user.create")
    # Newest first. (SQLite may give a new membership the id of the one just removed: the
    # snapshots name organisation and user, so the history stays unambiguous.)
    joined = log(admin, targetId=added["membership"]["id"], action="membership.add")[0]
    assert joined["after"]["userId"] == added["membership"]["user"]["id"]
    assert created["after"]["email"] == email
    assert created["requestId"] is not None and created["requestId"] == joined["requestId"]


def test_team_actions(admin: GraphQLClient, factory: Factory, unique: Callable[[str], str]) -> None:
    name = unique("Audited Team")
    team = ok(admin, "teamCreate", TEAM_CREATE, name=name, description="First")["team"]
    snapshot = {"name": name, "description": "First", "agentIds": []}
    assert one(admin, team["id"], "team.create")["after"] == snapshot
    ok(admin, "teamUpdate", TEAM_UPDATE, id=team["id"], description="Second")
    entry = one(admin, team["id"], "team.update")
    assert (entry["before"], entry["after"]) == (snapshot, {**snapshot, "description": "Second"})
    snapshot = {**snapshot, "description": "Second"}

    agent = factory.user("AGENT")
    ok(admin, "teamMemberAdd", TEAM_MEMBER_ADD, teamId=team["id"], userId=agent["id"])
    entry = one(admin, team["id"], "team.add_agent")
    assert (entry["before"], entry["after"]) == (snapshot, {**snapshot, "agentIds": [agent["id"]]})
    ok(admin, "teamMemberRemove", TEAM_MEMBER_REMOVE, teamId=team["id"], userId=agent["id"])
    entry = one(admin, team["id"], "team.remove_agent")
    assert (entry["before"], entry["after"]) == ({**snapshot, "agentIds": [agent["id"]]}, snapshot)


def test_catalog_actions(admin: GraphQLClient, unique: Callable[[str], str]) -> None:
    name = unique("Audited Category")
    category = ok(admin, "requestCategoryCreate", CATEGORY_CREATE, name=name, description="D")[
        "requestCategory"
    ]
    snapshot = {
        "name": name,
        "description": "D",
        "position": category["position"],
        "archived": False,
    }
    entry = one(admin, category["id"], "category.create")
    assert (entry["targetType"], entry["before"], entry["after"]) == (
        "RequestCategory",
        None,
        snapshot,
    )
    ok(admin, "requestCategoryUpdate", CATEGORY_UPDATE, id=category["id"], archived=True)
    entry = one(admin, category["id"], "category.update")
    assert (entry["before"], entry["after"]) == (snapshot, {**snapshot, "archived": True})

    order = [c["id"] for c in admin.ok(PORTAL)["portal"]["categories"]]
    ok(admin, "requestCategoriesReorder", CATEGORIES_REORDER, ids=order[::-1])
    (entry,) = log(admin, action="category.reorder")
    assert (entry["targetType"], entry["targetId"]) == ("Portal", None)
    assert [i for i in entry["before"]["categoryIds"] if i in order] == order
    assert entry["after"]["categoryIds"][: len(order)] == order[::-1]

    home = ok(admin, "requestCategoryCreate", CATEGORY_CREATE, name=unique("Home"))
    home_id = home["requestCategory"]["id"]
    first = ok(admin, "requestTypeCreate", TYPE_CREATE, categoryId=home_id, name="First")
    second = ok(admin, "requestTypeCreate", TYPE_CREATE, categoryId=home_id, name="Second")
    type_id = first["requestType"]["id"]
    entry = one(admin, type_id, "request_type.create")
    type_snapshot = {
        "categoryId": home_id,
        "name": "First",
        "description": "",
        "icon": "help",
        "issueType": "SERVICE_REQUEST",
        "defaultPriorityKey": None,
        "teamId": None,
        "position": 0,
        "archived": False,
    }
    assert (entry["before"], entry["after"]) == (None, type_snapshot)
    ok(admin, "requestTypeUpdate", TYPE_UPDATE, id=type_id, icon="printer", defaultPriorityKey="P2")
    entry = one(admin, type_id, "request_type.update")
    assert entry["before"] == type_snapshot
    assert entry["after"] == {**type_snapshot, "icon": "printer", "defaultPriorityKey": "P2"}
    pair = [type_id, second["requestType"]["id"]]
    ok(admin, "requestTypesReorder", TYPES_REORDER, categoryId=home_id, ids=pair[::-1])
    entry = one(admin, home_id, "request_type.reorder")
    assert (entry["before"], entry["after"]) == (
        {"requestTypeIds": pair},
        {"requestTypeIds": pair[::-1]},
    )

    made = ok(
        admin,
        "formFieldCreate",
        FIELD_CREATE,
        requestTypeId=type_id,
        key="serial",
        kind="TEXT",
        label="Serial number",
    )
    field_id = made["formField"]["id"]
    entry = one(admin, field_id, "form_field.create")
    assert entry["before"] is None
    assert entry["after"]["requestTypeId"] == type_id and entry["after"]["key"] == "serial"
    assert entry["after"]["spec"]["label"] == "Serial number"
    ok(admin, "formFieldUpdate", FIELD_UPDATE, id=field_id, label="Serial", required=True)
    entry = one(admin, field_id, "form_field.update")
    assert entry["before"]["spec"]["label"] == "Serial number"
    assert entry["before"]["spec"]["required"] is False
    assert entry["after"]["spec"]["label"] == "Serial" and entry["after"]["spec"]["required"]
    assert {k: v for k, v in entry["after"].items() if k != "spec"} == {
        k: v for k, v in entry["before"].items() if k != "spec"
    }
    other = ok(
        admin,
        "formFieldCreate",
        FIELD_CREATE,
        requestTypeId=type_id,
        key="model",
        kind="TEXT",
        label="Model",
    )
    fields = [field_id, other["formField"]["id"]]
    reordered = ok(
        admin, "formFieldsReorder", FIELDS_REORDER, requestTypeId=type_id, ids=fields[::-1]
    )
    version = reordered["requestType"]["formVersion"]
    entry = one(admin, type_id, "form_field.reorder")
    assert entry["before"]["fieldIds"] == fields and entry["before"]["formVersion"] < version
    assert entry["after"] == {"fieldIds": fields[::-1], "formVersion": version}

    # The scheme is portal-wide; switching it clears defaults that name none of its levels.
    ok(admin, "prioritySchemeSet", SCHEME_SET, key="jira")
    (entry,) = log(admin, action="priority_scheme.set")
    assert (entry["targetType"], entry["targetId"]) == ("Portal", None)
    assert entry["before"]["key"] == "default" and entry["after"]["key"] == "jira"
    assert entry["before"]["defaultPriorities"][type_id] == "P2"
    assert entry["after"]["defaultPriorities"] == {}


# ---------------------------------------------------------------- one transaction


def test_a_failing_mutation_writes_no_entry(
    server: LiveServer,
    admin: GraphQLClient,
    factory: Factory,
    client_factory: ClientFactory,
    unique: Callable[[str], str],
) -> None:
    before = total(admin)
    blank = admin.mutate("organisationCreate", ORG_CREATE, name=" ")
    assert blank["userErrors"][0]["code"] == "REQUIRED"

    # The new account is created and audited inside the transaction, then the cap refuses
    # the membership: everything is rolled back, the user.create entry too.
    org = ok(admin, "organisationCreate", ORG_CREATE, name=unique("Full"), superUserCap=1)
    org_id = org["organisation"]["id"]
    boss = factory.user()
    ok(
        admin,
        "organisationMemberAdd",
        MEMBER_ADD,
        organisationId=org_id,
        userId=boss["id"],
        role="SUPER_USER",
    )
    after_setup = total(admin)
    assert after_setup == before + 3  # organisation.create, user.create, membership.add
    email = f"{unique('late')}@example.com"
    refused = admin.mutate(
        "organisationMemberAdd", MEMBER_ADD, organisationId=org_id, email=email, role="SUPER_USER"
    )
    assert refused["userErrors"][0]["code"] == "SUPER_USER_CAP_REACHED"
    assert db_rows(server.settings, select(User.id).where(User.email == email)) == []

    # Not allowed: refused before anything happens.
    agent = client_factory("agent@frontdesk.example")
    forbidden = agent.mutate("teamCreate", TEAM_CREATE, name=unique("Nope"))
    assert forbidden["userErrors"][0]["code"] == "FORBIDDEN"
    assert total(admin) == after_setup
    rows = db_rows(server.settings, select(func.count()).select_from(AuditLogEntry))
    assert rows[0][0] == after_setup


# ---------------------------------------------------------------- reading it


def test_only_admins_read_the_audit_log(
    admin: GraphQLClient, client_factory: ClientFactory, anonymous: GraphQLClient
) -> None:
    entry = log(admin, first=1)[0]
    for email in ("agent@frontdesk.example", "alice@acme.example"):
        client = client_factory(email)
        result = client.execute(LOG, first=5)
        assert result.codes == ["FORBIDDEN"] and result.data is None
        # Through `node` it is simply not there for them.
        assert client.ok(NODE, id=entry["id"])["node"] is None
    assert anonymous.execute(LOG, first=5).codes == ["UNAUTHENTICATED"]
    assert admin.ok(NODE, id=entry["id"])["node"] == {
        "__typename": "AuditLogEntry",
        "id": entry["id"],
        "action": entry["action"],
    }


def test_newest_first_with_keyset_pages_and_filters(
    factory: Factory, client_factory: ClientFactory, unique: Callable[[str], str]
) -> None:
    someone = factory.user("ADMIN")
    me = client_factory(someone["email"], password=someone["password"])
    teams = [
        ok(me, "teamCreate", TEAM_CREATE, name=unique("Paged"))["team"]["id"] for _ in range(5)
    ]
    mine = {"actorId": viewer_id(me)}

    seen: list[dict[str, Any]] = []
    after = None
    pages = 0
    while True:
        data = me.ok(LOG, first=2, after=after, filter=mine)["auditLog"]
        assert data["totalCount"] == 5
        assert data["pageInfo"]["hasPreviousPage"] is (after is not None)
        seen += [edge["node"] for edge in data["edges"]]
        pages += 1
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
        assert after == data["edges"][-1]["cursor"]
    assert pages == 3
    # Newest first: the teams in reverse order of creation, each once.
    assert [e["targetId"] for e in seen] == teams[::-1]
    assert [e["createdAt"] for e in seen] == sorted((e["createdAt"] for e in seen), reverse=True)
    assert all(e["action"] == "team.create" and e["actorLabel"] == someone["email"] for e in seen)

    assert [e["targetId"] for e in log(me, targetId=teams[2])] == [teams[2]]
    assert len(log(me, action="team.create", **mine)) == 5
    assert len(log(me, targetType="Team", **mine)) == 5
    assert log(me, action="user.delete") == []

    for bad in ({"after": "not-a-cursor"}, {"filter": {"targetId": "garbage"}}):
        result = me.execute(LOG, first=2, **bad)
        assert result.codes == ["BAD_USER_INPUT"], result
    assert me.execute(LOG, first=101).codes == ["BAD_USER_INPUT"]


def test_the_request_id_is_recorded(
    server: LiveServer, factory: Factory, unique: Callable[[str], str]
) -> None:
    admin = GraphQLClient(server.graphql_url, headers={"X-Request-ID": "audit-req-0042"})
    try:
        assert admin.login(ADMIN_EMAIL)["userErrors"] == []
        team = ok(admin, "teamCreate", TEAM_CREATE, name=unique("Traced"))["team"]
        assert one(admin, team["id"], "team.create")["requestId"] == "audit-req-0042"
    finally:
        admin.close()


def test_no_secrets_are_recorded(
    server: LiveServer, admin: GraphQLClient, factory: Factory
) -> None:
    factory.user(password="a-secret-passphrase")
    rows = db_rows(server.settings, select(AuditLogEntry.before, AuditLogEntry.after))
    assert rows
    text = json.dumps([list(r) for r in rows]).lower()
    assert "a-secret-passphrase" not in text and "$argon2" not in text
    keys = {key.lower() for row in rows for snap in row if snap for key in snap}
    assert not {k for k in keys if "password" in k or "token" in k or "hash" in k}


# ---------------------------------------------------------------- the command line


def test_command_line_admin_commands_are_logged(cli: Cli) -> None:  # noqa: F811
    cli.ok(
        "user",
        "create",
        "--email",
        "ops@example.com",
        "--name",
        "Ops",
        "--role",
        "agent",
        "--password",
        "long-enough-pw",
    )
    cli.ok(
        "user",
        "create",
        "--email",
        "cu@example.com",
        "--name",
        "Cu",
        "--password",
        "long-enough-pw",
    )
    cli.ok("org", "create", "--name", "Initech")
    cli.ok("org", "add-member", "--org", "Initech", "--email", "cu@example.com")
    cli.ok("team", "create", "--name", "Ops")
    cli.ok("team", "add-agent", "--team", "Ops", "--email", "ops@example.com")

    rows = db_rows(
        cli.settings,
        select(
            AuditLogEntry.actor_id,
            AuditLogEntry.actor_label,
            AuditLogEntry.action,
            AuditLogEntry.target_type,
            AuditLogEntry.before,
            AuditLogEntry.after,
            AuditLogEntry.request_id,
        ).order_by(AuditLogEntry.id),
    )
    assert [r.action for r in rows] == [
        "user.create",
        "user.create",
        "organisation.create",
        "membership.add",
        "team.create",
        "team.add_agent",
    ]
    assert all(r.actor_id is None and r.actor_label.startswith("cli:") for r in rows)
    assert all(r.request_id is None for r in rows)
    assert rows[0].after["email"] == "ops@example.com" and rows[0].after["role"] == "AGENT"
    assert rows[2].after == {"name": "Initech", "superUserCap": 4}
    assert rows[3].after["role"] == "MEMBER"
    assert rows[4].after == {"name": "Ops", "description": "", "agentIds": []}
    assert rows[5].before == rows[4].after and len(rows[5].after["agentIds"]) == 1

    # A refused command writes nothing.
    cli.fails("team", "add-agent", "--team", "Ops", "--email", "cu@example.com")
    assert len(db_rows(cli.settings, select(AuditLogEntry.id))) == 6
