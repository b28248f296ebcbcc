"""Attachments over real HTTP: multipart uploads, limits, CSRF, downloads, and the sweep.

Every test runs against SQLite and PostgreSQL (the `server` fixture). Each test uploads
content of its own (random bytes), so tests sharing one server never see each other's files.
Linking to a request (and downloads by those who may see it) is covered with requestSubmit.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import secrets
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from gql import FileVar, gql
from gql.transport.exceptions import TransportQueryError
from sqlalchemy import Executable, Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from backend import sweeper
from backend.config import Settings
from backend.db.base import utcnow
from backend.db.engine import Database
from backend.db.models import Attachment
from backend.domain.attachments import (
    SweepResult,
    content_path,
    store_root,
    sweep_unreferenced,
)
from backend.multipart import BODY_OVERHEAD
from backend.schema.relay import decode_id, encode_id
from tests.conftest import start_server
from tests.support.client import GraphQLClient, Result
from tests.support.db import run_db
from tests.support.server import LiveServer
from tests.support.services import drop_pg_database

CSRF = {"X-Frontdesk-CSRF": "1"}
UPLOAD = """mutation($input: AttachmentUploadInput!) { attachmentUpload(input: $input) {
    attachment { id filename size contentType createdAt downloadUrl }
    userErrors { field code message } } }"""
NODE = """query($id: ID!) { node(id: $id) { id ... on Attachment { filename size } } }"""
PNG = b"\x89PNG\r\n\x1a\n"
SMALL_LIMIT = 1024

Upload = Callable[..., dict[str, Any]]


# ---- helpers


def db_rows(settings: Settings, statement: Select[Any]) -> list[Any]:
    async def work(session: AsyncSession) -> list[Any]:
        return list((await session.scalars(statement)).all())

    return run_db(settings, work)


def db_execute(settings: Settings, statement: Executable) -> None:
    async def work(session: AsyncSession) -> None:
        await session.execute(statement)

    run_db(settings, work)


def upload_result(
    client: GraphQLClient, content: bytes, filename: str, content_type: str | None
) -> Result:
    request = gql(UPLOAD)
    request.variable_values = {
        "input": {
            "file": FileVar(io.BytesIO(content), filename=filename, content_type=content_type)
        }
    }
    try:
        data = client.session.execute(request, upload_files=True)
        return Result(data=data, errors=None)
    except TransportQueryError as error:
        return Result(data=error.data, errors=list(error.errors or []))


def upload(
    client: GraphQLClient, content: bytes, filename: str, content_type: str | None = "text/plain"
) -> dict[str, Any]:
    """The attachmentUpload payload (no top-level errors allowed)."""
    result = upload_result(client, content, filename, content_type)
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data["attachmentUpload"]


def uploaded(client: GraphQLClient, content: bytes, filename: str, **kw: Any) -> dict[str, Any]:
    payload = upload(client, content, filename, **kw)
    assert payload["userErrors"] == [], payload
    return payload["attachment"]


def unique_bytes(size: int = 64, prefix: bytes = b"") -> bytes:
    body = secrets.token_bytes(size)
    return prefix + body[: max(size - len(prefix), 0)]


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def pk(global_id: str) -> int:
    return decode_id(global_id)[1]


def rows_with(server: LiveServer, content: bytes) -> list[Any]:
    return db_rows(server.settings, select(Attachment).where(Attachment.sha256 == sha(content)))


def stored(server: LiveServer, content: bytes) -> Path:
    return content_path(server.settings.data_dir, sha(content))


def temp_files(server: LiveServer) -> list[Path]:
    tmp = store_root(server.settings.data_dir) / "tmp"
    return list(tmp.iterdir()) if tmp.is_dir() else []


def download(
    server: LiveServer, global_id: str, client: GraphQLClient | None = None, **kw: Any
) -> httpx.Response:
    cookies = client.cookies if client is not None else None
    return httpx.get(f"{server.url}/files/{global_id}", cookies=cookies, timeout=30, **kw)


def raw_upload(
    url: str,
    content: bytes,
    *,
    headers: dict[str, str],
    cookies: httpx.Cookies | None = None,
    filename: str = "notes.txt",
) -> httpx.Response:
    """A multipart request built by hand, for status codes and headers."""
    operations = json.dumps({"query": UPLOAD, "variables": {"input": {"file": None}}})
    with httpx.Client(cookies=cookies, timeout=30) as http:
        return http.post(
            url,
            data={"operations": operations, "map": json.dumps({"0": ["variables.input.file"]})},
            files={"0": (filename, content, "text/plain")},
            headers=headers,
        )


@pytest.fixture
def clients(server: LiveServer) -> Iterator[Callable[[str | None], GraphQLClient]]:
    """Clients that send the CSRF header, signed in as a demo account (or anonymous)."""
    made: list[GraphQLClient] = []

    def make(email: str | None) -> GraphQLClient:
        client = GraphQLClient(server.graphql_url, headers=CSRF)
        made.append(client)
        if email:
            assert client.login(email)["userErrors"] == []
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def alice(clients: Callable[[str | None], GraphQLClient]) -> GraphQLClient:
    return clients("alice@acme.example")


@pytest.fixture
def bob(clients: Callable[[str | None], GraphQLClient]) -> GraphQLClient:
    return clients("bob@acme.example")


def user_pk(client: GraphQLClient) -> int:
    return pk(client.ok("{ viewer { user { id } } }")["viewer"]["user"]["id"])


# ---- uploading


def test_upload_stores_content_by_hash_once(
    server: LiveServer, alice: GraphQLClient, bob: GraphQLClient
) -> None:
    content = unique_bytes(3000, PNG)
    first = uploaded(alice, content, "../../etc/Screen shot ü.png", content_type="image/png")
    assert first["filename"] == "Screen shot ü.png"  # folders dropped, the rest kept
    assert first["size"] == len(content)
    assert first["contentType"] == "image/png"
    assert first["downloadUrl"] == f"/files/{first['id']}"
    assert decode_id(first["id"])[0] == "Attachment"

    (row,) = rows_with(server, content)
    assert row.id == pk(first["id"])
    assert row.uploader_id == user_pk(alice)
    assert row.request_id is None and row.field_key is None
    assert row.filename == "Screen shot ü.png"
    path = stored(server, content)
    assert path.read_bytes() == content
    assert path.parent.name == sha(content)[2:4] and path.parent.parent.name == sha(content)[:2]

    # The same content again (another user, another name): a new row, the same single file.
    second = uploaded(bob, content, "copy.png", content_type="image/png")
    assert second["id"] != first["id"]
    rows = rows_with(server, content)
    assert sorted(r.id for r in rows) == sorted([pk(first["id"]), pk(second["id"])])
    assert {r.filename for r in rows} == {"Screen shot ü.png", "copy.png"}
    assert [p.name for p in path.parent.iterdir() if p.name == sha(content)] == [sha(content)]
    assert path.read_bytes() == content
    assert temp_files(server) == []


def test_content_type_is_normalised_or_guessed(alice: GraphQLClient) -> None:
    text = uploaded(alice, unique_bytes(), "log.txt", content_type="text/plain; charset=utf-8")
    assert text["contentType"] == "text/plain"
    # A generic type: the extension decides (and the signature is then checked as well).
    pdf = uploaded(alice, unique_bytes(100, b"%PDF-1.7\n"), "scan.pdf", content_type=None)
    assert pdf["contentType"] == "application/pdf"
    zipped = uploaded(
        alice, unique_bytes(100, b"PK\x03\x04"), "logs.zip", content_type="application/x-zip"
    )
    assert zipped["contentType"] == "application/zip"


def test_long_and_odd_file_names_are_cleaned(alice: GraphQLClient) -> None:
    long_name = "a" * 300 + ".txt"
    attachment = uploaded(alice, unique_bytes(), long_name)
    assert len(attachment["filename"]) == 255 and attachment["filename"].endswith(".txt")
    odd = uploaded(alice, unique_bytes(), "C:\\Users\\me\\ evil\u202etxt.exe.txt ")
    assert odd["filename"] == "eviltxt.exe.txt"


def test_disallowed_types_are_refused(server: LiveServer, alice: GraphQLClient) -> None:
    for content, name, content_type in [
        (b"<html><script>alert(1)</script></html>" + unique_bytes(), "page.html", "text/html"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>" + unique_bytes(), "x.svg", "image/svg+xml"),
        (b"MZ" + unique_bytes(), "setup.exe", "application/x-msdownload"),
        (unique_bytes(), "blob", None),  # nothing to go by
    ]:
        payload = upload(alice, content, name, content_type)
        assert payload["attachment"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
            (["input", "file"], "TYPE_NOT_ALLOWED")
        ], payload
        assert rows_with(server, content) == []
        assert not stored(server, content).exists()


def test_spoofed_images_and_pdfs_are_refused(server: LiveServer, alice: GraphQLClient) -> None:
    for content, name, content_type in [
        (b"just text " + unique_bytes(), "cat.png", "image/png"),
        (b"just text " + unique_bytes(), "cat.png", "application/octet-stream"),
        (PNG + unique_bytes(), "photo.jpg", "image/jpeg"),
        (b"<html>" + unique_bytes(), "invoice.pdf", "application/pdf"),
    ]:
        payload = upload(alice, content, name, content_type)
        assert payload["attachment"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
            (["input", "file"], "TYPE_MISMATCH")
        ], payload
        assert rows_with(server, content) == []
        assert not stored(server, content).exists()
    assert temp_files(server) == []


def test_empty_file_is_refused(alice: GraphQLClient) -> None:
    payload = upload(alice, b"", "empty.txt")
    assert payload["attachment"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["EMPTY_FILE"]


def test_a_value_that_is_no_file_is_refused(alice: GraphQLClient) -> None:
    payload = alice.ok(UPLOAD, input={"file": "not a file"})["attachmentUpload"]
    assert payload["attachment"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "file"], "NOT_A_FILE")
    ]


def test_anonymous_upload_is_refused(
    server: LiveServer, clients: Callable[[str | None], GraphQLClient]
) -> None:
    content = unique_bytes()
    result = upload_result(clients(None), content, "notes.txt", "text/plain")
    assert result.codes == ["UNAUTHENTICATED"]
    assert rows_with(server, content) == []
    assert not stored(server, content).exists()


def test_multipart_without_csrf_header_is_refused(server: LiveServer, alice: GraphQLClient) -> None:
    content = unique_bytes()
    response = raw_upload(server.graphql_url, content, headers={}, cookies=alice.cookies)
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "CSRF_HEADER_REQUIRED"
    assert "X-Frontdesk-CSRF" in body["errors"][0]["message"]
    assert rows_with(server, content) == []
    assert not stored(server, content).exists()

    # The header names other clients already send work too.
    for header in ("GraphQL-Require-Preflight", "Apollo-Require-Preflight", "X-Frontdesk-CSRF"):
        content = unique_bytes()
        response = raw_upload(
            server.graphql_url, content, headers={header: "1"}, cookies=alice.cookies
        )
        assert response.status_code == 200, response.text
        assert response.json()["data"]["attachmentUpload"]["userErrors"] == []
        assert len(rows_with(server, content)) == 1


def test_json_requests_need_no_csrf_header(alice: GraphQLClient, server: LiveServer) -> None:
    response = httpx.post(
        server.graphql_url,
        json={"query": "{ viewer { user { email } } }"},
        cookies=alice.cookies,
        timeout=30,
    )
    assert response.status_code == 200
    assert response.json()["data"]["viewer"]["user"]["email"] == "alice@acme.example"


# ---- limits and the background sweep (a server of their own)


@pytest.fixture(scope="module")
def small_server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A low size limit, and a sweep every second of uploads older than nothing."""
    live, pg_url = start_server(
        backend,
        tmp_path_factory,
        attachment_max_bytes=SMALL_LIMIT,
        attachment_sweep_interval_seconds=1,
        attachment_unreferenced_ttl_hours=0,
    )
    yield live
    live.stop()
    if pg_url:
        drop_pg_database(pg_url)


