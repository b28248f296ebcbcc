"""requestSubmit end to end: validation, permissions, priority, references, idempotency."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.models import FormField, FormVersion, RequestCategory, RequestType
from backend.domain.global_ids import encode
from tests.support.client import GraphQLClient
from tests.support.db import rows, run_db, scalar
from tests.support.server import LiveServer

SUBMIT = """
mutation($input: RequestSubmitInput!) { requestSubmit(input: $input) {
  request { id reference status priorityKey priorityRank visibility summary formVersion
            reporter { email } organisation { name } participants { email }
            fields { key label value } }
  userErrors { field code message } } }
"""

FIELDS: list[dict[str, Any]] = [
    {
        "key": "environment",
        "kind": "SELECT",
        "label": "Environment",
        "required": True,
        "options": [{"value": "prod", "label": "Production"}, {"value": "test", "label": "Test"}],
    },
    {
        "key": "impact_detail",
        "kind": "TEXT",
        "label": "What is broken in production?",
        "conditions": [
            {"effect": "SHOW", "fieldKey": "environment", "operator": "IN", "values": ["prod"]}
        ],
        "required": True,
    },
    {
        "key": "users",
        "kind": "NUMBER",
        "label": "Affected users",
        "minValue": 1,
        "maxValue": 1000,
        "integerOnly": True,
    },
    {"key": "contact", "kind": "EMAIL", "label": "Contact"},
]
_names = itertools.count(1)


def make_request_type(server: LiveServer, fields: list[dict[str, Any]] = FIELDS, **kw: Any) -> str:
    """A category and a request type with a form (version 1); returns the type's global ID."""

    async def work(session: AsyncSession) -> int:
        n = next(_names)
        category = RequestCategory(name=f"Category {n}-{id(fields)}", position=n)
        session.add(category)
        await session.flush()
        request_type = RequestType(category_id=category.id, name=f"Type {n}", form_version=1, **kw)
        session.add(request_type)
        await session.flush()
        stored = []
        for position, spec in enumerate(fields):
            row = FormField(
                request_type_id=request_type.id, key=spec["key"], position=position, spec=spec
            )
            session.add(row)
            await session.flush()
            stored.append({"id": row.id, "position": position, **spec})
        session.add(FormVersion(request_type_id=request_type.id, version=1, fields=stored))
        return request_type.id

    return encode("RequestType", run_db(server.settings, work))


def org_id(client: GraphQLClient, name: str) -> str:
    memberships = client.ok("{ viewer { memberships { organisation { id name } } } }")
    return next(
        m["organisation"]["id"]
        for m in memberships["viewer"]["memberships"]
        if m["organisation"]["name"] == name
    )


@pytest.fixture
def rt(server: LiveServer) -> str:
    return make_request_type(server)


@pytest.fixture
def alice(client_factory: Any) -> GraphQLClient:
    return client_factory("alice@acme.example")


def submit(client: GraphQLClient, **input: Any) -> dict[str, Any]:
    return client.mutate("requestSubmit", SUBMIT, **input)


def valid_input(rt: str, org: str, **extra: Any) -> dict[str, Any]:
    return {
        "requestTypeId": rt,
        "organisationId": org,
        "summary": "Exam portal is down",
        "fields": [
            {"key": "environment", "value": "prod"},
            {"key": "impact_detail", "value": "Candidates cannot log in"},
            {"key": "users", "value": 120},
        ],
        **extra,
    }


def count_requests(server: LiveServer) -> int:
    return int(scalar(server.settings, "SELECT count(*) FROM requests"))


def test_super_user_submits(server: LiveServer, alice: GraphQLClient, rt: str) -> None:
    acme = org_id(alice, "Acme Exams")
    payload = submit(alice, **valid_input(rt, acme, urgency="HIGH", impact="MEDIUM"))
    assert payload["userErrors"] == []
    request = payload["request"]
    assert request["reference"].startswith("FD-")
    assert request["status"] == "WAITING_FOR_SUPPORT"
    assert (request["priorityKey"], request["priorityRank"]) == ("P2", 2)
    assert request["reporter"]["email"] == "alice@acme.example"
    assert request["organisation"]["name"] == "Acme Exams"
    assert request["visibility"] == "PRIVATE"
    assert request["formVersion"] == 1
    assert request["fields"] == [
        {"key": "environment", "label": "Environment", "value": "prod"},
        {
            "key": "impact_detail",
            "label": "What is broken in production?",
            "value": "Candidates cannot log in",
        },
        {"key": "users", "label": "Affected users", "value": 120},
    ]
    # The first timeline event was written with the request.
    events = rows(
        server.settings,
        "SELECT e.kind FROM timeline_events e JOIN requests r ON r.id = e.request_id "
        "WHERE r.reference = :ref",
        ref=request["reference"],
    )
    assert [e.kind for e in events] == ["CREATED"]
    # Readable back by reference and by node ID.
    again = alice.ok(
        "query($r: String!) { request(reference: $r) { id summary } }", r=request["reference"]
    )
    assert again["request"] == {"id": request["id"], "summary": "Exam portal is down"}


