"""Crash safety: a `frontdesk serve` process is killed with SIGKILL in the middle of 200
concurrent writes (requestSubmit and requestCommentAdd), on SQLite (WAL) and PostgreSQL.

After a restart on the same data: every acknowledged write is there; nothing is
half-written (a request without its CREATED event or search document, a comment without its
COMMENTED event or its text in the search document); references are unique and gapless.
Gapless holds for the requests that exist: the reference counter is incremented in the
submitting transaction, so a submission the kill rolled back gave its number back.

Deterministic: the kill comes after a fixed number of acknowledgements, not after a time."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.config import Settings
from backend.domain.global_ids import decode
from tests.support.client import DEMO_PASSWORD
from tests.support.db import rows, run_db, scalar
from tests.support.live import add_request_type
from tests.support.server import free_port
from tests.support.services import create_pg_database, drop_pg_database

FRONTDESK = Path(sys.executable).with_name("frontdesk")
WRITES = 200  # half submissions, half comments, interleaved
IN_FLIGHT = 24  # concurrent HTTP requests
KILL_AFTER = 60  # acknowledgements before the SIGKILL
COMMENTED_REQUESTS = 4  # raised before the storm, to comment on

SUBMIT = """mutation($input: RequestSubmitInput!) { requestSubmit(input: $input) {
    request { id reference } userErrors { code } } }"""
COMMENT = """mutation($input: RequestCommentAddInput!) { requestCommentAdd(input: $input) {
    comment { id body } userErrors { code } } }"""


@dataclass
class Deployment:
    """A data directory and database that `frontdesk serve` processes come and go on."""

    env: dict[str, str]
    settings: Settings
    tmp: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str) -> None:
        done = subprocess.run(
            [str(FRONTDESK), *args], env=self.env, capture_output=True, text=True, timeout=180
        )
        assert done.returncode == 0, done.stdout + done.stderr

    def start(self) -> None:
        self.starts += 1
        log = self.tmp / f"serve-{self.starts}.log"
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [str(FRONTDESK), "serve", "--port", str(self.port)],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60  # a start-up limit, not an assertion on speed
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"serve exited {self.process.returncode}:\n{log.read_text()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        pytest.fail(f"serve did not become healthy:\n{log.read_text()}")

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        assert self.process.returncode == -signal.SIGKILL

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@pytest.fixture
def deployment(backend: str, tmp_path: Path) -> Iterator[Deployment]:
    database_url = create_pg_database() if backend == "postgresql" else None
    data_dir = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTDESK_")}
    env |= {
        "FRONTDESK_ENV": "test",
        "FRONTDESK_DATA_DIR": str(data_dir),
        "FRONTDESK_LOGIN_MAX_FAILURES_PER_ADDRESS": "10000",
        # No background jobs writing at the moment of the kill: only the writes under test.
        "FRONTDESK_AUTO_CLOSE_INTERVAL_SECONDS": "0",
        "FRONTDESK_ATTACHMENT_SWEEP_INTERVAL_SECONDS": "0",
    }
    if database_url:
        env["FRONTDESK_DATABASE_URL"] = database_url
    settings = Settings(env="test", data_dir=data_dir, database_url=database_url)
    deployment = Deployment(env=env, settings=settings, tmp=tmp_path)
    deployment.env["FRONTDESK_PUBLIC_URL"] = deployment.url
    try:
        yield deployment
    finally:
        deployment.stop()
        if database_url:
            drop_pg_database(database_url)


# ---- the storm


@dataclass
class Acknowledged:
    requests: dict[str, str] = field(default_factory=dict)  # reference -> global ID
    comments: dict[str, str] = field(default_factory=dict)  # global ID -> body
    refused: int = 0  # answered, but not with a write (userErrors, errors)
    failed: int = 0  # no answer: the server was gone


async def post(http: httpx.AsyncClient, query: str, **input: Any) -> dict[str, Any]:
    response = await http.post("/graphql", json={"query": query, "variables": {"input": input}})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def payload_of(body: dict[str, Any], name: str) -> dict[str, Any] | None:
    """The mutation's payload when the write was acknowledged: data, no errors."""
    if body.get("errors") or not body.get("data"):
        return None
    payload: dict[str, Any] | None = body["data"][name]
    if payload is None or payload["userErrors"]:
        return None
    return payload