@pytest.fixture
def small_alice(small_server: LiveServer) -> Iterator[GraphQLClient]:
    client = GraphQLClient(small_server.graphql_url, headers=CSRF)
    assert client.login("alice@acme.example")["userErrors"] == []
    yield client
    client.close()


def test_size_limit(small_server: LiveServer, small_alice: GraphQLClient) -> None:
    at_limit = unique_bytes(SMALL_LIMIT)
    assert uploaded(small_alice, at_limit, "fits.txt")["size"] == SMALL_LIMIT

    too_large = unique_bytes(SMALL_LIMIT + 1)
    payload = upload(small_alice, too_large, "big.txt")
    assert payload["attachment"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "file"], "FILE_TOO_LARGE")
    ]
    assert "1 KB" in payload["userErrors"][0]["message"]
    assert rows_with(small_server, too_large) == []
    assert not stored(small_server, too_large).exists()
    assert temp_files(small_server) == []


def test_request_body_limit(small_server: LiveServer, small_alice: GraphQLClient) -> None:
    huge = unique_bytes(SMALL_LIMIT + BODY_OVERHEAD + 1)
    response = raw_upload(small_server.graphql_url, huge, headers=CSRF, cookies=small_alice.cookies)
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"

    # Without a Content-Length (chunked), the body is cut off while it is read.
    operations = json.dumps({"query": UPLOAD, "variables": {"input": {"file": None}}})
    request = httpx.Request(
        "POST",
        small_server.graphql_url,
        data={"operations": operations, "map": json.dumps({"0": ["variables.input.file"]})},
        files={"0": ("big.txt", huge, "text/plain")},
        headers=CSRF,
    )
    body = request.read()

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    headers = {"content-type": request.headers["content-type"], **CSRF}
    with httpx.Client(cookies=small_alice.cookies, timeout=30) as http:
        response = http.post(small_server.graphql_url, content=chunks(), headers=headers)
    assert response.status_code == 413
    assert rows_with(small_server, huge) == []


