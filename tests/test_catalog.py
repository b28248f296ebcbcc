"""The request catalog: the `portal` query, typed form fields, admin mutations, form versions,
definition problems, permissions and the SQL statement count of the portal.

Every test runs against SQLite and PostgreSQL through a real server. Tests share one server per
backend (with the demo catalog), so each creates its own categories and request types with
unique names; the priority scheme switch runs on a server of its own because it changes the
whole portal.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Select, func, select

from backend.db.engine import Database
from backend.db.models import FormField, FormVersion
from backend.schema.relay import encode_id
from tests.conftest import start_server
from tests.support.client import GraphQLClient
from tests.support.server import LiveServer
from tests.support.services import drop_pg_database

ERRORS = "userErrors { field code message }"
TYPE_FIELDS = "id name description icon issueType position archived formVersion"

FIELD = """
fragment F on FormField {
  __typename id key kind label helpText required position defaultValue
  conditions { effect fieldKey operator values }
  ... on TextField { minLength maxLength pattern }
  ... on TextareaField { minLength maxLength }
  ... on EmailField { minLength maxLength }
  ... on UrlField { minLength maxLength }
  ... on NumberField { min max integerOnly }
  ... on DateField { dateMin: min dateMax: max }
  ... on DateTimeField { dateMin: min dateMax: max }
  ... on SelectField { options { value label } }
  ... on MultiSelectField { options { value label } minSelected maxSelected }
  ... on AttachmentField { maxFiles maxFileSize }
}"""

PORTAL = (
    """query($archived: Boolean! = false) { portal {
  name
  priorityScheme { key customerMayChoose levels { key name rank } }
  categories(includeArchived: $archived) {
    id name description position archived
    requestTypes(includeArchived: $archived) {
      id name icon issueType archived formVersion asksUrgencyAndImpact
      defaultPriority { key name rank }
      team { name }
      category { name }
      fields { ...F }
    }
  }
} }"""
    + FIELD
)

CATEGORY_CREATE = f"""mutation($input: RequestCategoryCreateInput!) {{
  requestCategoryCreate(input: $input) {{
    requestCategory {{ id name description position archived }} {ERRORS} }} }}"""
CATEGORY_UPDATE = f"""mutation($input: RequestCategoryUpdateInput!) {{
  requestCategoryUpdate(input: $input) {{
    requestCategory {{ id name description archived }} {ERRORS} }} }}"""
CATEGORIES_REORDER = f"""mutation($input: RequestCategoriesReorderInput!) {{
  requestCategoriesReorder(input: $input) {{ requestCategories {{ id position }} {ERRORS} }} }}"""
TYPE_CREATE = f"""mutation($input: RequestTypeCreateInput!) {{
  requestTypeCreate(input: $input) {{ requestType {{
    {TYPE_FIELDS} defaultPriority {{ key }} team {{ name }} category {{ id }}
    fields {{ key }} }} {ERRORS} }} }}"""
TYPE_UPDATE = f"""mutation($input: RequestTypeUpdateInput!) {{
  requestTypeUpdate(input: $input) {{ requestType {{
    {TYPE_FIELDS} defaultPriority {{ key }} team {{ name }} category {{ id }} }} {ERRORS} }} }}"""
TYPES_REORDER = f"""mutation($input: RequestTypesReorderInput!) {{
  requestTypesReorder(input: $input) {{
    requestCategory {{ id requestTypes {{ id }} }} requestTypes {{ id position }} {ERRORS} }} }}"""
FIELD_CREATE = (
    f"""mutation($input: FormFieldCreateInput!) {{ formFieldCreate(input: $input) {{
  formField {{ ...F }} requestType {{ id formVersion fields {{ key }} }} {ERRORS} }} }}"""
    + FIELD
)
FIELD_UPDATE = (
    f"""mutation($input: FormFieldUpdateInput!) {{ formFieldUpdate(input: $input) {{
  formField {{ ...F }} requestType {{ id formVersion fields {{ key label }} }} {ERRORS} }} }}"""
    + FIELD
)
FIELDS_REORDER = f"""mutation($input: FormFieldsReorderInput!) {{
  formFieldsReorder(input: $input) {{
    requestType {{ id formVersion fields {{ key position }} }} {ERRORS} }} }}"""
SCHEME_SET = f"""mutation($input: PrioritySchemeSetInput!) {{ prioritySchemeSet(input: $input) {{
  priorityScheme {{ key customerMayChoose levels {{ key }} }}
  portal {{ priorityScheme {{ key }} }} {ERRORS} }} }}"""
NODE = (
    """query($id: ID!) { node(id: $id) {
  __typename id
  ... on RequestCategory { name archived }
  ... on RequestType { name archived team { name } }
  ... on FormField { ...F }
} }"""
    + FIELD
)

DEMO_CATEGORIES = ["Support", "Service", "Sales Support", "Feedback", "Incidents"]
ALL_KINDS = {
    "TextField",
    "TextareaField",
    "NumberField",
    "DateField",
    "DateTimeField",
    "SelectField",
    "MultiSelectField",
    "CheckboxField",
    "EmailField",
    "UrlField",
    "AttachmentField",
    "AssetField",
    "UserField",
}


# ---- helpers


@pytest.fixture
def customer(client_factory: Callable[..., GraphQLClient]) -> GraphQLClient:
    return client_factory("alice@acme.example")


@pytest.fixture
def agent(client_factory: Callable[..., GraphQLClient]) -> GraphQLClient:
    return client_factory("agent@frontdesk.example")


def mutate(client: GraphQLClient, field: str, query: str, /, **input: Any) -> dict[str, Any]:
    """The payload of `field(input: $input)` (positional-only: inputs may have a `name`)."""
    return client.ok(query, input=input)[field]


def no_errors(payload: dict[str, Any]) -> dict[str, Any]:
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload


def error_of(payload: dict[str, Any]) -> tuple[list[str] | None, str]:
    errors = payload["userErrors"]
    assert len(errors) >= 1, payload
    return errors[0]["field"], errors[0]["code"]


def portal(client: GraphQLClient, archived: bool = False) -> dict[str, Any]:
    return client.ok(PORTAL, archived=archived)["portal"]


def by_name(items: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(i for i in items if i["name"] == name)


def demo_type(data: dict[str, Any], category: str, name: str) -> dict[str, Any]:
    return by_name(by_name(data["categories"], category)["requestTypes"], name)


def fields_by_key(request_type: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["key"]: f for f in request_type["fields"]}


class Catalog:
    """Creates categories, request types and fields through the admin API."""

    def __init__(self, admin: GraphQLClient, unique: Callable[[str], str]) -> None:
        self.admin = admin
        self.unique = unique

    def category(self, **input: Any) -> dict[str, Any]:
        input.setdefault("name", self.unique("Category"))
        return no_errors(mutate(self.admin, "requestCategoryCreate", CATEGORY_CREATE, **input))[
            "requestCategory"
        ]

    def request_type(self, category_id: str, **input: Any) -> dict[str, Any]:
        input.setdefault("name", self.unique("Type"))
        payload = mutate(
            self.admin, "requestTypeCreate", TYPE_CREATE, categoryId=category_id, **input
        )
        return no_errors(payload)["requestType"]

    def field(self, request_type_id: str, key: str, kind: str = "TEXT", **input: Any) -> Any:
        input.setdefault("label", key.replace("_", " ").capitalize())
        return mutate(
            self.admin,
            "formFieldCreate",
            FIELD_CREATE,
            requestTypeId=request_type_id,
            key=key,
            kind=kind,
            **input,
        )

    def update_field(self, field_id: str, **input: Any) -> dict[str, Any]:
        return mutate(self.admin, "formFieldUpdate", FIELD_UPDATE, id=field_id, **input)


@pytest.fixture
def cat(admin: GraphQLClient, unique: Callable[[str], str]) -> Catalog:
    return Catalog(admin, unique)


def team_id(admin: GraphQLClient, name: str) -> str:
    teams = admin.ok("{ teams(first: 100) { nodes { id name } } }")["teams"]["nodes"]
    return next(t["id"] for t in teams if t["name"] == name)


def pk_of(global_id: str) -> int:
    from backend.schema.relay import decode_id

    return decode_id(global_id)[1]


def db_rows(server: LiveServer, statement: Select[Any]) -> list[Any]:
    """Rows straight from the server's database (a fresh engine, disposed afterwards)."""

    async def run() -> list[Any]:
        db = Database.from_settings(server.settings)
        try:
            async with db.read() as session:
                return list((await session.execute(statement)).all())
        finally:
            await db.dispose()

    return asyncio.run(run())


