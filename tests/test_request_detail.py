"""The request detail and its actions end to end: what each viewer sees (comments, timeline,
files), the rules of every action, and the timeline events each writes (checked in the DB)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from backend.domain.global_ids import encode
from tests.conftest import start_server, stop_server
from tests.support.client import GraphQLClient
from tests.support.db import scalar
from tests.support.detail import (
    act,
    codes,
    event_count,
    events,
    org_id,
    pk_of,
    raise_request,
    set_status,
)
from tests.support.server import LiveServer
from tests.test_attachments import CSRF, download, unique_bytes, uploaded
from tests.test_request_submit import make_request_type

FIELDS: list[dict[str, Any]] = [
    {
        "key": "environment",
        "kind": "SELECT",
        "label": "Environment",
        "required": True,
        "options": [{"value": "prod", "label": "Production"}, {"value": "test", "label": "Test"}],
    },
    {"key": "seats", "kind": "NUMBER", "label": "Seats", "minValue": 1, "maxValue": 100},
]
NOT_FOUND = [(["input", "requestId"], "NOT_FOUND")]

DETAIL = """
id reference status visibility dueAt priorityKey
priority { key name rank }
team { name }
assignee { email }
participants { email }
fields { key label value field { __typename label } }
attachments { id filename }
notificationsEnabled
availableTransitions { name toStatus }
viewerCan { comment share cancel reopen escalate transition assign }
comments(first: 50) { totalCount nodes { id body internal author { email }
  attachments { id filename } } }
