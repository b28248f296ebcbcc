"""Production mode (FRONTDESK_ENV=production) end to end, on a real `frontdesk serve` per
database backend: no GraphiQL, no introspection, masked errors whose request id leads to the
JSON log line with the traceback, Secure cookies, and security headers on every kind of
response (API, health, SPA, files). One in-process development server shows that GraphiQL's
CDN allowances exist there only, and HSTS behind an https public URL."""

from __future__ import annotations

import hashlib
import json
import re
from base64 import b64encode
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from backend.config import Settings
from backend.domain.global_ids import encode
from backend.schema import build_schema
from tests.conftest import start_server, stop_server
from tests.support.auth_http import LOGIN, SESSION_COOKIE, post
from tests.support.client import DEMO_PASSWORD
from tests.support.db import run_db
from tests.support.serve import ServeProcess, frontdesk_env, run_command
from tests.support.server import LiveServer, free_port
from tests.support.services import create_pg_database, drop_pg_database

SPA_INDEX = "<!doctype html><html><body><div id=root></div>production-spa</body></html>"
UPLOAD = """mutation($input: AttachmentUploadInput!) { attachmentUpload(input: $input) {
    attachment { downloadUrl } userErrors { field code message } } }"""


@dataclass
class Production:
    serve: ServeProcess
    settings: Settings  # the same database, for breaking it on purpose
    admin: str  # session cookie value

    @property
    def url(self) -> str:
        return self.serve.url

    @property
    def graphql_url(self) -> str:
        return f"{self.serve.url}/graphql"


@pytest.fixture(scope="module")
def production(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Production]:
    tmp = tmp_path_factory.mktemp(f"production-{backend}")
    (tmp / "spa").mkdir()
    (tmp / "spa" / "index.html").write_text(SPA_INDEX)
    database_url = create_pg_database() if backend == "postgresql" else None
    port = free_port()
    options = {
        "env": "production",
        "data_dir": str(tmp / "data"),
        "spa_dir": str(tmp / "spa"),
        "public_url": f"http://127.0.0.1:{port}",
        "login_max_failures_per_address": "10000",
    }
    if database_url:
        options["database_url"] = database_url
    env = frontdesk_env(**options)
    serve: ServeProcess | None = None
    try:
        run_command(env, "demo")
        serve = ServeProcess(env, port, tmp / "serve.log").wait_healthy()
        login = post(
            serve.url + "/graphql",
            LOGIN,
            {"input": {"email": "admin@frontdesk.example", "password": DEMO_PASSWORD}},
        )
        assert login.status_code == 200, login.text
        [cookie] = [c for c in login.headers.get_list("set-cookie") if SESSION_COOKIE in c]
        settings = Settings(env="production", data_dir=tmp / "data", database_url=database_url)
        admin = cookie.split(";", 1)[0].split("=", 1)[1]
        yield Production(serve, settings, admin)
    finally:
        if serve is not None:
            serve.stop()
        if database_url:
            drop_pg_database(database_url)