def test_server_sweeps_in_the_background(
    small_server: LiveServer, small_alice: GraphQLClient
) -> None:
    content = unique_bytes()
    attachment = uploaded(small_alice, content, "soon-gone.txt")
    deadline = time.monotonic() + 20  # the first sweep runs one interval after start
    while rows_with(small_server, content) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert rows_with(small_server, content) == []
    deadline = time.monotonic() + 5
    while stored(small_server, content).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not stored(small_server, content).exists()
    assert download(small_server, attachment["id"], small_alice).status_code == 404


async def test_background_sweep_survives_errors_and_stops(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[float] = []
    third = asyncio.Event()
    settings = Settings(env="test", attachment_sweep_interval_seconds=0.02)

    async def flaky(given: Settings, db: Database) -> SweepResult:
        if given is not settings:
            # Another server's sweeper in this process (the tests' live servers): their
            # sweeps must not count here, as one did when it fell within this test.
            return SweepResult(rows_deleted=0, files_deleted=0)
        calls.append(time.monotonic())
        if len(calls) == 3:
            third.set()
        if len(calls) == 1:
            raise RuntimeError("disk on fire")
        return SweepResult(rows_deleted=1, files_deleted=0)

    monkeypatch.setattr(sweeper, "sweep_once", flaky)
    async with sweeper.attachment_sweeper(settings, cast(Database, None)):
        await asyncio.wait_for(third.wait(), timeout=10)
    assert len(calls) >= 3  # the failure was logged, and the loop went on
    assert "attachment sweep failed" in caplog.text
    stopped = len(calls)
    await asyncio.sleep(0.1)
    assert len(calls) == stopped  # no more sweeps after shutdown


# ---- downloading


def test_uploader_downloads_while_unreferenced(server: LiveServer, alice: GraphQLClient) -> None:
    content = unique_bytes(5000, PNG)
    attachment = uploaded(alice, content, "Überblick 1.png", content_type="image/png")
    response = download(server, attachment["id"], alice)
    assert response.status_code == 200, response.text
    assert response.content == content
    assert response.headers["content-type"] == "image/png"
    assert response.headers["content-length"] == str(len(content))
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"].startswith("private")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("inline; ")  # a raster image may be shown
    assert "filename*=UTF-8''%C3%9Cberblick%201.png" in disposition

    # Revalidation is cheap: same content, same ETag.
    again = download(
        server, attachment["id"], alice, headers={"If-None-Match": response.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""

    text = uploaded(alice, unique_bytes(), "report.txt")
    response = download(server, text["id"], alice)
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["content-disposition"].startswith('attachment; filename="report.txt"')

    # node(id:) answers the uploader too.
    node = alice.ok(NODE, id=attachment["id"])["node"]
    assert node == {"id": attachment["id"], "filename": "Überblick 1.png", "size": len(content)}


def test_download_with_an_api_token(server: LiveServer, alice: GraphQLClient) -> None:
    token = alice.ok(
        """mutation($input: ApiTokenCreateInput!) { apiTokenCreate(input: $input) {
            token userErrors { field code message } } }""",
        input={"name": f"files-{secrets.token_hex(4)}"},
    )["apiTokenCreate"]["token"]
    content = unique_bytes()
    attachment = uploaded(alice, content, "notes.txt")
    response = httpx.get(
        f"{server.url}/files/{attachment['id']}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 200 and response.content == content


def test_others_get_the_same_404(
    server: LiveServer,
    alice: GraphQLClient,
    bob: GraphQLClient,
    clients: Callable[[str | None], GraphQLClient],
) -> None:
    attachment = uploaded(alice, unique_bytes(), "private.txt")
    agent = clients("agent@frontdesk.example")
    admin = clients("admin@frontdesk.example")
    answers = set()
    # Colleagues and even staff do not see an upload no request references yet.
    for other in (bob, agent, admin):
        response = download(server, attachment["id"], other)
        assert response.status_code == 404
        answers.add(response.text)
        assert other.ok(NODE, id=attachment["id"])["node"] is None
    for garbage in (
        "garbage",
        "%00",
        encode_id("Attachment", 10**12),
        encode_id("User", user_pk(alice)),
        encode_id("Attachment", 0),
    ):
        response = download(server, garbage, alice)
        assert response.status_code == 404, garbage
        answers.add(response.text)
    assert len(answers) == 1

    response = download(server, attachment["id"])  # nobody signed in
    assert response.status_code == 401


# ---- the sweep


def age(server: LiveServer, content: bytes, ids: list[str], by: timedelta) -> None:
    """Make uploads and their content look `by` old."""
    past = utcnow() - by
    db_execute(
        server.settings,
        update(Attachment).where(Attachment.id.in_([pk(i) for i in ids])).values(created_at=past),
    )
    stamp = time.time() - by.total_seconds()
    os.utime(stored(server, content), (stamp, stamp))


def test_sweep_removes_old_unreferenced_uploads(
    server: LiveServer, alice: GraphQLClient, bob: GraphQLClient
) -> None:
    shared, alone = unique_bytes(), unique_bytes()
    old_shared = uploaded(alice, shared, "shared.txt")
    fresh_shared = uploaded(bob, shared, "shared-again.txt")
    old_alone = uploaded(alice, alone, "alone.txt")
    age(server, shared, [old_shared["id"]], timedelta(days=2))
    age(server, alone, [old_alone["id"]], timedelta(days=2))
    leftover = store_root(server.settings.data_dir) / "tmp" / "upload-crashed"
    leftover.parent.mkdir(parents=True, exist_ok=True)
    leftover.write_bytes(b"half an upload")
    stamp = time.time() - 2 * 86400
    os.utime(leftover, (stamp, stamp))

    async def sweep(session: Any) -> Any:
        return await sweep_unreferenced(session, server.settings.data_dir, timedelta(days=1))

    run_db(server.settings, sweep)
    # The old upload is gone; its content stays because a fresh upload still uses it.
    assert [r.id for r in rows_with(server, shared)] == [pk(fresh_shared["id"])]
    assert stored(server, shared).read_bytes() == shared
    assert download(server, fresh_shared["id"], bob).content == shared
    # Content no row uses any more is removed with its row, and so are crash leftovers.
    assert rows_with(server, alone) == []
    assert not stored(server, alone).exists()
    assert not leftover.exists()
    assert download(server, old_alone["id"], alice).status_code == 404

    # Once the last user is old too, the operator's command removes row and content.
    age(server, shared, [fresh_shared["id"]], timedelta(days=2))
    settings = server.settings
    env = {
        "FRONTDESK_ENV": "test",
        "FRONTDESK_DATA_DIR": str(settings.data_dir),
        "FRONTDESK_DATABASE_URL": settings.resolved_database_url,
    }
    from backend.cli import app as cli

    outcome = CliRunner().invoke(cli, ["attachments", "sweep"], env=env)
    assert outcome.exit_code == 0, outcome.output
    assert "removed" in outcome.output
    assert rows_with(server, shared) == []
    assert not stored(server, shared).exists()


def test_sweep_keeps_recent_uploads(server: LiveServer, alice: GraphQLClient) -> None:
    content = unique_bytes()
    attachment = uploaded(alice, content, "recent.txt")
    age(server, content, [attachment["id"]], timedelta(hours=23))

    async def sweep(session: Any) -> Any:
        return await sweep_unreferenced(session, server.settings.data_dir, timedelta(days=1))

    run_db(server.settings, sweep)
    assert len(rows_with(server, content)) == 1
    assert stored(server, content).exists()