def stored_versions(server: LiveServer, request_type_id: str) -> dict[int, list[dict[str, Any]]]:
    rows = db_rows(
        server,
        select(FormVersion.version, FormVersion.fields).where(
            FormVersion.request_type_id == pk_of(request_type_id)
        ),
    )
    return {r.version: r.fields for r in rows}


# ---- the portal


def test_customer_sees_the_demo_catalog(customer: GraphQLClient) -> None:
    data = portal(customer)
    assert data["name"] == "Frontdesk"
    assert data["priorityScheme"]["key"] == "default"
    assert data["priorityScheme"]["customerMayChoose"] is False
    assert [lv["key"] for lv in data["priorityScheme"]["levels"]] == ["P1", "P2", "P3", "P4"]
    names = [c["name"] for c in data["categories"]]
    assert [n for n in names if n in DEMO_CATEGORIES] == DEMO_CATEGORIES
    positions = [c["position"] for c in data["categories"]]
    assert positions == sorted(positions)

    support = by_name(data["categories"], "Support")
    assert [t["name"] for t in support["requestTypes"]][:2] == ["Report a bug", "Ask a question"]
    service = [t["name"] for t in by_name(data["categories"], "Service")["requestTypes"]]
    assert {"Staff onboarding", "Request a quota increase"} <= set(service)
    sales = [t["name"] for t in by_name(data["categories"], "Sales Support")["requestTypes"]]
    assert {"Request training", "Request an add-on"} <= set(sales)

    outage = demo_type(data, "Incidents", "Report an outage")
    assert outage["issueType"] == "INCIDENT"
    assert outage["asksUrgencyAndImpact"] is True
    assert outage["defaultPriority"] == {"key": "P2", "name": "High", "rank": 2}
    assert outage["category"] == {"name": "Incidents"}
    bug = demo_type(data, "Support", "Report a bug")
    assert bug["issueType"] == "SERVICE_REQUEST" and bug["asksUrgencyAndImpact"] is False
    # Routing is internal: customers never see the team.
    assert all(t["team"] is None for c in data["categories"] for t in c["requestTypes"])
    assert not any(c["archived"] for c in data["categories"])


