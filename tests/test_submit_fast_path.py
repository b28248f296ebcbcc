"""The submission's fast path: a fixed number of SQL statements, a search document equal to a
rebuilt one, and SQLite writers of one process that queue on the write lock (never on SQLite's
busy handler, never 'database is locked')."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.viewer import Viewer
from backend.config import Settings
from backend.db.engine import Database
from backend.db.migrate import upgrade
from backend.db.models import Counter, Organisation, RequestSearchDocument, User, UserRole
from backend.domain import global_ids, references, search
from backend.domain.requests import Submission, submit
from tests.support.client import GraphQLClient
from tests.support.db import run_db
from tests.support.server import LiveServer
from tests.test_request_submit import make_request_type, org_id

# ---- statements per submission

TEN_FIELDS: list[dict[str, Any]] = [
    {"key": "employee", "kind": "TEXT", "label": "Employee name", "required": True},
    {"key": "notes", "kind": "TEXTAREA", "label": "Notes"},
    {"key": "desks", "kind": "NUMBER", "label": "Desks needed"},
    {"key": "start", "kind": "DATE", "label": "Start date", "required": True},
    {
        "key": "office",
        "kind": "SELECT",
        "label": "Office",
        "options": [{"value": "ber", "label": "Berlin"}, {"value": "osl", "label": "Oslo"}],
    },
    {
        "key": "apps",
        "kind": "MULTI_SELECT",
        "label": "Applications",
        "options": [{"value": "mail", "label": "Mail"}, {"value": "vpn", "label": "VPN"}],
    },
    {"key": "laptop", "kind": "CHECKBOX", "label": "Needs a laptop"},
    {"key": "manager", "kind": "EMAIL", "label": "Manager e-mail"},
    {"key": "profile", "kind": "URL", "label": "Profile link"},
    {"key": "meeting", "kind": "DATETIME", "label": "Welcome meeting"},
]
TEN_VALUES: list[dict[str, Any]] = [
    {"key": "employee", "value": "Jamie Doe"},
    {"key": "notes", "value": "Starts in the Berlin office."},
    {"key": "desks", "value": 1},
    {"key": "start", "value": "2026-12-01"},
    {"key": "office", "value": "ber"},
    {"key": "apps", "value": ["mail", "vpn"]},
    {"key": "laptop", "value": True},
    {"key": "manager", "value": "manager@example.com"},
    {"key": "profile", "value": "https://example.com/p/jamie"},
    {"key": "meeting", "value": "2026-12-01T09:00:00+00:00"},
]
SUBMIT = """mutation($input: RequestSubmitInput!) { requestSubmit(input: $input) {
  request { id reference status priority { key } } userErrors { field code message } } }"""

# Per submission of a 10-field form, whatever the number of fields: the viewer (a customer
# signed in: the session, the memberships), then one read of the request type, its form
# version's id, the organisation and the portal settings; the reference counter; the request;
# its search document; its CREATED event. The payload's priority uses the settings already
# read. The form version itself is read once per process (it never changes).
SESSION_STATEMENTS = 2
SUBMIT_STATEMENTS = 5


def _listing(server: LiveServer) -> str:
    return "\n".join(" ".join(s.split())[:100] for s in server.counter.statements)


def _submit(server: LiveServer, client: GraphQLClient, rt: str, org: str) -> dict[str, Any]:
    server.counter.reset()
    data = client.ok(
        SUBMIT,
        input={
            "requestTypeId": rt,
            "organisationId": org,
            "summary": "New starter",
            "description": "Everything for the first day.",
            "fields": TEN_VALUES,
        },
    )
    payload = data["requestSubmit"]
    assert payload["userErrors"] == [], payload
    return dict(payload["request"])


def test_statements_per_submission_are_fixed(server: LiveServer, client_factory: Any) -> None:
    alice = client_factory("alice@acme.example")
    acme = org_id(alice, "Acme Exams")
    rt = make_request_type(server, TEN_FIELDS)
    first = _submit(server, alice, rt, acme)
    # A form version not seen before is read once.
    assert server.counter.count == SESSION_STATEMENTS + SUBMIT_STATEMENTS + 1, _listing(server)
    second = _submit(server, alice, rt, acme)
    assert server.counter.count == SESSION_STATEMENTS + SUBMIT_STATEMENTS, server.counter.statements
    assert first["priority"] == second["priority"] == {"key": "P3"}
    assert int(second["reference"][3:]) == int(first["reference"][3:]) + 1


def test_search_document_of_a_new_request_equals_a_rebuilt_one(
    server: LiveServer, client_factory: Any
) -> None:
    """The document written from the values in memory is the one `reindex` builds by reading
    the request back."""
    alice = client_factory("alice@acme.example")
    request = _submit(
        server, alice, make_request_type(server, TEN_FIELDS), org_id(alice, "Acme Exams")
    )
    reference = request["reference"]

    def document(rebuild: bool) -> dict[str, Any]:
        async def work(session: AsyncSession) -> dict[str, Any]:
            request_id = await session.scalar(
                text("SELECT id FROM requests WHERE reference = :r"), {"r": reference}
            )
            if rebuild:
                await search.reindex(session, request_id)
            row = await session.get(RequestSearchDocument, request_id, populate_existing=True)
            assert row is not None
            columns = RequestSearchDocument.__table__.columns.keys()
            return {name: getattr(row, name) for name in columns}

        return run_db(server.settings, work)

    written = document(rebuild=False)
    assert "Jamie Doe" in written["public_text"] and "Berlin" in written["public_text"]
    assert written == document(rebuild=True)


def test_the_created_event_is_published_after_the_commit(server: LiveServer) -> None:
    """The CREATED event is queued in the submitting transaction and published only once it
    committed (backend/db/engine.py), to the request's stream and to list watchers."""
    rt_pk = global_ids.pk_of(make_request_type(server, TEN_FIELDS), "RequestType")
    published: list[tuple[str, dict[str, Any]]] = []

    async def publish(channel: str, message: dict[str, Any]) -> None:
        published.append((channel, message))

    async def main() -> None:
        db = Database.from_settings(server.settings)
        db.publisher = publish
        try:
            async with db.read() as session:
                agent = await session.scalar(
                    select(User).where(User.email == "agent@frontdesk.example")
                )
                acme = await session.scalar(
                    select(Organisation.id).where(Organisation.name == "Acme Exams")
                )
            assert agent is not None and acme is not None
            viewer = Viewer(agent.id, UserRole(agent.role), agent.email, agent.display_name)
            submission = Submission(
                request_type_id=rt_pk,
                organisation_id=acme,
                summary="Published after the commit",
                fields=[(v["key"], v["value"]) for v in TEN_VALUES],
            )
            async with db.transaction() as session:
                submitted = await submit(session, viewer, submission)
                assert published == []
            request_id = submitted.request.id
            assert [(channel, m["requestId"], m["kind"]) for channel, m in published] == [
                (f"request:{request_id}", request_id, "CREATED"),
                ("requests", request_id, "CREATED"),
            ]
        finally:
            await db.dispose()

    asyncio.run(main())