async def storm(
    deployment: Deployment, token: str, base: dict[str, str], targets: list[str]
) -> Acknowledged:
    acknowledged = Acknowledged()
    gate = asyncio.Semaphore(IN_FLIGHT)
    killed = asyncio.Event()
    headers = {"Authorization": f"Bearer {token}"}

    async def one(http: httpx.AsyncClient, index: int) -> None:
        async with gate:
            if killed.is_set():
                acknowledged.failed += 1
                return
            try:
                if index % 2 == 0:
                    body = await post(http, SUBMIT, **base, summary=f"Storm request {index}")
                    payload = payload_of(body, "requestSubmit")
                    if payload is not None:
                        request = payload["request"]
                        acknowledged.requests[request["reference"]] = request["id"]
                else:
                    text = f"Storm comment {index} zq{index}x"
                    target = targets[index % len(targets)]
                    body = await post(http, COMMENT, requestId=target, body=text)
                    payload = payload_of(body, "requestCommentAdd")
                    if payload is not None:
                        acknowledged.comments[payload["comment"]["id"]] = text
            except httpx.HTTPError:
                acknowledged.failed += 1
                return
            if payload is None:
                acknowledged.refused += 1
            acknowledged_count = len(acknowledged.requests) + len(acknowledged.comments)
            if acknowledged_count >= KILL_AFTER and not killed.is_set():
                killed.set()
                deployment.kill()  # in the middle: IN_FLIGHT - 1 other writes are under way

    limits = httpx.Limits(max_connections=IN_FLIGHT, max_keepalive_connections=IN_FLIGHT)
    async with httpx.AsyncClient(
        base_url=deployment.url, headers=headers, timeout=60, limits=limits
    ) as http:
        await asyncio.gather(*(one(http, i) for i in range(WRITES)))
    return acknowledged


# ---- set-up through the API


def sign_in(url: str) -> tuple[str, str]:
    """An API token of alice (a super user of Acme Exams) and the organisation's ID."""
    with httpx.Client(base_url=url, timeout=30) as http:

        def call(query: str, **variables: Any) -> dict[str, Any]:
            response = http.post("/graphql", json={"query": query, "variables": variables})
            body: dict[str, Any] = response.json()
            assert "errors" not in body, body
            return body["data"]

        login = call(
            "mutation($i: LoginInput!) { login(input: $i) { userErrors { code } } }",
            i={"email": "alice@acme.example", "password": DEMO_PASSWORD},
        )
        assert login["login"]["userErrors"] == []
        token = call(
            "mutation($i: ApiTokenCreateInput!) { apiTokenCreate(input: $i) { token } }",
            i={"name": "crash test"},
        )["apiTokenCreate"]["token"]
        memberships = call("{ viewer { memberships { organisation { id name } } } }")
    org = next(
        m["organisation"]["id"]
        for m in memberships["viewer"]["memberships"]
        if m["organisation"]["name"] == "Acme Exams"
    )
    return str(token), str(org)