def test_staff_see_the_routing_team(agent: GraphQLClient) -> None:
    data = portal(agent)
    assert demo_type(data, "Support", "Report a bug")["team"] == {"name": "Support"}
    assert demo_type(data, "Service", "Request a quota increase")["team"] == {"name": "Billing"}
    assert demo_type(data, "Sales Support", "Request training")["team"] == {"name": "Sales"}


def test_fields_are_typed_with_their_constraints(customer: GraphQLClient) -> None:
    data = portal(customer)
    bug = fields_by_key(demo_type(data, "Support", "Report a bug"))
    assert list(bug) == ["environment", "severity_detail", "affected_url", "steps", "screenshot"]
    env = bug["environment"]
    assert env["__typename"] == "SelectField" and env["kind"] == "SELECT"
    assert env["options"] == [
        {"value": "production", "label": "Production"},
        {"value": "staging", "label": "Staging"},
        {"value": "development", "label": "Development"},
    ]
    assert env["defaultValue"] == "production" and env["required"] is True
    assert env["helpText"] == "Where did it happen?"
    detail = bug["severity_detail"]
    assert detail["__typename"] == "TextField" and detail["maxLength"] == 200
    assert detail["conditions"] == [
        {"effect": "SHOW", "fieldKey": "environment", "operator": "IN", "values": ["production"]}
    ]
    assert bug["affected_url"]["__typename"] == "UrlField"
    assert bug["affected_url"]["maxLength"] == 2048  # the hard cap when the admin set none
    steps = bug["steps"]
    assert steps["__typename"] == "TextareaField" and steps["required"] is True
    assert (steps["minLength"], steps["maxLength"]) == (10, 5000)
    shot = bug["screenshot"]
    assert shot["__typename"] == "AttachmentField"
    assert (shot["maxFiles"], shot["maxFileSize"]) == (3, 10 * 1024 * 1024)
    assert [f["position"] for f in bug.values()] == [0, 1, 2, 3, 4]

    quota = fields_by_key(demo_type(data, "Service", "Request a quota increase"))
    amount = quota["amount"]
    assert amount["__typename"] == "NumberField"
    assert (amount["min"], amount["max"], amount["integerOnly"]) == (1, 1000, True)
    assert quota["accept_cost"]["__typename"] == "CheckboxField"
    assert quota["accept_cost"]["required"] is True
    assert quota["cost_centre"]["pattern"] == "[A-Z]{2}-[0-9]{4}"
    assert quota["cost_centre"]["conditions"][0]["effect"] == "REQUIRE"

    onboarding = fields_by_key(demo_type(data, "Service", "Staff onboarding"))
    kinds = {k: f["__typename"] for k, f in onboarding.items()}
    assert kinds["start_date"] == "DateField"
    assert kinds["employee_email"] == "EmailField"
    assert kinds["manager"] == "UserField"
    assert kinds["laptop"] == "AssetField"
    assert kinds["welcome_meeting"] == "DateTimeField"
    software = onboarding["software"]
    assert software["__typename"] == "MultiSelectField"
    assert software["defaultValue"] == ["office", "chat"] and software["maxSelected"] == 5
    training = fields_by_key(demo_type(data, "Sales Support", "Request training"))
    assert training["preferred_date"]["dateMin"] == "2025-01-01"

    every = {
        f["__typename"] for c in data["categories"] for t in c["requestTypes"] for f in t["fields"]
    }
    assert ALL_KINDS <= every


def test_archived_entries_are_hidden_from_customers(
    cat: Catalog, admin: GraphQLClient, customer: GraphQLClient, agent: GraphQLClient
) -> None:
    category = cat.category(description="Temporary")
    kept = cat.request_type(category["id"])
    gone = cat.request_type(category["id"])
    no_errors(cat.field(kept["id"], "note"))
    no_errors(mutate(admin, "requestTypeUpdate", TYPE_UPDATE, id=gone["id"], archived=True))

    names = [
        t["name"] for t in by_name(portal(customer)["categories"], category["name"])["requestTypes"]
    ]
    assert names == [kept["name"]]
    admin_view = by_name(portal(admin, archived=True)["categories"], category["name"])
    assert [t["archived"] for t in admin_view["requestTypes"]] == [False, True]

    # A category without usable request types is left out; admins still see it.
    no_errors(mutate(admin, "requestTypeUpdate", TYPE_UPDATE, id=kept["id"], archived=True))
    assert category["name"] not in [c["name"] for c in portal(customer)["categories"]]
    assert category["name"] in [c["name"] for c in portal(admin, archived=True)["categories"]]
    no_errors(mutate(admin, "requestTypeUpdate", TYPE_UPDATE, id=kept["id"], archived=False))
    assert category["name"] in [c["name"] for c in portal(customer)["categories"]]

    # An archived category hides its types, from the portal and from node().
    archived = no_errors(
        mutate(admin, "requestCategoryUpdate", CATEGORY_UPDATE, id=category["id"], archived=True)
    )["requestCategory"]
    assert archived["archived"] is True
    assert category["name"] not in [c["name"] for c in portal(customer)["categories"]]
    assert customer.ok(NODE, id=kept["id"])["node"] is None
    assert customer.ok(NODE, id=category["id"])["node"] is None
    # Staff still reach archived entries (old requests use them).
    assert agent.ok(NODE, id=kept["id"])["node"]["name"] == kept["name"]
    assert admin.ok(NODE, id=category["id"])["node"]["archived"] is True

    # Only admins may ask for archived entries.
    for client in (customer, agent):
        result = client.execute(PORTAL, archived=True)
        assert result.codes == ["FORBIDDEN"], result.errors