@pytest.mark.parametrize(
    ("urgency", "impact", "expected"),
    [
        ("HIGH", "HIGH", "P1"),
        ("HIGH", "MEDIUM", "P2"),
        ("HIGH", "LOW", "P3"),
        ("MEDIUM", "HIGH", "P2"),
        ("MEDIUM", "MEDIUM", "P2"),
        ("MEDIUM", "LOW", "P3"),
        ("LOW", "HIGH", "P3"),
        ("LOW", "MEDIUM", "P3"),
        ("LOW", "LOW", "P4"),
    ],
)
def test_priority_matrix(
    alice: GraphQLClient, rt: str, urgency: str, impact: str, expected: str
) -> None:
    acme = org_id(alice, "Acme Exams")
    payload = submit(alice, **valid_input(rt, acme, urgency=urgency, impact=impact))
    assert payload["request"]["priorityKey"] == expected


def test_customer_may_not_choose_priority_in_default_scheme(
    server: LiveServer, alice: GraphQLClient, rt: str
) -> None:
    before = count_requests(server)
    payload = submit(alice, **valid_input(rt, org_id(alice, "Acme Exams"), priorityKey="P1"))
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "priorityKey"], "PRIORITY_NOT_CHOOSABLE")
    ]
    assert payload["request"] is None
    assert count_requests(server) == before


def test_all_problems_at_once_and_nothing_written(
    server: LiveServer, alice: GraphQLClient, rt: str
) -> None:
    before = count_requests(server)
    payload = submit(
        alice,
        requestTypeId=rt,
        organisationId=org_id(alice, "Acme Exams"),
        summary="   ",
        fields=[
            {"key": "users", "value": 5000},
            {"key": "contact", "value": "not-an-email"},
            {"key": "nonsense", "value": 1},
            {"key": "impact_detail", "value": "x"},
        ],
    )
    problems = {(tuple(e["field"]), e["code"]) for e in payload["userErrors"]}
    assert problems == {
        (("input", "summary"), "REQUIRED"),
        (("input", "fields", "environment"), "REQUIRED"),
        (("input", "fields", "users"), "OUT_OF_RANGE"),
        (("input", "fields", "contact"), "INVALID_EMAIL"),
        (("input", "fields", "nonsense"), "UNKNOWN_FIELD"),
        (("input", "fields", "impact_detail"), "HIDDEN_FIELD"),
    }
    assert payload["request"] is None
    assert count_requests(server) == before


def test_condition_makes_field_required(alice: GraphQLClient, rt: str) -> None:
    payload = submit(
        alice,
        requestTypeId=rt,
        organisationId=org_id(alice, "Acme Exams"),
        summary="Broken",
        fields=[{"key": "environment", "value": "prod"}],
    )
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "fields", "impact_detail"], "REQUIRED")
    ]
    payload = submit(
        alice,
        requestTypeId=rt,
        organisationId=org_id(alice, "Acme Exams"),
        summary="Broken in test only",
        fields=[{"key": "environment", "value": "test"}],
    )
    assert payload["userErrors"] == []


def test_summary_too_long(alice: GraphQLClient, rt: str) -> None:
    payload = submit(
        alice, **{**valid_input(rt, org_id(alice, "Acme Exams")), "summary": "x" * 256}
    )
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "summary"], "TOO_LONG")
    ]


def test_member_and_outsider_refused(
    server: LiveServer, client_factory: Any, alice: GraphQLClient, rt: str
) -> None:
    acme = org_id(alice, "Acme Exams")
    before = count_requests(server)
    bob = client_factory("bob@acme.example")
    payload = submit(bob, **valid_input(rt, acme))
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "organisationId"], "FORBIDDEN")
    ]
    carol = client_factory("carol@globex.example")
    payload = submit(carol, **valid_input(rt, acme))
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "organisationId"], "NOT_FOUND")
    ]
    assert count_requests(server) == before