def submit(url: str, token: str, base: dict[str, str], summary: str) -> dict[str, Any]:
    response = httpx.post(
        f"{url}/graphql",
        json={"query": SUBMIT, "variables": {"input": {**base, "summary": summary}}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    payload = payload_of(response.json(), "requestSubmit")
    assert payload is not None, response.text
    return dict(payload["request"])


# ---- what must hold after the restart


def check_storage(settings: Settings) -> None:
    """Nothing half-written, whoever wrote it and whether or not it was acknowledged."""
    requests = rows(settings, "SELECT id, number, reference FROM requests ORDER BY number")
    numbers = [number for _, number, _ in requests]
    assert numbers == list(range(1, len(requests) + 1)), "references are not gapless"
    assert all(reference == f"FD-{number}" for _, number, reference in requests)
    counter = scalar(settings, "SELECT value FROM counters WHERE name = 'request'")
    assert counter == len(requests), (counter, len(requests))

    first_events = dict(
        rows(
            settings,
            "SELECT e.request_id, e.kind FROM timeline_events e WHERE e.id = "
            "(SELECT min(f.id) FROM timeline_events f WHERE f.request_id = e.request_id)",
        )
    )
    written = rows(
        settings, "SELECT request_id, public_text, head_text FROM request_search_documents"
    )
    documents = {request_id: public for request_id, public, _ in written}
    heads = {request_id: head for request_id, _, head in written}
    for request_id, _, reference in requests:
        assert first_events.get(request_id) == "CREATED", reference
        assert reference in documents.get(request_id, ""), reference
        assert reference in heads.get(request_id, ""), reference

    comment_events = rows(settings, "SELECT data FROM timeline_events WHERE kind = 'COMMENTED'")
    commented = {as_dict(data)["commentId"] for (data,) in comment_events}
    for comment_id, request_id, body in rows(settings, "SELECT id, request_id, body FROM comments"):
        assert comment_id in commented, f"comment {comment_id} has no COMMENTED event"
        assert body in documents[request_id], f"comment {comment_id} is not searchable"

    if settings.is_sqlite:
        assert scalar(settings, "PRAGMA journal_mode") == "wal"
        assert scalar(settings, "PRAGMA integrity_check") == "ok"

        async def fts_check(session: AsyncSession) -> None:
            # Raises when the full-text index disagrees with the documents it indexes.
            for table in ("request_search_fts", "request_search_head_fts"):
                await session.execute(
                    text(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
                )

        run_db(settings, fts_check)


def as_dict(value: Any) -> dict[str, Any]:
    """A JSON column read with plain SQL: text on SQLite, text or a dict on PostgreSQL."""
    return dict(json.loads(value)) if isinstance(value, str) else dict(value)


def check_acknowledged(url: str, token: str, acknowledged: Acknowledged) -> None:
    """Every acknowledged write, read back through the API of the restarted server."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=30) as http:
        for reference, request_id in acknowledged.requests.items():
            body = http.post(
                "/graphql",
                json={
                    "query": "query($r: String!) { request(reference: $r) { id reference } }",
                    "variables": {"r": reference},
                },
            ).json()
            assert body["data"]["request"] == {"id": request_id, "reference": reference}
        for comment_id, text in acknowledged.comments.items():
            body = http.post(
                "/graphql",
                json={
                    "query": "query($id: ID!) { node(id: $id) { ... on Comment { body } } }",
                    "variables": {"id": comment_id},
                },
            ).json()
            assert body["data"]["node"] == {"body": text}, comment_id


def test_sigkill_during_concurrent_writes(deployment: Deployment) -> None:
    deployment.cli("demo")  # migrates the new database first, then loads the demo data
    base = {"requestTypeId": add_request_type(deployment.settings)}
    deployment.start()
    token, org = sign_in(deployment.url)
    base["organisationId"] = org
    targets = [
        submit(deployment.url, token, base, f"Target {i}")["id"] for i in range(COMMENTED_REQUESTS)
    ]

    acknowledged = asyncio.run(storm(deployment, token, base, targets))
    total = len(acknowledged.requests) + len(acknowledged.comments)
    assert KILL_AFTER <= total < WRITES, acknowledged
    assert acknowledged.failed > 0  # the kill came in the middle
    assert acknowledged.refused == 0, acknowledged  # nothing was turned away before the kill

    deployment.start()  # the same data directory / database
    check_storage(deployment.settings)
    check_acknowledged(deployment.url, token, acknowledged)
    stored = {
        reference for (reference,) in rows(deployment.settings, "SELECT reference FROM requests")
    }
    assert set(acknowledged.requests) <= stored
    assert {decode(c)[1] for c in acknowledged.comments} <= {
        comment_id for (comment_id,) in rows(deployment.settings, "SELECT id FROM comments")
    }
    # The counter goes on from the requests that exist.
    after = submit(deployment.url, token, base, "After the crash")
    assert after["reference"] == f"FD-{len(stored) + 1}"
    check_storage(deployment.settings)