def test_node_resolves_catalog_objects(customer: GraphQLClient) -> None:
    bug = demo_type(portal(customer), "Support", "Report a bug")
    node = customer.ok(NODE, id=bug["id"])["node"]
    assert node["__typename"] == "RequestType" and node["name"] == "Report a bug"
    assert node["team"] is None
    field = bug["fields"][0]
    node = customer.ok(NODE, id=field["id"])["node"]
    assert node == field


# ---- admin mutations


def test_category_crud_and_reorder(cat: Catalog, admin: GraphQLClient) -> None:
    first = cat.category(name=cat.unique("First"), description="  One  ")
    assert first["description"] == "One" and first["archived"] is False
    second = cat.category()

    taken = mutate(admin, "requestCategoryCreate", CATEGORY_CREATE, name=first["name"].upper())
    assert error_of(taken) == (["input", "name"], "NAME_TAKEN")
    assert error_of(mutate(admin, "requestCategoryCreate", CATEGORY_CREATE, name=" "))[1] == (
        "REQUIRED"
    )
    too_long = mutate(admin, "requestCategoryCreate", CATEGORY_CREATE, name="x" * 101)
    assert error_of(too_long) == (["input", "name"], "TOO_LONG")

    renamed = mutate(
        admin, "requestCategoryUpdate", CATEGORY_UPDATE, id=first["id"], name=cat.unique("Renamed")
    )
    assert no_errors(renamed)["requestCategory"]["description"] == "One"
    clash = mutate(
        admin, "requestCategoryUpdate", CATEGORY_UPDATE, id=first["id"], name=second["name"]
    )
    assert error_of(clash) == (["input", "name"], "NAME_TAKEN")

    reordered = no_errors(
        mutate(
            admin, "requestCategoriesReorder", CATEGORIES_REORDER, ids=[second["id"], first["id"]]
        )
    )["requestCategories"]
    assert [c["id"] for c in reordered[:2]] == [second["id"], first["id"]]
    assert [c["position"] for c in reordered] == list(range(len(reordered)))
    everything = [c["id"] for c in portal(admin, archived=True)["categories"]]
    assert everything[:2] == [second["id"], first["id"]]

    duplicate = mutate(
        admin, "requestCategoriesReorder", CATEGORIES_REORDER, ids=[first["id"], first["id"]]
    )
    assert error_of(duplicate) == (["input", "ids", "1"], "DUPLICATE_ID")
    # Put the demo categories back in front, so other tests see the portal as customers do.
    demo_ids = [
        c["id"] for c in portal(admin, archived=True)["categories"] if c["name"] in DEMO_CATEGORIES
    ]
    no_errors(mutate(admin, "requestCategoriesReorder", CATEGORIES_REORDER, ids=demo_ids))


def test_request_type_crud_move_and_reorder(cat: Catalog, admin: GraphQLClient) -> None:
    home = cat.category()
    other = cat.category()
    support = team_id(admin, "Support")
    created = cat.request_type(
        home["id"],
        description="Printers and scanners",
        icon="printer",
        issueType="INCIDENT",
        defaultPriorityKey="P2",
        teamId=support,
    )
    assert created["formVersion"] == 1 and created["fields"] == []
    assert created["defaultPriority"] == {"key": "P2"}
    assert created["team"] == {"name": "Support"}
    assert (created["issueType"], created["icon"], created["position"]) == (
        "INCIDENT",
        "printer",
        0,
    )
    second = cat.request_type(home["id"])
    third = cat.request_type(home["id"])
    assert (second["position"], third["position"]) == (1, 2)

    def create_error(**input: Any) -> tuple[list[str] | None, str]:
        input.setdefault("name", cat.unique("Type"))
        return error_of(
            mutate(admin, "requestTypeCreate", TYPE_CREATE, categoryId=home["id"], **input)
        )

    assert create_error(name=created["name"]) == (["input", "name"], "NAME_TAKEN")
    assert create_error(name="") == (["input", "name"], "REQUIRED")
    assert create_error(defaultPriorityKey="BLOCKER") == (
        ["input", "defaultPriorityKey"],
        "UNKNOWN_PRIORITY",
    )
    assert create_error(teamId=encode_id("Team", 999_999)) == (["input", "teamId"], "NOT_FOUND")
    assert create_error(icon="Not An Icon!") == (["input", "icon"], "INVALID_ICON")

    # Left-out fields stay; null clears the team and the default priority.
    updated = no_errors(
        mutate(
            admin,
            "requestTypeUpdate",
            TYPE_UPDATE,
            id=created["id"],
            name=cat.unique("Printing"),
            teamId=None,
            issueType="SERVICE_REQUEST",
        )
    )["requestType"]
    assert updated["team"] is None and updated["defaultPriority"] == {"key": "P2"}
    assert updated["issueType"] == "SERVICE_REQUEST" and updated["icon"] == "printer"
    updated = no_errors(
        mutate(admin, "requestTypeUpdate", TYPE_UPDATE, id=created["id"], defaultPriorityKey=None)
    )["requestType"]
    assert updated["defaultPriority"] is None

    reordered = no_errors(
        mutate(
            admin,
            "requestTypesReorder",
            TYPES_REORDER,
            categoryId=home["id"],
            ids=[third["id"], created["id"]],
        )
    )
    assert [t["id"] for t in reordered["requestTypes"]] == [
        third["id"],
        created["id"],
        second["id"],
    ]
    assert [t["position"] for t in reordered["requestTypes"]] == [0, 1, 2]
    assert [t["id"] for t in reordered["requestCategory"]["requestTypes"]] == [
        third["id"],
        created["id"],
        second["id"],
    ]
    foreign = mutate(
        admin, "requestTypesReorder", TYPES_REORDER, categoryId=other["id"], ids=[third["id"]]
    )
    assert error_of(foreign) == (["input", "ids", "0"], "NOT_FOUND")

    moved = no_errors(
        mutate(admin, "requestTypeUpdate", TYPE_UPDATE, id=second["id"], categoryId=other["id"])
    )["requestType"]
    assert moved["category"] == {"id": other["id"]} and moved["position"] == 0