timeline(first: 100) { totalCount nodes { __typename kind actor { email }
  ... on CommentAddedEvent { internal comment { body } }
  ... on StatusChangedEvent { statusFrom: fromStatus statusTo: toStatus automatic }
  ... on AssignedEvent { assignedFrom: fromAssignee { email } assignedTo: toAssignee { email } }
  ... on PriorityChangedEvent { from: fromPriority to: toPriority reason }
  ... on VisibilityChangedEvent { visibilityFrom: fromVisibility visibilityTo: toVisibility }
  ... on ParticipantAddedEvent { user { email } }
  ... on ParticipantRemovedEvent { user { email } }
  ... on FieldChangedEvent { key label valueFrom: oldValue valueTo: newValue }
  ... on AttachmentAddedEvent { attachment { filename } }
} }
"""
BY_REFERENCE = "query($r: String!) { request(reference: $r) { " + DETAIL + " } }"
BY_ID = "query($id: ID!) { node(id: $id) { ... on Request { " + DETAIL + " } } }"


@pytest.fixture(scope="module")
def rt(server: LiveServer) -> str:
    support = scalar(server.settings, "SELECT id FROM teams WHERE name = 'Support'")
    return make_request_type(server, FIELDS, team_id=support)


@pytest.fixture(scope="module")
def who(server: LiveServer) -> Iterator[dict[str, GraphQLClient]]:
    """Demo logins, one per module; uploads need the CSRF header, so these clients send it."""
    made: dict[str, GraphQLClient] = {}
    for name, email in [
        ("alice", "alice@acme.example"),
        ("anna", "anna@acme.example"),
        ("bob", "bob@acme.example"),
        ("carol", "carol@globex.example"),
        ("agent", "agent@frontdesk.example"),
        ("billing", "billing@frontdesk.example"),
    ]:
        client = GraphQLClient(server.graphql_url, headers=CSRF)
        assert client.login(email)["userErrors"] == []
        made[name] = client
    yield made
    for client in made.values():
        client.close()


def user_id(client: GraphQLClient) -> str:
    return str(client.ok("{ viewer { user { id } } }")["viewer"]["user"]["id"])


def new_request(who: dict[str, GraphQLClient], rt: str, **extra: Any) -> dict[str, Any]:
    alice = who["alice"]
    return raise_request(
        alice,
        rt,
        org_id(alice, "Acme Exams"),
        fields=[{"key": "environment", "value": "prod"}, {"key": "seats", "value": 3}],
        **extra,
    )


def detail(client: GraphQLClient, request: dict[str, Any]) -> dict[str, Any] | None:
    result: dict[str, Any] | None = client.ok(BY_ID, id=request["id"])["node"]
    return result


def comment(client: GraphQLClient, request_id: str, body: str, **extra: Any) -> dict[str, Any]:
    return act(
        client,
        "requestCommentAdd",
        "comment { id body internal attachments { id } }",
        requestId=request_id,
        body=body,
        **extra,
    )


def test_detail_by_reference_and_node(
    server: LiveServer, who: dict[str, GraphQLClient], rt: str
) -> None:
    request = new_request(who, rt)
    by_reference = who["alice"].ok(BY_REFERENCE, r=request["reference"])["request"]
    assert by_reference == detail(who["alice"], request)
    d = by_reference
    assert d["status"] == "WAITING_FOR_SUPPORT"
    assert d["priority"]["key"] == d["priorityKey"]
    assert d["team"] == {"name": "Support"}
    assert d["fields"] == [
        {
            "key": "environment",
            "label": "Environment",
            "value": "prod",
            "field": {"__typename": "SelectField", "label": "Environment"},
        },
        {
            "key": "seats",
            "label": "Seats",
            "value": 3,
            "field": {"__typename": "NumberField", "label": "Seats"},
        },
    ]
    assert d["notificationsEnabled"] is True
    assert d["comments"] == {"totalCount": 0, "nodes": []}
    assert [e["__typename"] for e in d["timeline"]["nodes"]] == ["RequestCreatedEvent"]
    assert d["timeline"]["nodes"][0]["actor"] == {"email": "alice@acme.example"}
    assert d["viewerCan"] == {
        "comment": True,
        "share": True,
        "cancel": True,
        "reopen": False,
        "escalate": True,
        "transition": True,
        "assign": False,
    }
    # Carol (another organisation) and Bob (private request) see nothing, as for no request.
    for name in ("carol", "bob"):
        assert who[name].ok(BY_REFERENCE, r=request["reference"])["request"] is None
        assert detail(who[name], request) is None


def test_comments_and_internal_notes(
    server: LiveServer, who: dict[str, GraphQLClient], rt: str
) -> None:
    alice, agent, bob = who["alice"], who["agent"], who["bob"]
    request = new_request(who, rt)
    rid = request["id"]
    before = event_count(server, rid)

    public = comment(alice, rid, "It is on fire again")
    assert public["userErrors"] == []
    note_file = uploaded(agent, unique_bytes(prefix=b"note "), "secret.txt")
    note = comment(
        agent, rid, "Customer is on the old plan", internal=True, attachmentIds=[note_file["id"]]
    )
    assert note["userErrors"] == [] and note["comment"]["internal"] is True
    reply_file = uploaded(agent, unique_bytes(prefix=b"reply "), "howto.txt")
    reply = comment(agent, rid, "Try turning it off", attachmentIds=[reply_file["id"]])
    assert reply["comment"]["attachments"] == [{"id": reply_file["id"]}]
    # One COMMENTED event each; the note's is internal.
    new = events(server, rid)[before:]
    assert [(e.kind, e.internal) for e in new] == [
        ("COMMENTED", False),
        ("COMMENTED", True),
        ("COMMENTED", False),
    ]

    # The agent sees all three; a customer never sees the note, in comments, timeline, files.
    staff_view = detail(agent, request)
    assert staff_view is not None
    assert staff_view["comments"]["totalCount"] == 3
    assert {a["filename"] for a in staff_view["attachments"]} == {"secret.txt", "howto.txt"}
    assert download(server, note_file["id"], agent).status_code == 200

    execute_share = act(alice, "requestShare", requestId=rid, visibility="ORGANISATION")
    assert execute_share["userErrors"] == []
    for customer in (alice, bob):
        view = detail(customer, request)
        assert view is not None
        assert view["comments"]["totalCount"] == 2
        assert [c["body"] for c in view["comments"]["nodes"]] == [
            "It is on fire again",
            "Try turning it off",
        ]
        kinds = [e["kind"] for e in view["timeline"]["nodes"]]
        assert kinds.count("COMMENTED") == 2
        assert all(not e.get("internal") for e in view["timeline"]["nodes"])
        assert view["timeline"]["totalCount"] == staff_view["timeline"]["totalCount"]  # +1 -1
        assert [a["filename"] for a in view["attachments"]] == ["howto.txt"]
        assert download(server, note_file["id"], customer).status_code == 404
        assert download(server, reply_file["id"], customer).status_code == 200
        assert (
            customer.ok("query($id: ID!) { node(id: $id) { id } }", id=note["comment"]["id"])[
                "node"
            ]
            is None
        )

    # Customers cannot write internal notes; nothing is written.
    count = event_count(server, rid)
    refused = comment(alice, rid, "psst", internal=True)
    assert codes(refused) == [(["input", "internal"], "FORBIDDEN")]
    assert event_count(server, rid) == count


def test_comment_rules(server: LiveServer, who: dict[str, GraphQLClient], rt: str) -> None:
    alice, agent = who["alice"], who["agent"]
    rid = new_request(who, rt)["id"]
    count = event_count(server, rid)
    limit = server.settings.comment_max_length
    assert codes(comment(alice, rid, "x" * (limit + 1))) == [(["input", "body"], "TOO_LONG")]
    assert codes(comment(alice, rid, "   ")) == [(["input", "body"], "REQUIRED")]
    assert comment(alice, rid, "x" * limit)["userErrors"] == []
    count += 1
    for status in ("CLOSED", "CANCELLED"):
        set_status(server, rid, status)
        for client in (alice, agent):
            assert codes(comment(client, rid, "hello?")) == [
                (["input", "requestId"], "REQUEST_CLOSED")
            ]
    assert event_count(server, rid) == count
    assert (
        int(
            scalar(
                server.settings, "SELECT count(*) FROM comments WHERE request_id = :r", r=pk_of(rid)
            )
        )
        == 1
    )


def test_customer_reply_hands_back_to_support(
    server: LiveServer, who: dict[str, GraphQLClient], rt: str
) -> None:
    alice, agent = who["alice"], who["agent"]
    rid = new_request(who, rt)["id"]
    moved = act(agent, "requestTransition", requestId=rid, toStatus="WAITING_FOR_CUSTOMER")
    assert moved["request"]["status"] == "WAITING_FOR_CUSTOMER"
    # An agent's comment keeps waiting for the customer.
    assert comment(agent, rid, "Which printer?")["request"]["status"] == "WAITING_FOR_CUSTOMER"
    before = event_count(server, rid)
    payload = comment(alice, rid, "The one on floor 2")
    assert payload["request"]["status"] == "WAITING_FOR_SUPPORT"
    # Documented: two events, the comment and the automatic status change.
    new = events(server, rid)[before:]
    assert [e.kind for e in new] == ["COMMENTED", "STATUS_CHANGED"]
    assert new[1].data["automatic"] is True


def test_sharing_rules(server: LiveServer, who: dict[str, GraphQLClient], rt: str) -> None:
    alice, anna, bob, carol, agent = (who[n] for n in ("alice", "anna", "bob", "carol", "agent"))
    rid = new_request(who, rt)["id"]
    bob_id, carol_id, agent_id = user_id(bob), user_id(carol), user_id(agent)
    before = event_count(server, rid)

    # Participants: people of Acme or agents, never Globex's.
    refused = act(alice, "requestShare", requestId=rid, addParticipantIds=[bob_id, carol_id])
    assert codes(refused) == [(["input", "addParticipantIds", "1"], "NOT_A_MEMBER")]
    missing = act(alice, "requestShare", requestId=rid, addParticipantIds=[encode("User", 10**6)])
    assert codes(missing) == [(["input", "addParticipantIds", "0"], "NOT_FOUND")]
    assert event_count(server, rid) == before
    shared = act(
        alice,
        "requestShare",
        "request { participants { email } }",
        requestId=rid,
        addParticipantIds=[bob_id, agent_id],
    )
    assert shared["userErrors"] == []
    assert {p["email"] for p in shared["request"]["participants"]} == {
        "bob@acme.example",
        "agent@frontdesk.example",
    }
    assert detail(bob, {"id": rid}) is not None
    # Bob participates but may not share; agents neither (reporter and super users only).
    for client in (bob, agent):
        assert codes(act(client, "requestShare", requestId=rid, visibility="ORGANISATION")) == [
            (None, "FORBIDDEN")
        ]
    # Other super users of Acme share it once they can see it (visibility rule first).
    assert codes(act(anna, "requestShare", requestId=rid, visibility="PRIVATE")) == NOT_FOUND
    opened = act(alice, "requestShare", requestId=rid, visibility="ORGANISATION")
    assert opened["request"]["visibility"] == "ORGANISATION"
    # Adding a participant again changes nothing.
    again = act(
        anna,
        "requestShare",
        requestId=rid,
        addParticipantIds=[bob_id],
        removeParticipantIds=[agent_id],
    )
    assert again["userErrors"] == []
    # Anna makes it private again: she no longer sees it, so the payload shows nothing.
    closed = act(anna, "requestShare", requestId=rid, visibility="PRIVATE")
    assert (closed["userErrors"], closed["request"]) == ([], None)
    assert [e.kind for e in events(server, rid)[before:]] == [
        "PARTICIPANT_ADDED",
        "PARTICIPANT_ADDED",
        "VISIBILITY_CHANGED",
        "PARTICIPANT_REMOVED",
        "VISIBILITY_CHANGED",
    ]
    # Carol: NOT_FOUND, exactly as for a request that does not exist.
    ghost = encode("Request", 10**6)
    for target in (rid, ghost):
        assert codes(act(carol, "requestShare", requestId=target, visibility="PRIVATE")) == (
            NOT_FOUND
        )


def test_notifications_toggle(server: LiveServer, who: dict[str, GraphQLClient], rt: str) -> None:
    alice, bob = who["alice"], who["bob"]
    rid = new_request(who, rt)["id"]
    act(alice, "requestShare", requestId=rid, visibility="ORGANISATION")
    before = event_count(server, rid)
    query = "query($id: ID!) { node(id: $id) { ... on Request { notificationsEnabled } } }"
    off = act(
        alice,
        "requestNotificationsSet",
        "request { notificationsEnabled }",
        requestId=rid,
        enabled=False,
    )
    assert off["request"]["notificationsEnabled"] is False
    assert alice.ok(query, id=rid)["node"]["notificationsEnabled"] is False
    assert bob.ok(query, id=rid)["node"]["notificationsEnabled"] is True  # per user
    act(alice, "requestNotificationsSet", requestId=rid, enabled=True)
    assert alice.ok(query, id=rid)["node"]["notificationsEnabled"] is True
    assert event_count(server, rid) == before  # a preference, not a change of the request
    assert (
        codes(act(who["carol"], "requestNotificationsSet", requestId=rid, enabled=False))
        == NOT_FOUND
    )


def test_assign_and_priority(server: LiveServer, who: dict[str, GraphQLClient], rt: str) -> None:
    alice, agent, billing = who["alice"], who["agent"], who["billing"]
    rid = new_request(who, rt)["id"]
    before = event_count(server, rid)
    bits = "request { assignee { email } priority { key } }"

    assert codes(act(agent, "requestAssign", requestId=rid, assigneeId=user_id(alice))) == [
        (["input", "assigneeId"], "NOT_AN_AGENT")
    ]
    assert codes(act(alice, "requestAssign", requestId=rid, assigneeId=user_id(agent))) == [
        (None, "FORBIDDEN")
    ]
    # Without the team restriction (default), any agent will do.
    done = act(agent, "requestAssign", bits, requestId=rid, assigneeId=user_id(billing))
    assert done["request"]["assignee"] == {"email": "billing@frontdesk.example"}
    assert (
        act(agent, "requestAssign", requestId=rid, assigneeId=user_id(billing))["userErrors"] == []
    )  # unchanged: no event
    assert (
        act(agent, "requestAssign", bits, requestId=rid, assigneeId=None)["request"]["assignee"]
        is None
    )

    assert codes(act(agent, "requestPrioritySet", requestId=rid, priorityKey="P1", reason="")) == [
        (["input", "reason"], "REQUIRED")
    ]
    assert codes(
        act(agent, "requestPrioritySet", requestId=rid, priorityKey="P9", reason="why not")
    ) == [(["input", "priorityKey"], "NOT_FOUND")]
    assert codes(
        act(alice, "requestPrioritySet", requestId=rid, priorityKey="P1", reason="urgent!")
    ) == [(None, "FORBIDDEN")]
    old_key = scalar(
        server.settings, "SELECT priority_key FROM requests WHERE id = :i", i=pk_of(rid)
    )
    target = "P1" if old_key != "P1" else "P4"
    done = act(
        agent, "requestPrioritySet", bits, requestId=rid, priorityKey=target, reason="Exam day"
    )
    assert done["request"]["priority"] == {"key": target}
    new = events(server, rid)[before:]
    assert [e.kind for e in new] == ["ASSIGNED", "ASSIGNED", "PRIORITY_CHANGED"]
    assert new[2].data == {"from": old_key, "to": target, "reason": "Exam day"}
    view = detail(alice, {"id": rid})
    assert view is not None
    assert view["timeline"]["nodes"][-1] == {
        "__typename": "PriorityChangedEvent",
        "kind": "PRIORITY_CHANGED",
        "actor": {"email": "agent@frontdesk.example"},
        "from": old_key,
        "to": target,
        "reason": "Exam day",
    }
    assert view["timeline"]["nodes"][-3]["assignedTo"] == {"email": "billing@frontdesk.example"}


def test_request_update(server: LiveServer, who: dict[str, GraphQLClient], rt: str) -> None:
    alice, agent = who["alice"], who["agent"]
    rid = new_request(who, rt)["id"]
    before = event_count(server, rid)
    bad = act(
        agent,
        "requestUpdate",
        requestId=rid,
        summary="",
        fields=[{"key": "seats", "value": 1000}, {"key": "nope", "value": 1}],
    )
    # Every problem at once, each naming its input field.
    assert codes(bad) == [
        (["input", "summary"], "REQUIRED"),
        (["input", "fields", "nope"], "UNKNOWN_FIELD"),
        (["input", "fields", "seats"], "OUT_OF_RANGE"),
    ]
    assert event_count(server, rid) == before
    assert codes(act(alice, "requestUpdate", requestId=rid, summary="Mine")) == [
        (None, "FORBIDDEN")
    ]
    file = uploaded(agent, unique_bytes(prefix=b"log "), "printer.log")
    done = act(
        agent,
        "requestUpdate",
        "request { dueAt summary fields { key value } }",
        requestId=rid,
        summary="Printer on fire, floor 2",
        dueAt="2030-01-31T12:00:00+00:00",
        fields=[{"key": "seats", "value": 5}],
        attachmentIds=[file["id"]],
    )
    assert done["userErrors"] == []
    assert done["request"]["dueAt"].startswith("2030-01-31T12:00:00")
    new = events(server, rid)[before:]
    assert [(e.kind, e.data.get("key")) for e in new] == [
        ("FIELD_CHANGED", "summary"),
        ("FIELD_CHANGED", "dueAt"),
        ("FIELD_CHANGED", "seats"),
        ("ATTACHMENT_ADDED", None),
    ]
    assert (new[2].data["from"], new[2].data["to"], new[2].data["label"]) == (3, 5, "Seats")
    view = detail(alice, {"id": rid})
    assert view is not None
    assert view["timeline"]["nodes"][-1]["attachment"] == {"filename": "printer.log"}


def test_not_found_is_the_same_for_invisible_and_missing(
    server: LiveServer, who: dict[str, GraphQLClient], rt: str
) -> None:
    carol = who["carol"]
    rid = new_request(who, rt)["id"]
    ghost = encode("Request", 10**6)
    before = event_count(server, rid)
    calls: list[tuple[str, dict[str, Any]]] = [
        ("requestCommentAdd", {"body": "hi"}),
        ("requestShare", {"visibility": "ORGANISATION"}),
        ("requestNotificationsSet", {"enabled": False}),
        ("requestCancel", {}),
        ("requestReopen", {}),
        ("requestEscalate", {"reason": "x"}),
        ("requestTransition", {"toStatus": "RESOLVED"}),
        ("requestAssign", {"assigneeId": None}),
        ("requestPrioritySet", {"priorityKey": "P1", "reason": "x"}),
        ("requestUpdate", {"summary": "x"}),
    ]
    for name, extra in calls:
        answers = [act(carol, name, requestId=target, **extra) for target in (rid, ghost)]
        assert answers[0] == answers[1], name
        assert codes(answers[0]) == NOT_FOUND
    assert event_count(server, rid) == before


# ---- assigning within the team, on a server of its own


@pytest.fixture(scope="module")
def team_server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live, pg_url = start_server(
        backend, tmp_path_factory, assign_within_team=True, auto_close_interval_seconds=0
    )
    yield live
    stop_server(live, pg_url)


def test_assign_within_team(team_server: LiveServer) -> None:
    clients = {n: GraphQLClient(team_server.graphql_url) for n in ("alice", "agent")}
    try:
        alice, agent = clients["alice"], clients["agent"]
        alice.login("alice@acme.example")
        agent.login("agent@frontdesk.example")
        support = scalar(team_server.settings, "SELECT id FROM teams WHERE name = 'Support'")
        rt = make_request_type(team_server, FIELDS, team_id=support)
        rid = raise_request(
            alice,
            rt,
            org_id(alice, "Acme Exams"),
            fields=[{"key": "environment", "value": "test"}],
        )["id"]
        billing = encode(
            "User",
            scalar(
                team_server.settings,
                "SELECT id FROM users WHERE email = 'billing@frontdesk.example'",
            ),
        )
        assert codes(act(agent, "requestAssign", requestId=rid, assigneeId=billing)) == [
            (["input", "assigneeId"], "NOT_IN_TEAM")
        ]
        assert event_count(team_server, rid) == 1
        me = user_id(agent)
        assert act(agent, "requestAssign", requestId=rid, assigneeId=me)["userErrors"] == []
        assert event_count(team_server, rid) == 2
    finally:
        for client in clients.values():
            client.close()


def test_detail_statements_do_not_grow_with_comments(
    server: LiveServer, who: dict[str, GraphQLClient], rt: str
) -> None:
    agent = who["agent"]
    request = new_request(who, rt)

    def statements() -> int:
        server.counter.reset()
        assert detail(agent, request) is not None
        return server.counter.count

    comment(agent, request["id"], "first")
    few = statements()
    for n in range(6):
        comment(agent, request["id"], f"more {n}", internal=n % 2 == 0)
    # Constant, whatever the number of comments and events: one statement per loader batch
    # (users may come in one batch or two, depending on the resolvers' event-loop ticks).
    assert few <= 16
    assert abs(statements() - few) <= 1


def test_comments_are_searchable_as_they_are_written(
    server: LiveServer, who: dict[str, GraphQLClient], rt: str
) -> None:
    submitted_word = f"walrus{uuid.uuid4().hex[:8]}"
    request = new_request(who, rt, summary=f"Printer {submitted_word} on fire")
    public_word, internal_word = f"zebrafish{pk_of(request['id'])}", f"okapi{pk_of(request['id'])}"
    assert comment(who["agent"], request["id"], f"Seen {public_word} here")["userErrors"] == []
    note = comment(who["agent"], request["id"], f"Note {internal_word}", internal=True)
    assert note["userErrors"] == []

    def found(client: GraphQLClient, word: str) -> list[str]:
        data = client.ok(
            "query($s: String!) { requests(filter: {search: $s}) { nodes { id } } }", s=word
        )
        return [n["id"] for n in data["requests"]["nodes"]]

    assert found(who["alice"], public_word) == [request["id"]]
    assert found(who["agent"], internal_word) == [request["id"]]
    assert found(who["alice"], internal_word) == []  # internal notes: agents only
    # What was written at submission is still found after the comments. (Not by "printer":
    # every request of this module is a printer on fire, and the page holds the best 20.)
    assert found(who["agent"], submitted_word) == [request["id"]]