def assert_security_headers(response: httpx.Response, public_url: str) -> None:
    policies = response.headers.get_list("content-security-policy")
    ours = [p for p in policies if "default-src" in p]
    assert len(ours) == 1, policies
    directives = dict(d.strip().split(" ", 1) for d in ours[0].split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no inline scripts, no CDN
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    ws_origin = public_url.replace("http://", "ws://").replace("https://", "wss://")
    assert directives["connect-src"].split() == ["'self'", ws_origin]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers.get_list("x-content-type-options") == ["nosniff"]
    assert "strict-transport-security" not in response.headers  # plain http here
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


def graphql(production: Production, query: str, **kw: Any) -> httpx.Response:
    return post(production.graphql_url, query, session=production.admin, **kw)


# ---- no GraphiQL, no introspection


def test_no_graphiql(production: Production) -> None:
    response = httpx.get(production.graphql_url, headers={"Accept": "text/html"})
    assert response.status_code >= 400
    assert "graphiql" not in response.text.lower()


@pytest.mark.parametrize(
    "query", ["{ __schema { types { name } } }", '{ __type(name: "Query") { name } }']
)
def test_introspection_is_off(production: Production, query: str) -> None:
    response = graphql(production, query)
    assert response.status_code == 200
    codes = {error["extensions"]["code"] for error in response.json()["errors"]}
    assert codes == {"INTROSPECTION_DISABLED"}
    # __typename is not introspection: clients (and caches) rely on it.
    assert graphql(production, "{ __typename }").json() == {"data": {"__typename": "Query"}}


# ---- cookies


def test_session_cookie_is_secure_httponly_and_lax(production: Production) -> None:
    response = post(
        production.graphql_url,
        LOGIN,
        {"input": {"email": "alice@acme.example", "password": DEMO_PASSWORD}},
    )
    [cookie] = [c for c in response.headers.get_list("set-cookie") if SESSION_COOKIE in c]
    attributes = {a.strip().split("=")[0].lower() for a in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite"} <= attributes, cookie
    assert "samesite=lax" in cookie.lower()


# ---- security headers everywhere


def test_headers_on_the_api_and_health(production: Production) -> None:
    for response in (
        graphql(production, "{ viewer { user { email } } }"),
        httpx.get(f"{production.url}/healthz"),
        httpx.get(f"{production.url}/readyz"),
        # Refusals too: a forged form post, an unknown path.
        httpx.post(
            production.graphql_url, content=b"query=x", headers={"Content-Type": "text/plain"}
        ),
        httpx.get(f"{production.url}/graphql/nope.js"),
    ):
        assert_security_headers(response, production.url)


def test_headers_on_the_spa_index(production: Production) -> None:
    for path in ("/", "/requests/FD-1"):
        response = httpx.get(production.url + path)
        assert response.status_code == 200
        assert "production-spa" in response.text
        assert_security_headers(response, production.url)


def test_headers_on_files_keep_their_own_sandbox(production: Production) -> None:
    with httpx.Client(cookies={SESSION_COOKIE: production.admin}, timeout=30) as client:
        uploaded = client.post(
            production.graphql_url,
            data={
                "operations": json.dumps({"query": UPLOAD, "variables": {"input": {"file": None}}}),
                "map": json.dumps({"0": ["variables.input.file"]}),
            },
            files={"0": ("notes.txt", b"production notes", "text/plain")},
            headers={"X-Frontdesk-CSRF": "1"},
        )
        assert uploaded.status_code == 200, uploaded.text
        payload = uploaded.json()["data"]["attachmentUpload"]
        assert payload["userErrors"] == []
        download = client.get(production.url + payload["attachment"]["downloadUrl"])
    assert download.status_code == 200
    assert download.content == b"production notes"
    assert_security_headers(download, production.url)
    assert "sandbox" in download.headers.get_list("content-security-policy")


# ---- masked errors: a code and a request id, the traceback in the log only


def test_an_unexpected_error_is_masked_and_its_request_id_finds_the_log_line(
    production: Production,
) -> None:
    # A real fault: the table behind `teams` disappears under the running server.
    async def break_teams(session: Any) -> None:
        await session.execute(text("ALTER TABLE teams RENAME TO teams_gone"))

    run_db(production.settings, break_teams)
    response = graphql(
        production, "{ teams(first: 5) { totalCount } }", headers={"X-Request-ID": "probe-42.a"}
    )
    assert response.status_code == 200
    body = response.json()
    [error] = body["errors"]
    assert error["message"] == "Unexpected error."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "probe-42.a"}
    assert response.headers["x-request-id"] == "probe-42.a"  # a sane incoming id is kept
    for leak in ("Traceback", "sqlalchemy", "no such table", "does not exist", 'File "'):
        assert leak.lower() not in response.text.lower(), body

    logged = production.serve.wait_for_log(
        lambda line: line["request_id"] == "probe-42.a" and line["level"] == "ERROR"
    )
    assert logged["logger"] == "frontdesk.graphql"
    assert "Traceback" in logged["exception"]
    assert "teams" in logged["exception"]
    access = production.serve.wait_for_log(
        lambda line: line["request_id"] == "probe-42.a" and line["logger"] == "frontdesk.access"
    )
    assert (access["method"], access["path"], access["status"]) == ("POST", "/graphql", 200)
    assert isinstance(access["duration_ms"], float | int) and access["duration_ms"] >= 0
    assert {"time", "level", "message"} <= access.keys()


def test_an_unexpected_error_outside_graphql_is_masked_too(production: Production) -> None:
    """A fault in a plain HTTP endpoint: a coded 500 with the request id, never a traceback;
    the log line with the same id has it."""

    async def break_attachments(session: Any) -> None:
        await session.execute(text("ALTER TABLE attachments RENAME TO attachments_gone"))

    run_db(production.settings, break_attachments)
    with httpx.Client(cookies={SESSION_COOKIE: production.admin}, timeout=30) as client:
        response = client.get(f"{production.url}/files/{encode('Attachment', 1)}")
    assert response.status_code == 500
    rid = response.headers["x-request-id"]
    assert response.json() == {
        "errors": [
            {
                "message": "Unexpected error.",
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": rid},
            }
        ]
    }
    assert_security_headers(response, production.url)
    logged = production.serve.wait_for_log(
        lambda line: line["request_id"] == rid and line["level"] == "ERROR"
    )
    assert logged["logger"] == "frontdesk.http"
    assert "Traceback" in logged["exception"] and "attachments" in logged["exception"]


def test_an_insane_request_id_is_replaced(production: Production) -> None:
    response = graphql(production, "{ __typename }", headers={"X-Request-ID": "a b\tc" * 50})
    rid = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", rid)
    production.serve.wait_for_log(lambda line: line["request_id"] == rid)


def test_every_log_line_is_json(production: Production) -> None:
    lines = production.serve.json_lines()
    assert lines, production.serve.output()
    assert all(
        {"time", "level", "logger", "message", "request_id"} <= line.keys() for line in lines
    )
    # uvicorn's own lines come through the same formatter.
    assert any(line["logger"].startswith("uvicorn") for line in lines)


# ---- development: GraphiQL's allowances there only; HSTS behind https


@pytest.fixture(scope="module")
def development(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live, pg_url = start_server(
        backend,
        tmp_path_factory,
        demo=False,
        env="development",
        public_url="https://frontdesk.example",
    )
    yield live
    stop_server(live, pg_url)


def test_graphiql_may_load_exactly_its_cdn_and_inline_script(development: LiveServer) -> None:
    page = httpx.get(development.graphql_url, headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    [policy] = page.headers.get_list("content-security-policy")
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    inline = re.findall(r"<script>(.*?)</script>", page.text, flags=re.DOTALL)
    assert len(inline) == 1
    digest = b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert directives["script-src"].split() == [
        "'self'",
        "https://unpkg.com",
        f"'sha256-{digest}'",
    ]
    assert directives["frame-ancestors"] == "'none'"
    assert directives["connect-src"].split() == ["'self'", "wss://frontdesk.example"]
    # Everything else keeps the strict policy, even in development.
    health = httpx.get(f"{development.url}/healthz")
    assert "unpkg" not in health.headers["content-security-policy"]


def test_hsts_only_behind_https(development: LiveServer, production: Production) -> None:
    response = httpx.get(f"{development.url}/healthz")
    assert response.headers["strict-transport-security"] == "max-age=31536000"
    assert "strict-transport-security" not in httpx.get(f"{production.url}/healthz").headers


# ---- the settings behind it


@pytest.mark.parametrize(
    ("env", "introspection", "answered"),
    [
        ("production", None, False),
        ("production", True, True),  # FRONTDESK_INTROSPECTION=true opens it again
        ("development", None, True),
        ("development", False, False),
        ("test", None, True),
    ],
)
def test_introspection_follows_the_setting(
    env: str, introspection: bool | None, answered: bool
) -> None:
    schema = build_schema(Settings(env=env, introspection=introspection))
    result = schema.execute_sync("{ __schema { queryType { name } } }")
    if answered:
        assert result.errors is None and result.data == {
            "__schema": {"queryType": {"name": "Query"}}
        }
    else:
        assert result.errors and result.errors[0].extensions == {"code": "INTROSPECTION_DISABLED"}


@pytest.mark.parametrize(
    ("env", "log_format", "json_logs"),
    [
        ("production", None, True),
        ("production", "text", False),
        ("development", None, False),
        ("development", "json", True),
        ("test", None, False),
    ],
)
def test_log_format_follows_the_environment_unless_set(
    env: str, log_format: str | None, json_logs: bool
) -> None:
    assert Settings(env=env, log_format=log_format).json_logs is json_logs