def test_form_changes_write_new_versions(
    cat: Catalog, admin: GraphQLClient, server: LiveServer
) -> None:
    category = cat.category()
    rt = cat.request_type(category["id"])
    assert stored_versions(server, rt["id"]) == {1: []}

    env = no_errors(
        cat.field(
            rt["id"],
            "environment",
            "SELECT",
            label="Environment",
            required=True,
            options=[{"value": "prod", "label": "Production"}, {"value": "test"}],
            defaultValue="prod",
        )
    )
    assert env["requestType"]["formVersion"] == 2
    env_field = env["formField"]
    assert env_field["options"][1] == {"value": "test", "label": "test"}
    detail = no_errors(
        cat.field(
            rt["id"],
            "detail",
            "TEXTAREA",
            helpText="Tell us more",
            conditions=[{"effect": "SHOW", "fieldKey": "environment", "values": ["prod"]}],
            constraints={"maxLength": 500},
        )
    )
    assert detail["requestType"]["formVersion"] == 3
    count = no_errors(
        cat.field(
            rt["id"],
            "count",
            "NUMBER",
            constraints={"min": 1, "max": 10, "integerOnly": True},
            defaultValue=2,
        )
    )
    assert count["requestType"]["formVersion"] == 4
    assert count["requestType"]["fields"] == [
        {"key": "environment"},
        {"key": "detail"},
        {"key": "count"},
    ]

    # Relabel: a new version; the old one keeps the old label.
    relabelled = no_errors(cat.update_field(env_field["id"], label="Where"))
    assert relabelled["requestType"]["formVersion"] == 5
    assert relabelled["formField"]["label"] == "Where"
    assert relabelled["formField"]["options"] == env_field["options"]  # left out: kept
    versions = stored_versions(server, rt["id"])
    assert sorted(versions) == [1, 2, 3, 4, 5]
    assert versions[4][0]["label"] == "Environment" and versions[5][0]["label"] == "Where"
    assert versions[5][0]["id"] == pk_of(env_field["id"])
    assert [f["key"] for f in versions[5]] == ["environment", "detail", "count"]

    # The same definition again is no change: no version.
    same = no_errors(cat.update_field(env_field["id"], label="Where"))
    assert same["requestType"]["formVersion"] == 5

    # Reorder: a new version with the new positions; the same order again writes none.
    ids = [count["formField"]["id"], env_field["id"]]
    reordered = no_errors(
        mutate(admin, "formFieldsReorder", FIELDS_REORDER, requestTypeId=rt["id"], ids=ids)
    )["requestType"]
    assert reordered["formVersion"] == 6
    assert reordered["fields"] == [
        {"key": "count", "position": 0},
        {"key": "environment", "position": 1},
        {"key": "detail", "position": 2},
    ]
    again = no_errors(
        mutate(admin, "formFieldsReorder", FIELDS_REORDER, requestTypeId=rt["id"], ids=ids)
    )["requestType"]
    assert again["formVersion"] == 6

    # A field other fields' conditions use cannot be archived.
    in_use = cat.update_field(env_field["id"], archived=True)
    assert error_of(in_use) == (["input", "archived"], "FIELD_IN_USE")

    # Archive: gone from the form, the row and old versions stay.
    archived = no_errors(cat.update_field(detail["formField"]["id"], archived=True))
    assert archived["requestType"]["formVersion"] == 7
    assert [f["key"] for f in archived["requestType"]["fields"]] == ["count", "environment"]
    rows = db_rows(
        server,
        select(FormField.key, FormField.archived_at).where(
            FormField.request_type_id == pk_of(rt["id"])
        ),
    )
    assert {r.key: r.archived_at is not None for r in rows} == {
        "environment": False,
        "detail": True,
        "count": False,
    }
    assert "detail" in [f["key"] for f in stored_versions(server, rt["id"])[6]]
    # Its key stays taken; archived fields have no place in the order.
    reused = cat.field(rt["id"], "detail")
    assert error_of(reused) == (["input", "key"], "DUPLICATE_KEY")
    misplaced = mutate(
        admin,
        "formFieldsReorder",
        FIELDS_REORDER,
        requestTypeId=rt["id"],
        ids=[detail["formField"]["id"]],
    )
    assert error_of(misplaced) == (["input", "ids", "0"], "FIELD_ARCHIVED")

    # Restoring puts a field back at the end.
    restored = no_errors(cat.update_field(detail["formField"]["id"], archived=False))
    assert restored["requestType"]["formVersion"] == 8
    assert [f["key"] for f in restored["requestType"]["fields"]] == [
        "count",
        "environment",
        "detail",
    ]

    # The portal shows the current version; the request detail shows a request's own version.
    current = demo_type(portal(admin, archived=True), category["name"], rt["name"])
    assert current["formVersion"] == 8
    assert [f["label"] for f in current["fields"]][1] == "Where"


SUBMIT = """mutation($input: RequestSubmitInput!) { requestSubmit(input: $input) {
  request { formVersion } userErrors { field code } } }"""