def test_wrong_ids(alice: GraphQLClient, rt: str) -> None:
    acme = org_id(alice, "Acme Exams")
    payload = submit(alice, **valid_input(acme, rt))  # swapped on purpose
    assert {(tuple(e["field"]), e["code"]) for e in payload["userErrors"]} == {
        (("input", "requestTypeId"), "INVALID_ID"),
        (("input", "organisationId"), "INVALID_ID"),
    }
    payload = submit(alice, **valid_input(encode("RequestType", 999_999), acme))
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "requestTypeId"], "NOT_FOUND")
    ]


def test_agent_submits_on_behalf(client_factory: Any, alice: GraphQLClient, rt: str) -> None:
    acme = org_id(alice, "Acme Exams")
    alice_id = alice.ok("{ viewer { user { id } } }")["viewer"]["user"]["id"]
    agent = client_factory("agent@frontdesk.example")
    payload = submit(agent, **valid_input(rt, acme, reporterId=alice_id, priorityKey="P1"))
    assert payload["userErrors"] == []
    assert payload["request"]["reporter"]["email"] == "alice@acme.example"
    assert payload["request"]["priorityKey"] == "P1"  # agents may choose
    carol = client_factory("carol@globex.example")
    carol_id = carol.ok("{ viewer { user { id } } }")["viewer"]["user"]["id"]
    payload = submit(agent, **valid_input(rt, acme, reporterId=carol_id))
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "reporterId"], "NOT_A_MEMBER")
    ]


def test_participants_must_belong_to_the_organisation(
    client_factory: Any, alice: GraphQLClient, rt: str
) -> None:
    acme = org_id(alice, "Acme Exams")
    bob_id = client_factory("bob@acme.example").ok("{ viewer { user { id } } }")
    carol_id = client_factory("carol@globex.example").ok("{ viewer { user { id } } }")
    payload = submit(
        alice,
        **valid_input(
            rt,
            acme,
            participantIds=[bob_id["viewer"]["user"]["id"], carol_id["viewer"]["user"]["id"]],
        ),
    )
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "participantIds", "1"], "NOT_A_MEMBER")
    ]
    payload = submit(
        alice, **valid_input(rt, acme, participantIds=[bob_id["viewer"]["user"]["id"]])
    )
    assert payload["request"]["participants"] == [{"email": "bob@acme.example"}]


def test_idempotency_key(client_factory: Any, alice: GraphQLClient, rt: str) -> None:
    acme = org_id(alice, "Acme Exams")
    first = submit(alice, **valid_input(rt, acme, idempotencyKey="retry-1"))["request"]
    second = submit(alice, **valid_input(rt, acme, idempotencyKey="retry-1"))["request"]
    assert first["id"] == second["id"] and first["reference"] == second["reference"]
    anna = client_factory("anna@acme.example")
    other = submit(anna, **valid_input(rt, acme, idempotencyKey="retry-1"))["request"]
    assert other["id"] != first["id"]


def test_request_keeps_its_form_version(server: LiveServer, alice: GraphQLClient, rt: str) -> None:
    acme = org_id(alice, "Acme Exams")
    request = submit(alice, **valid_input(rt, acme))["request"]
    rt_pk = int(
        scalar(
            server.settings,
            "SELECT request_type_id FROM requests WHERE reference = :r",
            r=request["reference"],
        )
    )

    async def relabel(session: AsyncSession) -> None:
        # Stored as the catalog stores versions (each field with its id): the portal lists
        # this type's form in later tests of the same server.
        first = await session.scalar(
            select(FormVersion.fields).where(
                FormVersion.request_type_id == rt_pk, FormVersion.version == 1
            )
        )
        renamed = [{**f, "label": f"{f['label']} (new)"} for f in first]
        session.add(FormVersion(request_type_id=rt_pk, version=2, fields=renamed))
        request_type = await session.get(RequestType, rt_pk)
        assert request_type is not None
        request_type.form_version = 2

    run_db(server.settings, relabel)
    shown = alice.ok(
        "query($r: String!) { request(reference: $r) { formVersion fields { label } } }",
        r=request["reference"],
    )["request"]
    assert shown["formVersion"] == 1
    assert shown["fields"][0]["label"] == "Environment"
    newer = submit(alice, **valid_input(rt, acme))["request"]
    assert newer["formVersion"] == 2
    assert newer["fields"][0]["label"] == "Environment (new)"