# ---- SQLite: one writer at a time per process, queued on the write lock


async def migrated_sqlite(tmp_path: Path, busy_timeout_ms: int) -> tuple[Database, Settings]:
    """A migrated SQLite database whose connections wait `busy_timeout_ms` for a lock."""
    settings = Settings(env="test", data_dir=tmp_path / "data")
    db = Database.from_settings(settings)
    await upgrade(db.engine)

    @event.listens_for(db.engine.sync_engine, "connect")
    def busy_timeout(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.close()

    await db.engine.dispose()  # reconnect with the listener
    return db, settings


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    # No waiting on SQLite's busy handler: a writer that met another one's lock would fail
    # at once with "database is locked". Only the process's write lock may make them queue.
    db, _ = await migrated_sqlite(tmp_path, 0)
    yield db
    await db.dispose()


async def _counter(db: Database) -> int:
    async with db.read() as session:
        value = await session.scalar(
            select(Counter.value).where(Counter.name == references.REQUEST_COUNTER)
        )
    return int(value or 0)


async def test_concurrent_sqlite_writers_all_succeed(sqlite_db: Database) -> None:
    start = await _counter(sqlite_db)

    async def writer() -> int:
        async with sqlite_db.transaction() as session:
            number, _ = await references.allocate(session)
            await asyncio.sleep(0.002)  # hold the write a while, as a request does
            return number

    numbers = await asyncio.gather(*(writer() for _ in range(40)))
    assert sorted(numbers) == list(range(start + 1, start + 41))
    assert await _counter(sqlite_db) == start + 40


async def test_a_cancelled_writer_releases_the_lock(sqlite_db: Database) -> None:
    start = await _counter(sqlite_db)
    holding = asyncio.Event()

    async def stuck() -> None:
        async with sqlite_db.transaction() as session:
            await references.allocate(session)
            holding.set()
            await asyncio.sleep(60)

    task = asyncio.create_task(stuck())
    await holding.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    async with asyncio.timeout(5), sqlite_db.transaction() as session:
        number, _ = await references.allocate(session)
    assert number == start + 1  # the cancelled increment was rolled back


async def test_a_write_inside_a_write_fails_instead_of_hanging(sqlite_db: Database) -> None:
    with pytest.raises(RuntimeError, match="inside another"):
        async with sqlite_db.transaction():
            async with sqlite_db.transaction():
                pass
    async with asyncio.timeout(5), sqlite_db.transaction():
        pass  # and the lock was released


async def test_sqlite_driver_reports_rows_and_counts(sqlite_db: Database) -> None:
    """backend/db/sqlite_driver.py runs each statement in one trip: what SQLAlchemy reads
    from the cursor afterwards (rows, rowcount) must be there."""
    async with sqlite_db.transaction() as session:
        await session.execute(
            text("INSERT INTO counters (name, value) VALUES (:name, :value)"),
            [{"name": "a", "value": 1}, {"name": "b", "value": 2}],
        )
        changed = await session.execute(
            update(Counter).where(Counter.name.in_(["a", "b"])).values(value=Counter.value + 10)
        )
        assert changed.rowcount == 2  # type: ignore[attr-defined]
    async with sqlite_db.read() as session:
        rows = (
            await session.execute(
                select(Counter.name, Counter.value)
                .where(Counter.name.in_(["a", "b"]))
                .order_by(Counter.name)
            )
        ).all()
        streamed = [
            row.name
            async for row in await session.stream(
                select(Counter.name).where(Counter.name.in_(["a", "b"])).order_by(Counter.name)
            )
        ]
    assert [tuple(r) for r in rows] == [("a", 11), ("b", 12)]
    assert streamed == ["a", "b"]


@contextlib.contextmanager
def trips_to_the_thread() -> Iterator[list[str]]:
    """The calls SQLite connections make to their threads (backend/db/sqlite_driver.py):
    the SQL of each statement sent there, or the method's name (commit, rollback...)."""
    from backend.db.sqlite_driver import OneTripConnection

    trips: list[str] = []
    original = OneTripConnection._execute

    async def counted(self: OneTripConnection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        trips.append(args[1] if len(args) > 1 and isinstance(args[1], str) else fn.__name__)
        return await original(self, fn, *args, **kwargs)

    OneTripConnection._execute = counted  # type: ignore[method-assign]
    try:
        yield trips
    finally:
        OneTripConnection._execute = original  # type: ignore[method-assign]


async def test_sqlite_reads_run_inline_within_a_budget(sqlite_db: Database) -> None:
    """Reads open no transaction (backend/db/engine.py) and a short SELECT runs in the event
    loop's thread: no trip at all. A long one is interrupted at the budget and runs in the
    connection's thread, with the same result; the next ones of that SQL go there directly.
    A write runs in the thread, in BEGIN IMMEDIATE ... COMMIT."""
    from backend.db import sqlite_driver

    long_sql = (
        "SELECT (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :top) "
        "SELECT count(*) FROM n)"
    )
    with trips_to_the_thread() as trips:
        await _counter(sqlite_db)  # a pooled connection exists now
        trips.clear()
        async with sqlite_db.read() as session:
            await session.scalar(select(Counter.value).where(Counter.name == "request"))
            connection = await session.connection()
            raw = (await connection.get_raw_connection()).driver_connection
            assert raw is not None and not raw.in_transaction
            assert trips == []
            # Well past the budget: interrupted, then run in the thread.
            assert await session.scalar(text(long_sql), {"top": 200_000}) == 200_000
            assert len(trips) == 1 and trips[0].startswith("SELECT (WITH")
            assert await session.scalar(text(long_sql), {"top": 200_000}) == 200_000
            assert len(trips) == 2  # straight to the thread
        # A real error inline is reported as such.
        with pytest.raises(OperationalError, match="no such table"):
            async with sqlite_db.read() as session:
                await session.execute(text("SELECT * FROM no_such_table"))
        trips.clear()
        async with sqlite_db.transaction() as session:
            await references.allocate(session)
        assert [t.split()[0] for t in trips] == ["_begin_waiting", "UPDATE", "commit"], trips
    sqlite_driver._long.clear()


async def test_inline_writes_make_one_trip_and_wait_for_another_process(tmp_path: Path) -> None:
    """A transaction with inline_writes (a submission's) begins and writes in the event
    loop's thread: only COMMIT is a trip. When another process holds SQLite's write lock,
    BEGIN IMMEDIATE does not fail or block the loop: it waits in the connection's thread."""
    import sqlite3

    settings = Settings(env="test", data_dir=tmp_path / "data")
    db = Database.from_settings(settings)
    await upgrade(db.engine)

    async def write() -> int:
        async with db.transaction(inline_writes=True) as session:
            number, _ = await references.allocate(session)
            return number

    ticks = 0

    async def ticking() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    try:
        start = await _counter(db)
        with trips_to_the_thread() as trips:
            assert await write() == start + 1
            assert trips == ["commit"], trips
            trips.clear()
            # Another process's writer (a CLI, a second worker) holds the lock a while.
            other = sqlite3.connect(settings.data_dir / "frontdesk.sqlite3", isolation_level=None)
            other.execute("BEGIN IMMEDIATE")
            ticker = asyncio.create_task(ticking())
            writer = asyncio.create_task(write())
            await asyncio.sleep(0.3)
            assert not writer.done() and ticks >= 10  # waiting, and the loop runs meanwhile
            other.execute("COMMIT")
            other.close()
            assert await asyncio.wait_for(writer, 10) == start + 2
            ticker.cancel()
            assert trips == ["_begin_waiting", "commit"], trips
    finally:
        await db.dispose()


async def test_inline_writes_leave_tables_with_triggers_to_the_thread(
    sqlite_db: Database,
) -> None:
    """What a trigger does is not bounded by its statement (the search document's FTS5
    triggers merge index segments there, now and then for tens of milliseconds), so in an
    inline-writes transaction a write to a table with triggers still runs in the thread.
    A trigger made after the connection first looked is seen too (schema_version)."""

    async def write(table: str, value: int) -> None:
        async with sqlite_db.transaction(inline_writes=True) as session:
            await session.execute(text(f"INSERT INTO {table} (x) VALUES (:x)"), {"x": value})

    async with sqlite_db.transaction() as session:
        await session.execute(text("CREATE TABLE fd_watched (x INTEGER)"))
        await session.execute(text("CREATE TABLE fd_log (x INTEGER)"))
    with trips_to_the_thread() as trips:
        await write("fd_watched", 1)
        assert trips == ["commit"], trips
        async with sqlite_db.transaction() as session:
            await session.execute(
                text(
                    "CREATE TRIGGER fd_watched_ai AFTER INSERT ON fd_watched "
                    "BEGIN INSERT INTO fd_log (x) VALUES (new.x * 10); END"
                )
            )
        trips.clear()
        await write("fd_watched", 2)
        assert trips == ["INSERT INTO fd_watched (x) VALUES (?)", "commit"], trips
        trips.clear()
        await write("fd_log", 3)  # no triggers of its own: inline
        assert trips == ["commit"], trips
    async with sqlite_db.read() as session:
        logged = (await session.execute(text("SELECT x FROM fd_log ORDER BY x"))).scalars()
        assert list(logged) == [3, 20]


async def test_waiting_for_another_process_gives_up_at_busy_timeout(tmp_path: Path) -> None:
    """A writer waiting for another process's lock tries again and again in the connection's
    thread (not with SQLite's busy handler, whose sleeps grow to 100 ms) until the
    connection's busy_timeout has passed, then fails as SQLite would; busy_timeout is left
    as it was."""
    import sqlite3
    import time

    db, settings = await migrated_sqlite(tmp_path, 200)
    other = sqlite3.connect(settings.data_dir / "frontdesk.sqlite3", isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        with pytest.raises(OperationalError, match="database is locked"):
            async with db.transaction() as session:
                await references.allocate(session)
        assert time.monotonic() - started >= 0.2
        other.execute("COMMIT")
        async with db.transaction() as session:
            await references.allocate(session)
            connection = await session.connection()
            assert (await connection.exec_driver_sql("PRAGMA busy_timeout")).scalar() == 200
    finally:
        other.close()
        await db.dispose()