def test_submissions_follow_form_changes_at_once(
    cat: Catalog, admin: GraphQLClient, agent: GraphQLClient
) -> None:
    """Submissions cache form versions per process (they never change); a form change is a
    new version, which the very next submission validates against; archiving applies at once."""
    rt = cat.request_type(cat.category()["id"])
    no_errors(cat.field(rt["id"], "site", "TEXT", required=True))
    org = agent.ok("{ organisations(first: 1) { nodes { id } } }")["organisations"]["nodes"][0]

    def submit(*fields: tuple[str, Any]) -> dict[str, Any]:
        data = agent.ok(
            SUBMIT,
            input={
                "requestTypeId": rt["id"],
                "organisationId": org["id"],
                "summary": "Form follows",
                "fields": [{"key": k, "value": v} for k, v in fields],
            },
        )
        return dict(data["requestSubmit"])

    assert submit(("site", "Berlin"))["request"] == {"formVersion": 2}  # version 2 cached
    no_errors(cat.field(rt["id"], "floor", "NUMBER", required=True))
    refused = submit(("site", "Berlin"))
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [
        (["input", "fields", "floor"], "REQUIRED")
    ]
    assert submit(("site", "Berlin"), ("floor", 3))["request"] == {"formVersion": 3}
    no_errors(mutate(admin, "requestTypeUpdate", TYPE_UPDATE, id=rt["id"], archived=True))
    gone = submit(("site", "Berlin"), ("floor", 3))
    assert [(e["field"], e["code"]) for e in gone["userErrors"]] == [
        (["input", "requestTypeId"], "NOT_FOUND")
    ]


def test_defaults_are_normalised_and_clearable(cat: Catalog) -> None:
    rt = cat.request_type(cat.category()["id"])
    when = no_errors(
        cat.field(rt["id"], "meeting", "DATETIME", defaultValue="2030-05-01T10:00:00+02:00")
    )["formField"]
    assert when["defaultValue"] == "2030-05-01T08:00:00Z"
    multi = no_errors(
        cat.field(
            rt["id"],
            "tools",
            "MULTI_SELECT",
            options=[{"value": "a"}, {"value": "b"}, {"value": "c"}],
            defaultValue=["c", "a"],
            constraints={"minSelected": 1, "maxSelected": 2},
        )
    )["formField"]
    assert multi["defaultValue"] == ["a", "c"]
    assert (multi["minSelected"], multi["maxSelected"]) == (1, 2)
    blank = no_errors(cat.field(rt["id"], "blank", defaultValue=""))["formField"]
    assert blank["defaultValue"] is None
    cleared = no_errors(cat.update_field(multi["id"], defaultValue=None))["formField"]
    assert cleared["defaultValue"] is None and cleared["maxSelected"] == 2
    # Constraints are replaced as a whole.
    replaced = no_errors(cat.update_field(multi["id"], constraints={"maxSelected": 3}))
    assert (replaced["formField"]["minSelected"], replaced["formField"]["maxSelected"]) == (None, 3)


def test_unarchived_field_with_broken_condition_is_refused(cat: Catalog) -> None:
    rt = cat.request_type(cat.category()["id"])
    a = no_errors(cat.field(rt["id"], "a", "CHECKBOX"))["formField"]
    b = no_errors(
        cat.field(
            rt["id"], "b", conditions=[{"effect": "SHOW", "fieldKey": "a", "values": ["true"]}]
        )
    )["formField"]
    no_errors(cat.update_field(b["id"], archived=True))
    no_errors(cat.update_field(a["id"], archived=True))
    refused = cat.update_field(b["id"], archived=False)
    assert error_of(refused) == (["input", "conditions", "0"], "UNKNOWN_CONDITION_FIELD")
    restored = no_errors(cat.update_field(b["id"], archived=False, conditions=[]))
    assert [f["key"] for f in restored["requestType"]["fields"]] == ["b"]


# ---- definition problems


def _problem_cases() -> list[tuple[dict[str, Any], list[str], str]]:
    show_on = [{"effect": "SHOW", "fieldKey": "nowhere", "values": ["x"]}]
    return [
        ({"key": "existing"}, ["input", "key"], "DUPLICATE_KEY"),
        ({"key": "Bad Key"}, ["input", "key"], "INVALID_KEY"),
        (
            {"constraints": {"pattern": "([a-z"}},
            ["input", "constraints", "pattern"],
            "INVALID_PATTERN",
        ),
        ({"conditions": show_on}, ["input", "conditions", "0"], "UNKNOWN_CONDITION_FIELD"),
        (
            {"kind": "NUMBER", "constraints": {"min": 10, "max": 1}},
            ["input", "constraints", "min"],
            "INVALID_RANGE",
        ),
        (
            {"kind": "DATE", "constraints": {"min": "2030-01-01", "max": "2020-01-01"}},
            ["input", "constraints", "min"],
            "INVALID_RANGE",
        ),
        ({"kind": "NUMBER", "defaultValue": "five"}, ["input", "defaultValue"], "INVALID_DEFAULT"),
        (
            {"kind": "NUMBER", "constraints": {"max": 3}, "defaultValue": 4},
            ["input", "defaultValue"],
            "INVALID_DEFAULT",
        ),
        ({"kind": "SELECT"}, ["input", "options"], "MISSING_OPTIONS"),
        (
            {"kind": "SELECT", "options": [{"value": "a"}, {"value": "a"}]},
            ["input", "options"],
            "DUPLICATE_OPTION",
        ),
        (
            {"kind": "CHECKBOX", "constraints": {"maxLength": 3}},
            ["input", "constraints", "maxLength"],
            "CONSTRAINT_NOT_APPLICABLE",
        ),
        ({"label": " "}, ["input", "label"], "REQUIRED"),
        (
            {"kind": "TEXT", "constraints": {"maxLength": 1000}},
            ["input", "constraints", "maxLength"],
            "INVALID_CONSTRAINT",
        ),
        (
            {"kind": "ATTACHMENT", "defaultValue": ["x"]},
            ["input", "defaultValue"],
            "DEFAULT_NOT_ALLOWED",
        ),
    ]