def test_concurrent_references_are_unique_and_gapless(
    server: LiveServer, alice: GraphQLClient, rt: str
) -> None:
    acme = org_id(alice, "Acme Exams")
    cookies = dict(alice.cookies.items())

    async def one(client: httpx.AsyncClient, i: int) -> str:
        response = await client.post(
            "/graphql",
            json={"query": SUBMIT, "variables": {"input": valid_input(rt, acme, summary=f"c{i}")}},
        )
        payload = response.json()["data"]["requestSubmit"]
        assert payload["userErrors"] == [], payload
        return str(payload["request"]["reference"])

    async def burst() -> list[str]:
        async with httpx.AsyncClient(base_url=server.url, cookies=cookies, timeout=60) as client:
            return await asyncio.gather(*(one(client, i) for i in range(50)))

    references = asyncio.run(burst())
    numbers = sorted(int(r.removeprefix("FD-")) for r in references)
    assert len(set(numbers)) == 50
    assert numbers == list(range(numbers[0], numbers[0] + 50))
    # Gapless across the whole table too: every number from 1 to the highest is used once.
    all_numbers = [
        r.number for r in rows(server.settings, "SELECT number FROM requests ORDER BY number")
    ]
    assert all_numbers == list(range(1, len(all_numbers) + 1))


def test_attachments_travel_with_the_request(
    server: LiveServer, client_factory: Any, alice: GraphQLClient
) -> None:
    import io

    from gql import FileVar, gql

    rt_id = make_request_type(
        server,
        [
            {
                "key": "screenshot",
                "kind": "ATTACHMENT",
                "label": "Screenshot",
                "maxFiles": 1,
                "maxFileSize": 1000,
            }
        ],
    )
    uploader = GraphQLClient(server.graphql_url, headers={"X-Frontdesk-CSRF": "1"})
    uploader.cookies.update(alice.cookies)

    def upload(content: bytes, name: str) -> str:
        request = gql(
            "mutation($input: AttachmentUploadInput!) { attachmentUpload(input: $input) {"
            " attachment { id } userErrors { code } } }"
        )
        request.variable_values = {
            "input": {
                "file": FileVar(io.BytesIO(content), filename=name, content_type="text/plain")
            }
        }
        data = uploader.session.execute(request, upload_files=True)
        return str(data["attachmentUpload"]["attachment"]["id"])

    small, big, loose = (
        upload(b"a" * 10, "a.txt"),
        upload(b"b" * 2000, "b.txt"),
        upload(b"c", "c.txt"),
    )
    acme = org_id(alice, "Acme Exams")
    payload = submit(
        alice,
        requestTypeId=rt_id,
        organisationId=acme,
        summary="With files",
        fields=[{"key": "screenshot", "value": [big]}],
    )
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "fields", "screenshot"], "FILE_TOO_LARGE")
    ]
    payload = submit(
        alice,
        requestTypeId=rt_id,
        organisationId=acme,
        summary="With files",
        fields=[{"key": "screenshot", "value": [small]}],
        attachmentIds=[loose],
    )
    assert payload["userErrors"] == []
    reference = payload["request"]["reference"]
    shown = alice.ok(
        "query($r: String!) { request(reference: $r) { fields { key value }"
        " attachments { id filename downloadUrl } } }",
        r=reference,
    )["request"]
    assert shown["fields"] == [{"key": "screenshot", "value": [small]}]
    assert sorted(a["filename"] for a in shown["attachments"]) == ["a.txt", "c.txt"]
    # An attachment belongs to one request: reusing it is refused.
    again = submit(
        alice, requestTypeId=rt_id, organisationId=acme, summary="Reuse", attachmentIds=[loose]
    )
    assert [(e["field"], e["code"]) for e in again["userErrors"]] == [
        (["input", "attachmentIds", "0"], "NOT_FOUND")
    ]
    # Downloads follow the request's visibility: private, so bob (a member) gets 404.
    url = server.url + shown["attachments"][0]["downloadUrl"]
    assert httpx.get(url, cookies=dict(alice.cookies.items())).status_code == 200
    bob = client_factory("bob@acme.example")
    assert httpx.get(url, cookies=dict(bob.cookies.items())).status_code == 404
    uploader.close()
