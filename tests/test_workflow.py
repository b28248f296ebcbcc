"""The workflow as data: every seeded transition allowed for its role and refused for the
others, invalid ones refused with nothing written, the customer mutations, auto-close after
working days with a frozen clock, and the scheduler's lease."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.engine import Database
from backend.db.models import Request, RequestStatus, SchedulerLease
from backend.domain.workflow import add_working_days, close_resolved
from backend.scheduler import AUTO_CLOSE, auto_close_round, lease_holder, release_lease, take_lease
from tests.support.client import GraphQLClient
from tests.support.db import rows, run_db
from tests.support.detail import (
    act,
    codes,
    event_count,
    events,
    execute,
    org_id,
    pk_of,
    raise_request,
    set_status,
    status_of,
)
from tests.support.server import LiveServer
from tests.test_request_submit import make_request_type

SIMPLE_FIELDS: list[dict[str, Any]] = [{"key": "note", "kind": "TEXT", "label": "Note"}]
EVENT_KIND = {"CANCELLED": "CANCELLED", "REOPENED": "REOPENED", "ESCALATED": "ESCALATED"}


@pytest.fixture(scope="module")
def world(server: LiveServer) -> dict[str, Any]:
    return {"rt": make_request_type(server, SIMPLE_FIELDS)}


@pytest.fixture
def people(client_factory: Any) -> dict[str, GraphQLClient]:
    return {
        "agent": client_factory("agent@frontdesk.example"),
        "alice": client_factory("alice@acme.example"),
        "carol": client_factory("carol@globex.example"),
    }


def workflow_table(server: LiveServer) -> dict[tuple[str, str], set[str]]:
    table: dict[tuple[str, str], set[str]] = {}
    for r in rows(
        server.settings, "SELECT from_status, to_status, actor FROM workflow_transitions"
    ):
        table.setdefault((r.from_status, r.to_status), set()).add(r.actor)
    return table


def may(actors: set[str], role: str) -> bool:
    return "ANY" in actors or ("AGENT" if role == "agent" else "CUSTOMER") in actors


def transition(client: GraphQLClient, request_id: str, to: str) -> dict[str, Any]:
    return act(client, "requestTransition", requestId=request_id, toStatus=to)


def test_every_transition_by_role(server: LiveServer, world: dict[str, Any], people: Any) -> None:
    table = workflow_table(server)
    assert len(table) >= 30  # the seeded default workflow
    request = raise_request(people["alice"], world["rt"], org_id(people["alice"], "Acme Exams"))
    rid = request["id"]
    for (source, target), actors in sorted(table.items()):
        for role in ("carol", "agent", "alice"):
            set_status(server, rid, source)
            before = event_count(server, rid)
            payload = transition(people[role], rid, target)
            label = f"{source} -> {target} as {role}"
            if role == "carol":
                # Not hers to see: answered as for a request that does not exist.
                assert codes(payload) == [(["input", "requestId"], "NOT_FOUND")], label
                assert payload["request"] is None
            elif may(actors, role):
                assert payload["userErrors"] == [], label
                assert payload["request"]["status"] == target, label
                new = events(server, rid)[before:]
                assert [e.kind for e in new] == [EVENT_KIND.get(target, "STATUS_CHANGED")], label
                assert (new[0].data["from"], new[0].data["to"]) == (source, target)
                continue
            else:
                assert codes(payload) == [(["input", "toStatus"], "INVALID_TRANSITION")], label
            assert status_of(server, rid) == source, label
            assert event_count(server, rid) == before, label


def test_transitions_not_in_the_table_are_refused(
    server: LiveServer, world: dict[str, Any], people: Any
) -> None:
    table = workflow_table(server)
    request = raise_request(people["alice"], world["rt"], org_id(people["alice"], "Acme Exams"))
    rid = request["id"]
    before = event_count(server, rid)
    for source in RequestStatus:
        set_status(server, rid, source.value)
        for target in RequestStatus:
            if (source.value, target.value) in table:
                continue
            for role in ("agent", "alice"):
                payload = transition(people[role], rid, target.value)
                assert codes(payload) == [(["input", "toStatus"], "INVALID_TRANSITION")]
        assert status_of(server, rid) == source.value
    assert event_count(server, rid) == before


def test_available_transitions_and_flags_follow_the_table(
    server: LiveServer, world: dict[str, Any], people: Any
) -> None:
    table = workflow_table(server)
    request = raise_request(people["alice"], world["rt"], org_id(people["alice"], "Acme Exams"))
    query = """query($id: ID!) { node(id: $id) { ... on Request {
        availableTransitions { name toStatus }
        viewerCan { cancel reopen escalate transition assign comment share } } } }"""
    for status in ("WAITING_FOR_SUPPORT", "RESOLVED", "CLOSED", "CANCELLED"):
        set_status(server, request["id"], status)
        for role in ("agent", "alice"):
            node = people[role].ok(query, id=request["id"])["node"]
            expected = {t for (f, t), actors in table.items() if f == status and may(actors, role)}
            assert {t["toStatus"] for t in node["availableTransitions"]} == expected
            can = node["viewerCan"]
            assert can["cancel"] == ("CANCELLED" in expected)
            assert can["reopen"] == ("REOPENED" in expected)
            assert can["escalate"] == ("ESCALATED" in expected)
            assert can["transition"] == bool(expected)
            assert can["assign"] == (role == "agent")
            assert can["comment"] == (status not in ("CLOSED", "CANCELLED"))
            assert can["share"] == (role == "alice")


def test_customer_mutations(server: LiveServer, world: dict[str, Any], people: Any) -> None:
    alice, agent = people["alice"], people["agent"]
    rid = raise_request(alice, world["rt"], org_id(alice, "Acme Exams"))["id"]

    # Escalating needs a reason; nothing is written without one.
    before = event_count(server, rid)
    assert codes(act(alice, "requestEscalate", requestId=rid, reason="  ")) == [
        (["input", "reason"], "REQUIRED")
    ]
    assert event_count(server, rid) == before
    payload = act(alice, "requestEscalate", requestId=rid, reason="Exams start tomorrow")
    assert payload["request"]["status"] == "ESCALATED"
    last = events(server, rid)[-1]
    assert (last.kind, last.data["reason"]) == ("ESCALATED", "Exams start tomorrow")

    # Resolving sets resolved_at; reopening clears it.
    assert transition(agent, rid, "RESOLVED")["userErrors"] == []
    resolved_at = rows(
        server.settings, "SELECT resolved_at FROM requests WHERE id = :id", id=pk_of(rid)
    )[0][0]
    assert resolved_at is not None
    # Only open requests can be cancelled.
    assert codes(act(alice, "requestCancel", requestId=rid)) == [
        (["input", "requestId"], "INVALID_TRANSITION")
    ]
    payload = act(alice, "requestReopen", requestId=rid, reason="Still broken")
    assert payload["request"]["status"] == "REOPENED"
    assert events(server, rid)[-1].kind == "REOPENED"
    assert (
        rows(server.settings, "SELECT resolved_at FROM requests WHERE id = :id", id=pk_of(rid))[0][
            0
        ]
        is None
    )
    # Reopening an open request is refused.
    assert codes(act(alice, "requestReopen", requestId=rid)) == [
        (["input", "requestId"], "INVALID_TRANSITION")
    ]
    payload = act(alice, "requestCancel", requestId=rid, reason="Found it")
    assert payload["request"]["status"] == "CANCELLED"
    assert events(server, rid)[-1].kind == "CANCELLED"
    # Carol gets NOT_FOUND for every customer action.
    for name, extra in [
        ("requestCancel", {}),
        ("requestReopen", {}),
        ("requestEscalate", {"reason": "x"}),
    ]:
        assert codes(act(people["carol"], name, requestId=rid, **extra)) == [
            (["input", "requestId"], "NOT_FOUND")
        ]


# ---- auto-close


def test_working_days() -> None:
    friday = datetime(2001, 1, 5, 15, 0, tzinfo=UTC)
    assert add_working_days(friday, 2) == datetime(2001, 1, 9, 15, 0, tzinfo=UTC)  # Tuesday
    assert add_working_days(friday, 1) == datetime(2001, 1, 8, 15, 0, tzinfo=UTC)  # Monday
    saturday = friday + timedelta(days=1)
    assert add_working_days(saturday, 2) == datetime(2001, 1, 9, 15, 0, tzinfo=UTC)
    monday = datetime(2001, 1, 8, 9, 0, tzinfo=UTC)
    assert add_working_days(monday, 2) == datetime(2001, 1, 10, 9, 0, tzinfo=UTC)
    assert add_working_days(monday, 0) == monday


def _close(server: LiveServer, now: datetime, days: int = 2) -> int:
    async def work(session: AsyncSession) -> int:
        return await close_resolved(session, now, days)

    return run_db(server.settings, work)


def test_auto_close_after_working_days(
    server: LiveServer, world: dict[str, Any], people: Any
) -> None:
    alice = people["alice"]
    acme = org_id(alice, "Acme Exams")
    friday = raise_request(alice, world["rt"], acme)["id"]
    monday = raise_request(alice, world["rt"], acme)["id"]
    # Resolved in 2001, long before anything else on this server: a frozen clock there
    # touches only these two.
    for rid, at in [(friday, "2001-01-05 15:00:00"), (monday, "2001-01-08 09:00:00")]:
        set_status(server, rid, "RESOLVED")
        execute(
            server,
            "UPDATE requests SET resolved_at = :at WHERE id = :id",
            at=datetime.fromisoformat(at).replace(tzinfo=UTC),
            id=pk_of(rid),
        )
    before = event_count(server, friday)
    assert _close(server, datetime(2001, 1, 8, 15, 0, tzinfo=UTC)) == 0  # Monday
    assert _close(server, datetime(2001, 1, 9, 14, 59, tzinfo=UTC)) == 0  # Tuesday, a minute early
    assert status_of(server, friday) == "RESOLVED"
    assert _close(server, datetime(2001, 1, 9, 15, 0, tzinfo=UTC)) == 1  # Tuesday
    assert status_of(server, friday) == "CLOSED"
    assert status_of(server, monday) == "RESOLVED"
    new = events(server, friday)[before:]
    assert [(e.kind, e.actor_id) for e in new] == [("STATUS_CHANGED", None)]
    assert new[0].data["automatic"] is True
    assert (new[0].data["from"], new[0].data["to"]) == ("RESOLVED", "CLOSED")
    # Closing again changes nothing; Monday's closes on Wednesday.
    assert _close(server, datetime(2001, 1, 9, 16, 0, tzinfo=UTC)) == 0
    assert _close(server, datetime(2001, 1, 10, 9, 0, tzinfo=UTC)) == 1
    assert status_of(server, monday) == "CLOSED"
    timeline = people["alice"].ok(
        """query($id: ID!) { node(id: $id) { ... on Request { timeline(first: 50) { nodes {
            __typename actor { email }
            ... on StatusChangedEvent { from: fromStatus to: toStatus automatic } } } } } }""",
        id=friday,
    )["node"]["timeline"]["nodes"]
    assert timeline[-1] == {
        "__typename": "StatusChangedEvent",
        "actor": None,
        "from": "RESOLVED",
        "to": "CLOSED",
        "automatic": True,
    }


# ---- the lease


def _leases(server: LiveServer, work: Any) -> Any:
    async def main() -> Any:
        db = Database.from_settings(server.settings)
        try:
            return await work(db)
        finally:
            await db.dispose()

    return asyncio.run(main())


def test_lease_has_one_holder_and_expires(server: LiveServer, unique: Any) -> None:
    name = unique("lease")[:40]
    ttl = timedelta(minutes=5)

    async def take(db: Database, holder: str, now: datetime | None = None) -> bool:
        async with db.transaction() as session:
            return await take_lease(session, name, holder, ttl, now=now)

    async def race(db: Database) -> list[bool]:
        return list(await asyncio.gather(take(db, "host-a:1:x", None), take(db, "host-b:2:y")))

    results = _leases(server, race)
    assert sorted(results) == [False, True]
    winner, loser = ("host-a:1:x", "host-b:2:y") if results[0] else ("host-b:2:y", "host-a:1:x")

    async def rest(db: Database) -> None:
        assert await take(db, winner)  # renewing its own lease
        assert not await take(db, loser)  # still held
        later = datetime.now(UTC) + ttl + timedelta(seconds=5)
        assert await take(db, loser, later)  # expired: taken over
        async with db.read() as session:
            assert await lease_holder(session, name) == loser
        assert not await take(db, winner)

    _leases(server, rest)


def test_auto_close_round_runs_only_with_the_lease(
    server: LiveServer, world: dict[str, Any], people: Any
) -> None:
    alice = people["alice"]
    rid = raise_request(alice, world["rt"], org_id(alice, "Acme Exams"))["id"]
    set_status(server, rid, "RESOLVED")
    execute(
        server,
        "UPDATE requests SET resolved_at = :at WHERE id = :id",
        at=datetime(2001, 2, 1, tzinfo=UTC),
        id=pk_of(rid),
    )
    ttl = timedelta(minutes=5)

    async def rounds(db: Database) -> tuple[int, str, int]:
        async with db.transaction() as session:
            # Someone else (maybe this server's own scheduler) may hold it: hand it to "other".
            await session.execute(delete(SchedulerLease).where(SchedulerLease.name == AUTO_CLOSE))
            assert await take_lease(session, AUTO_CLOSE, "other:1:z", ttl)
        idle = await auto_close_round(server.settings, db, "me:2:q", ttl)
        still = await _status(db, pk_of(rid))
        async with db.transaction() as session:
            await session.execute(delete(SchedulerLease).where(SchedulerLease.name == AUTO_CLOSE))
        busy = await auto_close_round(server.settings, db, "me:2:q", ttl)
        async with db.transaction() as session:
            await release_lease(session, AUTO_CLOSE, "me:2:q")
        return idle, still, busy

    idle, still, busy = _leases(server, rounds)
    assert (idle, still) == (0, "RESOLVED")
    assert busy >= 1
    assert status_of(server, rid) == "CLOSED"


async def _status(db: Database, pk: int) -> str:
    async with db.read() as session:
        return str(await session.scalar(select(Request.status).where(Request.id == pk)))