def test_definition_problems_name_the_field_and_write_nothing(
    cat: Catalog, server: LiveServer
) -> None:
    rt = cat.request_type(cat.category()["id"])
    existing = no_errors(cat.field(rt["id"], "existing", "SELECT", options=[{"value": "x"}]))
    assert existing["requestType"]["formVersion"] == 2
    before = stored_versions(server, rt["id"])
    field_count = db_rows(
        server,
        select(func.count())
        .select_from(FormField)
        .where(FormField.request_type_id == pk_of(rt["id"])),
    )[0][0]

    for case, path, code in _problem_cases():
        input = {"key": "fresh", "kind": "TEXT", **case}
        payload = cat.field(rt["id"], **input)
        assert payload["formField"] is None and payload["requestType"] is None, case
        assert [(e["field"], e["code"]) for e in payload["userErrors"]][:1] == [(path, code)], (
            case,
            payload["userErrors"],
        )
        assert payload["userErrors"][0]["message"]

    # A cycle: a depends on b, then b on a.
    a = no_errors(cat.field(rt["id"], "a", "CHECKBOX"))["formField"]
    no_errors(
        cat.field(
            rt["id"],
            "b",
            "CHECKBOX",
            conditions=[{"effect": "REQUIRE", "fieldKey": "a", "values": ["true"]}],
        )
    )
    cycle = cat.update_field(
        a["id"], conditions=[{"effect": "SHOW", "fieldKey": "b", "values": ["true"]}]
    )
    assert error_of(cycle) == (["input", "conditions"], "CONDITION_CYCLE")
    self_ref = cat.update_field(
        a["id"], conditions=[{"effect": "SHOW", "fieldKey": "a", "values": ["true"]}]
    )
    assert error_of(self_ref) == (["input", "conditions", "0"], "SELF_REFERENCE")
    # Removing an option another field's condition uses is refused, on `options`.
    c = no_errors(
        cat.field(
            rt["id"], "c", conditions=[{"effect": "SHOW", "fieldKey": "existing", "values": ["x"]}]
        )
    )["formField"]
    assert c["conditions"][0]["values"] == ["x"]
    dropped = cat.update_field(existing["formField"]["id"], options=[{"value": "y"}])
    assert error_of(dropped) == (["input", "options"], "INVALID_CONDITION_VALUE")

    versions = stored_versions(server, rt["id"])
    assert set(versions) == {*before, 3, 4, 5}  # only the three successful creates
    fields = db_rows(
        server,
        select(func.count())
        .select_from(FormField)
        .where(FormField.request_type_id == pk_of(rt["id"])),
    )[0][0]
    assert fields == field_count + 3


# ---- permissions and IDs


def _every_mutation(ids: dict[str, str]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        ("requestCategoryCreate", CATEGORY_CREATE, {"name": "Nope"}),
        ("requestCategoryUpdate", CATEGORY_UPDATE, {"id": ids["category"], "name": "Nope"}),
        ("requestCategoriesReorder", CATEGORIES_REORDER, {"ids": [ids["category"]]}),
        ("requestTypeCreate", TYPE_CREATE, {"categoryId": ids["category"], "name": "Nope"}),
        ("requestTypeUpdate", TYPE_UPDATE, {"id": ids["type"], "archived": True}),
        ("requestTypesReorder", TYPES_REORDER, {"categoryId": ids["category"], "ids": []}),
        (
            "formFieldCreate",
            FIELD_CREATE,
            {"requestTypeId": ids["type"], "key": "k", "kind": "TEXT", "label": "K"},
        ),
        ("formFieldUpdate", FIELD_UPDATE, {"id": ids["field"], "label": "Nope"}),
        ("formFieldsReorder", FIELDS_REORDER, {"requestTypeId": ids["type"], "ids": []}),
        ("prioritySchemeSet", SCHEME_SET, {"key": "jira"}),
    ]


def test_only_admins_change_the_catalog(
    cat: Catalog,
    customer: GraphQLClient,
    agent: GraphQLClient,
    anonymous: GraphQLClient,
    server: LiveServer,
) -> None:
    category = cat.category()
    rt = cat.request_type(category["id"])
    field = no_errors(cat.field(rt["id"], "only"))["formField"]
    ids = {"category": category["id"], "type": rt["id"], "field": field["id"]}
    for name, query, input in _every_mutation(ids):
        for client in (customer, agent):
            payload = mutate(client, name, query, **input)
            assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(None, "FORBIDDEN")]
        result = anonymous.execute(query, input=input)
        assert result.codes == ["UNAUTHENTICATED"], (name, result.errors)
    assert anonymous.execute(PORTAL).codes == ["UNAUTHENTICATED"]
    assert stored_versions(server, rt["id"]).keys() == {1, 2}


def test_wrong_type_ids_are_invalid(cat: Catalog, admin: GraphQLClient) -> None:
    category = cat.category()
    rt = cat.request_type(category["id"])
    team = team_id(admin, "Support")
    cases = [
        (
            "requestTypeCreate",
            TYPE_CREATE,
            {"categoryId": team, "name": "X"},
            ["input", "categoryId"],
        ),
        (
            "requestTypeCreate",
            TYPE_CREATE,
            {"categoryId": category["id"], "name": "X", "teamId": category["id"]},
            ["input", "teamId"],
        ),
        ("requestTypeUpdate", TYPE_UPDATE, {"id": category["id"]}, ["input", "id"]),
        ("requestCategoryUpdate", CATEGORY_UPDATE, {"id": rt["id"]}, ["input", "id"]),
        (
            "requestCategoriesReorder",
            CATEGORIES_REORDER,
            {"ids": [rt["id"]]},
            ["input", "ids", "0"],
        ),
        (
            "formFieldCreate",
            FIELD_CREATE,
            {"requestTypeId": category["id"], "key": "k", "kind": "TEXT", "label": "K"},
            ["input", "requestTypeId"],
        ),
        ("formFieldUpdate", FIELD_UPDATE, {"id": rt["id"]}, ["input", "id"]),
        (
            "formFieldsReorder",
            FIELDS_REORDER,
            {"requestTypeId": rt["id"], "ids": [rt["id"]]},
            ["input", "ids", "0"],
        ),
        ("formFieldUpdate", FIELD_UPDATE, {"id": "not-an-id"}, ["input", "id"]),
    ]
    for name, query, input, path in cases:
        payload = mutate(admin, name, query, **input)
        assert error_of(payload) == (path, "INVALID_ID"), (name, payload)
    missing = mutate(admin, "formFieldUpdate", FIELD_UPDATE, id=encode_id("FormField", 999_999))
    assert error_of(missing) == (["input", "id"], "NOT_FOUND")


# ---- SQL statements


COUNTED = "{ portal { categories { requestTypes { fields { key } } } } }"


def _statements(server: LiveServer, client: GraphQLClient) -> int:
    client.ok(COUNTED)  # warm up: the session lookup of a first request may differ
    server.counter.reset()
    data = client.ok(COUNTED)
    count = server.counter.count
    assert data["portal"]["categories"]
    return count


def test_portal_statement_count_is_constant(
    cat: Catalog, server: LiveServer, customer: GraphQLClient
) -> None:
    before = _statements(server, customer)
    # A much larger catalog: more categories, types and fields.
    for _ in range(3):
        category = cat.category()
        for _ in range(3):
            rt = cat.request_type(category["id"])
            for key in ("one", "two", "three"):
                no_errors(cat.field(rt["id"], key))
    after = _statements(server, customer)
    assert after == before, server.counter.statements
    assert after <= 6, server.counter.statements


# ---- priority scheme (its own server: the switch changes the whole portal)


@pytest.fixture(scope="module")
def scheme_server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live, pg_url = start_server(backend, tmp_path_factory)
    yield live
    live.stop()
    if pg_url:
        drop_pg_database(pg_url)


def test_priority_scheme_switch(scheme_server: LiveServer) -> None:
    admin = GraphQLClient(scheme_server.graphql_url)
    customer = GraphQLClient(scheme_server.graphql_url)
    try:
        no_errors(admin.login("admin@frontdesk.example"))
        no_errors(customer.login("alice@acme.example"))
        scheme = admin.ok(
            "{ portal { priorityScheme { key matrix { urgency impact priority { key } } } "
            "availablePrioritySchemes { key } } }"
        )["portal"]
        assert [s["key"] for s in scheme["availablePrioritySchemes"]] == ["default", "jira"]
        matrix = {
            (c["urgency"], c["impact"]): c["priority"]["key"]
            for c in scheme["priorityScheme"]["matrix"]
        }
        assert (
            len(matrix) == 9 and matrix[("HIGH", "HIGH")] == "P1" and matrix[("LOW", "LOW")] == "P4"
        )

        unknown = mutate(admin, "prioritySchemeSet", SCHEME_SET, key="nope")
        assert error_of(unknown) == (["input", "key"], "UNKNOWN_SCHEME")

        switched = no_errors(mutate(admin, "prioritySchemeSet", SCHEME_SET, key="jira"))
        assert switched["priorityScheme"]["customerMayChoose"] is True
        assert switched["portal"] == {"priorityScheme": {"key": "jira"}}
        data = portal(customer)
        assert data["priorityScheme"]["key"] == "jira"
        assert data["priorityScheme"]["customerMayChoose"] is True
        # Defaults of the old scheme are cleared; the new scheme's levels can be set.
        outage = demo_type(data, "Incidents", "Report an outage")
        assert outage["defaultPriority"] is None
        refused = mutate(
            admin, "requestTypeUpdate", TYPE_UPDATE, id=outage["id"], defaultPriorityKey="P1"
        )
        assert error_of(refused) == (["input", "defaultPriorityKey"], "UNKNOWN_PRIORITY")
        accepted = mutate(
            admin, "requestTypeUpdate", TYPE_UPDATE, id=outage["id"], defaultPriorityKey="CRITICAL"
        )
        assert no_errors(accepted)["requestType"]["defaultPriority"] == {"key": "CRITICAL"}
        no_errors(mutate(admin, "prioritySchemeSet", SCHEME_SET, key="default"))
        assert portal(customer)["priorityScheme"]["key"] == "default"
    finally:
        admin.close()
        customer.close()
