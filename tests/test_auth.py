"""Sign-in, sessions, API tokens, password reset and login throttling, over real HTTP.

Every test runs against SQLite and PostgreSQL (the `server` fixture). Accounts are created per
test (the `factory` fixture); demo accounts are only signed in with, never changed.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import func, select, update

from backend.db.models import (
    ApiToken,
    AuthSession,
    LoginAttempt,
    MailOutbox,
    PasswordResetToken,
    User,
)
from tests.conftest import Factory, start_server
from tests.support import auth_http as http
from tests.support.auth_db import db_execute, db_rows
from tests.support.client import DEMO_PASSWORD, GraphQLClient
from tests.support.server import LiveServer
from tests.support.services import drop_pg_database

ClientFactory = Callable[..., GraphQLClient]

VIEWER = "{ viewer { user { id email role } } }"
LOGOUT = """mutation($input: LogoutInput) { logout(input: $input) {
    signedOut userErrors { field code message } } }"""
TOKEN_CREATE = """mutation($input: ApiTokenCreateInput!) { apiTokenCreate(input: $input) {
    token apiToken { id name prefix createdAt expiresAt lastUsedAt revokedAt }
    userErrors { field code message } } }"""
TOKEN_REVOKE = """mutation($input: ApiTokenRevokeInput!) { apiTokenRevoke(input: $input) {
    apiToken { id revokedAt } userErrors { field code message } } }"""
RESET_REQUEST = """mutation($input: PasswordResetRequestInput!) {
    passwordResetRequest(input: $input) { accepted userErrors { field code message } } }"""
RESET = """mutation($input: PasswordResetInput!) { passwordReset(input: $input) {
    success userErrors { field code message } } }"""

NEW_PASSWORD = "a-brand-new-passphrase"


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def now() -> datetime:
    return datetime.now(UTC)


def viewer_email(client: GraphQLClient) -> str | None:
    viewer = client.ok(VIEWER)["viewer"]
    return viewer["user"]["email"] if viewer else None


def session_of(client: GraphQLClient) -> str:
    value = client.cookies.get(http.SESSION_COOKIE)
    assert value, "the client holds no session cookie"
    return str(value)


def sessions_of(server: LiveServer, email: str) -> list[Any]:
    return db_rows(
        server.settings,
        select(AuthSession)
        .join(User, User.id == AuthSession.user_id)
        .where(User.email == email)
        .order_by(AuthSession.id),
    )


def unknown_email(unique: Callable[[str], str]) -> str:
    return f"{unique('nobody')}@example.com"


def errors(payload: dict[str, Any]) -> list[tuple[list[str] | None, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


def assert_plain_json(response: Any) -> dict[str, Any]:
    """GraphQL over HTTP with `Accept: application/json`: always 200, JSON, no traceback."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert "Traceback" not in response.text
    return dict(response.json())


def start_server_with(
    backend: str, tmp_path_factory: pytest.TempPathFactory, **overrides: Any
) -> tuple[LiveServer, str | None]:
    """A server of its own (demo data loaded) with some settings overridden."""
    return start_server(backend, tmp_path_factory, **overrides)


# ---------------------------------------------------------------- sign-in and the cookie


def test_login_sets_an_httponly_lax_cookie_that_authenticates(
    server: LiveServer, factory: Factory
) -> None:
    user = factory.user()
    response = http.login(server.graphql_url, user["email"], user["password"])
    body = assert_plain_json(response)
    assert body["data"]["login"] == {"viewer": {"user": {"email": user["email"]}}, "userErrors": []}

    headers = [h for h in http.set_cookies(response) if h.startswith(f"{http.SESSION_COOKIE}=")]
    assert len(headers) == 1, http.set_cookies(response)
    attributes = {
        part.strip().split("=")[0].lower(): part.strip() for part in headers[0].split(";")
    }
    assert "httponly" in attributes
    assert attributes["samesite"].lower() == "samesite=lax"
    assert attributes["path"] == "Path=/"
    assert attributes["max-age"] == f"Max-Age={server.settings.session_ttl_hours * 3600}"
    # The test server is plain http: a Secure cookie would never be sent back.
    assert "secure" not in attributes

    token = http.session_cookie(response)
    assert token and len(token) >= 40
    assert http.viewer_email(server.graphql_url, session=token) == user["email"]
    assert http.viewer_email(server.graphql_url) is None


def test_session_row_stores_only_a_hash(server: LiveServer, factory: Factory) -> None:
    user = factory.user()
    before = now()
    response = http.login(
        server.graphql_url, user["email"], user["password"], headers={"User-Agent": "pytest/1"}
    )
    token = http.session_cookie(response)
    assert token
    rows = sessions_of(server, user["email"])
    assert len(rows) == 1
    row = rows[0][0]
    assert row.token_hash == sha256(token)
    stored = [str(getattr(row, c.key)) for c in AuthSession.__table__.columns]
    assert not any(token in value for value in stored)
    assert row.revoked_at is None
    assert row.user_agent == "pytest/1"
    ttl = timedelta(hours=server.settings.session_ttl_hours)
    assert before + ttl - timedelta(minutes=1) < row.expires_at < now() + ttl + timedelta(minutes=1)


def test_password_hashes_are_argon2id(server: LiveServer, factory: Factory) -> None:
    user = factory.user()
    rows = db_rows(server.settings, select(User.email, User.password_hash))
    hashes = {email: hashed for email, hashed in rows}
    assert hashes[user["email"]].startswith("$argon2id$")
    assert user["password"] not in hashes[user["email"]]
    assert hashes["alice@acme.example"].startswith("$argon2id$")
    assert all(h.startswith("$argon2id$") for h in hashes.values() if h is not None)


def test_viewer_shows_user_memberships_and_teams(client_factory: ClientFactory) -> None:
    query = """{ viewer { user { email role }
        memberships { role organisation { name } } teams { name } } }"""
    alice = client_factory("alice@acme.example").ok(query)["viewer"]
    assert alice["user"] == {"email": "alice@acme.example", "role": "CUSTOMER"}
    assert {"role": "SUPER_USER", "organisation": {"name": "Acme Exams"}} in alice["memberships"]
    assert alice["teams"] == []
    agent = client_factory("agent@frontdesk.example").ok(query)["viewer"]
    assert agent["user"]["role"] == "AGENT"
    assert agent["memberships"] == []
    assert {"name": "Support"} in agent["teams"]
    assert client_factory().ok(query) == {"viewer": None}


def test_login_email_is_case_insensitive(client_factory: ClientFactory, factory: Factory) -> None:
    user = factory.user()
    client = client_factory()
    payload = client.login(f"  {user['email'].upper()} ", user["password"])
    assert payload["userErrors"] == []
    assert viewer_email(client) == user["email"]


def test_wrong_password_and_unknown_email_get_the_same_answer(
    server: LiveServer, factory: Factory, unique: Callable[[str], str]
) -> None:
    user = factory.user()
    wrong = http.login(server.graphql_url, user["email"], "not-the-password")
    unknown = http.login(server.graphql_url, unknown_email(unique), user["password"])
    for response in (wrong, unknown):
        body = assert_plain_json(response)
        assert body == {
            "data": {
                "login": {
                    "viewer": None,
                    "userErrors": [
                        {
                            "field": None,
                            "code": "INVALID_CREDENTIALS",
                            "message": "Wrong e-mail address or password.",
                        }
                    ],
                }
            }
        }
        assert http.set_cookies(response) == []
    assert wrong.content == unknown.content
    assert sessions_of(server, user["email"]) == []


def test_deactivated_account_cannot_sign_in(
    server: LiveServer, factory: Factory, client_factory: ClientFactory, admin: GraphQLClient
) -> None:
    user = factory.user()
    client = client_factory(user["email"], password=user["password"])
    payload = admin.mutate(
        "userUpdate",
        """mutation($input: UserUpdateInput!) { userUpdate(input: $input) {
            userErrors { code } } }""",
        id=user["id"],
        isActive=False,
    )
    assert payload["userErrors"] == []
    assert viewer_email(client) is None
    response = http.login(server.graphql_url, user["email"], user["password"])
    body = assert_plain_json(response)
    assert body["data"]["login"]["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    assert http.set_cookies(response) == []
    # Nor can it get back in through a reset link.
    request = http.post(server.graphql_url, RESET_REQUEST, {"input": {"email": user["email"]}})
    assert assert_plain_json(request)["data"]["passwordResetRequest"]["accepted"] is True
    assert outbox_to(server, user["email"]) == []


@pytest.mark.parametrize(
    ("method", "content_type", "body"),
    [
        ("POST", "text/plain", '{"query": "mutation { logout { signedOut } }"}'),
        ("POST", "application/x-www-form-urlencoded", "query=mutation%7Blogout%7BsignedOut%7D%7D"),
        ("GET", None, None),
    ],
    ids=["text-plain", "form", "get"],
)
def test_cookie_mutations_only_as_json_posts(
    server: LiveServer,
    factory: Factory,
    method: str,
    content_type: str | None,
    body: str | None,
) -> None:
    # What a cross-site form or link could send must never run a mutation with the cookie.
    user = factory.user()
    token = http.session_cookie(http.login(server.graphql_url, user["email"], user["password"]))
    assert token
    with httpx.Client(cookies={http.SESSION_COOKIE: token}, timeout=30) as client:
        if method == "GET":
            response = client.get(
                server.graphql_url, params={"query": "mutation { logout { signedOut } }"}
            )
        else:
            response = client.post(
                server.graphql_url, content=body, headers={"Content-Type": str(content_type)}
            )
    assert 400 <= response.status_code < 500, response.text
    assert "Traceback" not in response.text
    assert http.viewer_email(server.graphql_url, session=token) == user["email"]


def test_overlong_email_is_a_plain_failed_login(server: LiveServer) -> None:
    email = "x" * 300 + "@example.com"
    body = assert_plain_json(http.login(server.graphql_url, email, "whatever-password"))
    assert body["data"]["login"]["userErrors"][0]["code"] == "INVALID_CREDENTIALS"


def test_overlong_forwarded_address_is_a_plain_failed_login(
    server: LiveServer, unique: Callable[[str], str]
) -> None:
    # The server trusts X-Forwarded-For from 127.0.0.1; whatever the proxy passes must not
    # break the failure bookkeeping (a 500 here would leak through a misconfigured proxy).
    headers = {"X-Forwarded-For": "a" * 100}
    response = http.login(server.graphql_url, unknown_email(unique), "x" * 12, headers=headers)
    body = assert_plain_json(response)
    assert body["data"]["login"]["userErrors"][0]["code"] == "INVALID_CREDENTIALS"


# ---------------------------------------------------------------- sign-out and session life


def test_logout_revokes_the_session_server_side(
    server: LiveServer, factory: Factory, client_factory: ClientFactory
) -> None:
    user = factory.user()
    client = client_factory(user["email"], password=user["password"])
    other = client_factory(user["email"], password=user["password"])
    token = session_of(client)

    response = http.post(server.graphql_url, LOGOUT, session=token)
    body = assert_plain_json(response)
    assert body["data"]["logout"] == {"signedOut": True, "userErrors": []}
    cleared = [h for h in http.set_cookies(response) if h.startswith(f"{http.SESSION_COOKIE}=")]
    assert len(cleared) == 1 and ("Max-Age=0" in cleared[0] or "expires=" in cleared[0].lower())

    # Replaying the old cookie value (as a thief would) no longer works.
    assert http.viewer_email(server.graphql_url, session=token) is None
    assert viewer_email(client) is None
    revoked = {row[0].token_hash: row[0].revoked_at for row in sessions_of(server, user["email"])}
    assert revoked[sha256(token)] is not None
    # Only that session ended: the user's other session goes on.
    assert viewer_email(other) == user["email"]
    assert revoked[sha256(session_of(other))] is None


def test_logout_through_the_client_forgets_the_cookie(
    factory: Factory, client_factory: ClientFactory
) -> None:
    user = factory.user()
    client = client_factory(user["email"], password=user["password"])
    assert client.mutate("logout", LOGOUT) == {"signedOut": True, "userErrors": []}
    assert viewer_email(client) is None
    assert client.mutate("logout", LOGOUT) == {"signedOut": False, "userErrors": []}


def test_logout_everywhere_ends_every_session_of_the_user(
    server: LiveServer, factory: Factory, client_factory: ClientFactory
) -> None:
    user, bystander = factory.user(), factory.user()
    first = client_factory(user["email"], password=user["password"])
    second = client_factory(user["email"], password=user["password"])
    third = client_factory(user["email"], password=user["password"])
    stranger = client_factory(bystander["email"], password=bystander["password"])
    kept = [session_of(second), session_of(third)]

    payload = first.mutate("logout", LOGOUT, everywhere=True)
    assert payload == {"signedOut": True, "userErrors": []}
    for token in kept:
        assert http.viewer_email(server.graphql_url, session=token) is None
    assert viewer_email(second) is None
    assert all(row[0].revoked_at is not None for row in sessions_of(server, user["email"]))
    assert viewer_email(stranger) == bystander["email"]


def test_login_rotates_the_session(
    server: LiveServer, factory: Factory, client_factory: ClientFactory
) -> None:
    user, other = factory.user(), factory.user()
    client = client_factory(user["email"], password=user["password"])
    first = session_of(client)
    assert client.login(user["email"], user["password"])["userErrors"] == []
    second = session_of(client)
    assert second != first
    assert http.viewer_email(server.graphql_url, session=first) is None
    assert http.viewer_email(server.graphql_url, session=second) == user["email"]

    # Signing in as someone else in the same browser ends the previous user's session too.
    assert client.login(other["email"], other["password"])["userErrors"] == []
    assert http.viewer_email(server.graphql_url, session=second) is None
    assert viewer_email(client) == other["email"]


def test_failed_login_keeps_the_current_session(
    factory: Factory, client_factory: ClientFactory
) -> None:
    user = factory.user()
    client = client_factory(user["email"], password=user["password"])
    token = session_of(client)
    payload = client.login(user["email"], "not-the-password")
    assert [e["code"] for e in payload["userErrors"]] == ["INVALID_CREDENTIALS"]
    assert session_of(client) == token
    assert viewer_email(client) == user["email"]


def test_expired_session_is_anonymous(
    server: LiveServer, factory: Factory, client_factory: ClientFactory
) -> None:
    user = factory.user()
    client = client_factory(user["email"], password=user["password"])
    token = session_of(client)
    assert viewer_email(client) == user["email"]
    touched = db_execute(
        server.settings,
        update(AuthSession)
        .where(AuthSession.token_hash == sha256(token))
        .values(expires_at=now() - timedelta(seconds=1)),
    )
    assert touched == 1
    assert viewer_email(client) is None
    result = client.execute(TOKEN_CREATE, input={"name": "after expiry"})
    assert result.codes == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(
    "cookie",
    ["garbage", "x" * 5000, "eyJhbGciOiJub25lIn0.e30.", "%00%ff'; DROP TABLE users;--"],
    ids=["word", "long", "jwt-like", "hostile"],
)
def test_garbage_cookie_is_anonymous(server: LiveServer, cookie: str) -> None:
    assert http.viewer_email(server.graphql_url, session=cookie) is None


@pytest.mark.parametrize(
    ("name", "query", "variables"),
    [
        ("apiTokenCreate", TOKEN_CREATE, {"input": {"name": "nope"}}),
        ("apiTokenRevoke", TOKEN_REVOKE, {"input": {"id": "QXBpVG9rZW46MQ=="}}),
    ],
)
@pytest.mark.parametrize("cookie", [None, "garbage"], ids=["no-cookie", "bad-cookie"])
def test_mutations_needing_a_viewer_are_unauthenticated(
    server: LiveServer, name: str, query: str, variables: dict[str, Any], cookie: str | None
) -> None:
    count = select(func.count()).select_from(ApiToken)
    before = db_rows(server.settings, count)
    response = http.post(server.graphql_url, query, variables, session=cookie)
    body = assert_plain_json(response)
    assert body["data"] is None
    assert len(body["errors"]) == 1
    error = body["errors"][0]
    assert error["extensions"] == {"code": "UNAUTHENTICATED"}
    assert error["path"] == [name]
    assert db_rows(server.settings, count) == before


# ---------------------------------------------------------------- API tokens


def token_create(client: GraphQLClient, **input: Any) -> dict[str, Any]:
    # Not client.mutate: its first parameter is called `name`, like this input's field.
    return client.ok(TOKEN_CREATE, input=input)["apiTokenCreate"]


def create_token(client: GraphQLClient, name: str = "CI", **extra: Any) -> dict[str, Any]:
    payload = token_create(client, name=name, **extra)
    assert payload["userErrors"] == [], payload
    return payload


def test_api_token_is_shown_once_and_stored_hashed(
    server: LiveServer, factory: Factory, client_factory: ClientFactory
) -> None:
    user = factory.user()
    client = client_factory(user["email"], password=user["password"])
    payload = create_token(client, "Jira sync")
    secret = payload["token"]
    assert secret.startswith("fdt_") and len(secret) > 40
    record = payload["apiToken"]
    assert record["name"] == "Jira sync"
    assert record["prefix"] == secret[:10]
    assert record["revokedAt"] is None and record["expiresAt"] is None

    rows = db_rows(
        server.settings,
        select(ApiToken).join(User, User.id == ApiToken.user_id).where(User.email == user["email"]),
    )
    assert len(rows) == 1
    row = rows[0][0]
    assert row.token_hash == sha256(secret)
    assert re.fullmatch(r"[0-9a-f]{64}", row.token_hash)
    assert not any(secret in str(getattr(row, c.key)) for c in ApiToken.__table__.columns)

    # The type has no field that could ever carry the secret again.
    fields = client.ok('{ __type(name: "ApiToken") { fields { name } } }')["__type"]["fields"]
    assert {f["name"] for f in fields} == {
        "id",
        "name",
        "prefix",
        "createdAt",
        "expiresAt",
        "lastUsedAt",
        "revokedAt",
    }


def test_bearer_token_authenticates_and_is_listed_without_secret(
    server: LiveServer, factory: Factory, client_factory: ClientFactory
) -> None:
    user = factory.user()
    owner = client_factory(user["email"], password=user["password"])
    payload = create_token(owner)
    secret = payload["token"]

    api = client_factory(token=secret)
    assert api.cookies.get(http.SESSION_COOKIE) is None
    assert viewer_email(api) == user["email"]
    headers = {"Authorization": f"Bearer {secret}"}
    assert http.viewer_email(server.graphql_url, headers=headers) == user["email"]

    response = http.post(
        server.graphql_url,
        "{ viewer { apiTokens { id name prefix lastUsedAt revokedAt } } }",
        session=session_of(owner),
    )
    body = assert_plain_json(response)
    listed = body["data"]["viewer"]["apiTokens"]
    assert [t["id"] for t in listed] == [payload["apiToken"]["id"]]
    assert listed[0]["prefix"] == secret[:10]
    assert listed[0]["lastUsedAt"] is not None  # touched by the bearer request
    assert secret not in response.text


def test_revoked_api_token_stops_working(
    server: LiveServer, factory: Factory, client_factory: ClientFactory
) -> None:
    user = factory.user()
    owner = client_factory(user["email"], password=user["password"])
    keep, drop = create_token(owner, "keep"), create_token(owner, "drop")
    assert viewer_email(client_factory(token=drop["token"])) == user["email"]

    payload = owner.mutate("apiTokenRevoke", TOKEN_REVOKE, id=drop["apiToken"]["id"])
    assert payload["userErrors"] == []
    assert payload["apiToken"]["id"] == drop["apiToken"]["id"]
    assert payload["apiToken"]["revokedAt"] is not None

    assert viewer_email(client_factory(token=drop["token"])) is None
    assert viewer_email(client_factory(token=keep["token"])) == user["email"]
    result = client_factory(token=drop["token"]).execute(TOKEN_CREATE, input={"name": "x"})
    assert result.codes == ["UNAUTHENTICATED"]
    # Revoking again is harmless and keeps the first revocation time.
    again = owner.mutate("apiTokenRevoke", TOKEN_REVOKE, id=drop["apiToken"]["id"])
    assert again == payload


def test_token_can_revoke_itself(factory: Factory, client_factory: ClientFactory) -> None:
    user = factory.user()
    payload = create_token(client_factory(user["email"], password=user["password"]))
    api = client_factory(token=payload["token"])
    revoked = api.mutate("apiTokenRevoke", TOKEN_REVOKE, id=payload["apiToken"]["id"])
    assert revoked["userErrors"] == []
    assert viewer_email(api) is None


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer garbage",
        "Bearer fdt_",
        "Bearer fdt_" + "A" * 43,
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "fdt_" + "A" * 43,
        "Bearer " + "x" * 5000,
    ],
    ids=["garbage", "bare-prefix", "unknown", "no-token", "basic", "no-scheme", "long"],
)
def test_malformed_or_unknown_token_is_anonymous(
    server: LiveServer, factory: Factory, authorization: str
) -> None:
    user = factory.user()
    cookie = http.session_cookie(http.login(server.graphql_url, user["email"], user["password"]))
    headers = {"Authorization": authorization}
    assert http.viewer_email(server.graphql_url, headers=headers) is None
    # An Authorization header decides alone: a cookie sent along does not rescue it.
    assert http.viewer_email(server.graphql_url, session=cookie, headers=headers) is None
    assert http.viewer_email(server.graphql_url, session=cookie) == user["email"]


@pytest.mark.parametrize(
    "expires_at",
    [
        (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
        "2000-01-01T00:00:00+00:00",
        (datetime.now(UTC) + timedelta(days=1)).replace(tzinfo=None).isoformat(),
    ],
    ids=["just-past", "long-past", "no-time-zone"],
)
def test_api_token_expiry_must_be_a_future_aware_time(
    server: LiveServer, factory: Factory, client_factory: ClientFactory, expires_at: str
) -> None:
    user = factory.user()
    client = client_factory(user["email"], password=user["password"])
    payload = token_create(client, name="old", expiresAt=expires_at)
    assert payload["token"] is None and payload["apiToken"] is None
    assert errors(payload) == [(["input", "expiresAt"], "INVALID")]
    rows = db_rows(
        server.settings,
        select(ApiToken.id)
        .join(User, User.id == ApiToken.user_id)
        .where(User.email == user["email"]),
    )
    assert rows == []


def test_api_token_name_is_required(factory: Factory, client_factory: ClientFactory) -> None:
    user = factory.user()
    client = client_factory(user["email"], password=user["password"])
    payload = token_create(client, name="   ")
    assert payload["token"] is None
    assert errors(payload) == [(["input", "name"], "REQUIRED")]
    payload = token_create(client, name="n" * 101)
    assert errors(payload) == [(["input", "name"], "TOO_LONG")]


def test_expired_api_token_stops_working(
    server: LiveServer, factory: Factory, client_factory: ClientFactory
) -> None:
    user = factory.user()
    owner = client_factory(user["email"], password=user["password"])
    expiry = (now() + timedelta(days=30)).isoformat()
    payload = create_token(owner, "monthly", expiresAt=expiry)
    assert payload["apiToken"]["expiresAt"] is not None
    api = client_factory(token=payload["token"])
    assert viewer_email(api) == user["email"]

    touched = db_execute(
        server.settings,
        update(ApiToken)
        .where(ApiToken.token_hash == sha256(payload["token"]))
        .values(expires_at=now() - timedelta(seconds=1)),
    )
    assert touched == 1
    assert viewer_email(api) is None


def test_cannot_revoke_another_users_token(factory: Factory, client_factory: ClientFactory) -> None:
    owner_user, intruder_user = factory.user(), factory.user()
    owner = client_factory(owner_user["email"], password=owner_user["password"])
    intruder = client_factory(intruder_user["email"], password=intruder_user["password"])
    live, revoked = create_token(owner, "live"), create_token(owner, "revoked")
    assert (
        owner.mutate("apiTokenRevoke", TOKEN_REVOKE, id=revoked["apiToken"]["id"])["userErrors"]
        == []
    )

    for target in (live, revoked):
        payload = intruder.mutate("apiTokenRevoke", TOKEN_REVOKE, id=target["apiToken"]["id"])
        assert payload["apiToken"] is None
        assert errors(payload) == [(["input", "id"], "NOT_FOUND")]
    # Admins cannot revoke someone else's token through this mutation either.
    payload = client_factory("admin@frontdesk.example").mutate(
        "apiTokenRevoke", TOKEN_REVOKE, id=live["apiToken"]["id"]
    )
    assert [e["code"] for e in payload["userErrors"]] == ["NOT_FOUND"]
    assert viewer_email(client_factory(token=live["token"])) == owner_user["email"]


def test_revoke_with_a_wrong_id_is_a_user_error(
    factory: Factory, client_factory: ClientFactory
) -> None:
    user = factory.user()
    client = client_factory(user["email"], password=user["password"])
    for bad_id in ("not-an-id", user["id"]):
        payload = client.mutate("apiTokenRevoke", TOKEN_REVOKE, id=bad_id)
        assert errors(payload) == [(["input", "id"], "INVALID_ID")]


def test_logout_with_an_api_token_is_refused(
    factory: Factory, client_factory: ClientFactory
) -> None:
    user = factory.user()
    owner = client_factory(user["email"], password=user["password"])
    api = client_factory(token=create_token(owner)["token"])
    payload = api.mutate("logout", LOGOUT, everywhere=True)
    assert payload["signedOut"] is False
    assert [e["code"] for e in payload["userErrors"]] == ["NOT_A_SESSION"]
    assert viewer_email(api) == user["email"]
    assert viewer_email(owner) == user["email"]


# ---------------------------------------------------------------- password reset


def outbox_to(server: LiveServer, email: str) -> list[Any]:
    return [
        row[0]
        for row in db_rows(
            server.settings,
            select(MailOutbox).where(MailOutbox.to_address == email).order_by(MailOutbox.id),
        )
    ]


def request_reset(client: GraphQLClient, email: str) -> dict[str, Any]:
    return client.mutate("passwordResetRequest", RESET_REQUEST, email=email)


def reset_token(server: LiveServer, email: str) -> str:
    """The token of the newest reset link mailed to `email`."""
    mails = [m for m in outbox_to(server, email) if m.kind == "password_reset"]
    assert mails, f"no reset mail to {email}"
    base = server.settings.public_url.rstrip("/")
    links = re.findall(r"https?://\S+", mails[-1].body)
    assert len(links) == 1, mails[-1].body
    parts = urlsplit(links[0])
    assert f"{parts.scheme}://{parts.netloc}" == base
    assert parts.path == "/reset-password"
    (token,) = parse_qs(parts.query)["token"]
    return token


def reset(client: GraphQLClient, token: str, password: str = NEW_PASSWORD) -> dict[str, Any]:
    return client.mutate("passwordReset", RESET, token=token, newPassword=password)


def test_reset_request_answers_the_same_for_unknown_accounts(
    server: LiveServer, factory: Factory, anonymous: GraphQLClient, unique: Callable[[str], str]
) -> None:
    user = factory.user()
    nobody = unknown_email(unique)
    known = http.post(server.graphql_url, RESET_REQUEST, {"input": {"email": user["email"]}})
    unknown = http.post(server.graphql_url, RESET_REQUEST, {"input": {"email": nobody}})
    assert assert_plain_json(known) == {
        "data": {"passwordResetRequest": {"accepted": True, "userErrors": []}}
    }
    assert known.content == unknown.content
    assert outbox_to(server, nobody) == []

    mails = outbox_to(server, user["email"])
    assert len(mails) == 1
    assert mails[0].kind == "password_reset" and mails[0].sent_at is None
    token = reset_token(server, user["email"])
    # Only the token's hash is kept; the secret lives in the (not yet sent) mail alone.
    rows = db_rows(
        server.settings,
        select(PasswordResetToken.token_hash)
        .join(User, User.id == PasswordResetToken.user_id)
        .where(User.email == user["email"]),
    )
    assert rows == [(sha256(token),)]


def test_reset_request_matches_the_email_case_insensitively(
    server: LiveServer, factory: Factory, anonymous: GraphQLClient
) -> None:
    user = factory.user()
    assert request_reset(anonymous, f" {user['email'].upper()}") == {
        "accepted": True,
        "userErrors": [],
    }
    assert len(outbox_to(server, user["email"])) == 1


def test_password_reset_sets_the_password_and_ends_sessions(
    server: LiveServer, factory: Factory, client_factory: ClientFactory, anonymous: GraphQLClient
) -> None:
    user = factory.user()
    signed_in = client_factory(user["email"], password=user["password"])
    api = client_factory(token=create_token(signed_in)["token"])
    request_reset(anonymous, user["email"])
    token = reset_token(server, user["email"])

    assert reset(anonymous, token) == {"success": True, "userErrors": []}
    assert viewer_email(signed_in) is None
    assert all(row[0].revoked_at is not None for row in sessions_of(server, user["email"]))
    # A reset signs out sessions; API tokens are separate credentials and keep working.
    assert viewer_email(api) == user["email"]

    old = client_factory().login(user["email"], user["password"])
    assert [e["code"] for e in old["userErrors"]] == ["INVALID_CREDENTIALS"]
    fresh = client_factory(user["email"], password=NEW_PASSWORD)
    assert viewer_email(fresh) == user["email"]
    (hashed,) = db_rows(
        server.settings, select(User.password_hash).where(User.email == user["email"])
    )
    assert hashed[0].startswith("$argon2id$")

    # Single use: the same link does nothing the second time.
    again = reset(anonymous, token, "yet-another-passphrase")
    assert again["success"] is False
    assert errors(again) == [(["input", "token"], "INVALID_TOKEN")]
    assert viewer_email(fresh) == user["email"]
    assert client_factory().login(user["email"], NEW_PASSWORD)["userErrors"] == []


def test_a_new_reset_request_invalidates_the_previous_link(
    server: LiveServer, factory: Factory, client_factory: ClientFactory, anonymous: GraphQLClient
) -> None:
    user = factory.user()
    request_reset(anonymous, user["email"])
    first = reset_token(server, user["email"])
    request_reset(anonymous, user["email"])
    second = reset_token(server, user["email"])
    assert first != second
    assert len(outbox_to(server, user["email"])) == 2

    refused = reset(anonymous, first)
    assert [e["code"] for e in refused["userErrors"]] == ["INVALID_TOKEN"]
    assert client_factory().login(user["email"], user["password"])["userErrors"] == []
    assert reset(anonymous, second) == {"success": True, "userErrors": []}
    assert client_factory().login(user["email"], NEW_PASSWORD)["userErrors"] == []


def test_expired_reset_token_is_refused(
    server: LiveServer, factory: Factory, client_factory: ClientFactory, anonymous: GraphQLClient
) -> None:
    user = factory.user()
    request_reset(anonymous, user["email"])
    token = reset_token(server, user["email"])
    touched = db_execute(
        server.settings,
        update(PasswordResetToken)
        .where(PasswordResetToken.token_hash == sha256(token))
        .values(expires_at=now() - timedelta(seconds=1)),
    )
    assert touched == 1
    payload = reset(anonymous, token)
    assert payload["success"] is False
    assert errors(payload) == [(["input", "token"], "INVALID_TOKEN")]
    assert client_factory().login(user["email"], user["password"])["userErrors"] == []


def test_short_password_is_refused_without_using_the_token(
    server: LiveServer, factory: Factory, client_factory: ClientFactory, anonymous: GraphQLClient
) -> None:
    user = factory.user()
    signed_in = client_factory(user["email"], password=user["password"])
    request_reset(anonymous, user["email"])
    token = reset_token(server, user["email"])

    short = "x" * (server.settings.password_min_length - 1)
    payload = reset(anonymous, token, short)
    assert payload["success"] is False
    assert errors(payload) == [(["input", "newPassword"], "PASSWORD_TOO_SHORT")]
    # Nothing was written: the old password and session still work, the token is unused.
    assert viewer_email(signed_in) == user["email"]
    assert client_factory().login(user["email"], user["password"])["userErrors"] == []
    (used,) = db_rows(
        server.settings,
        select(PasswordResetToken.used_at).where(PasswordResetToken.token_hash == sha256(token)),
    )
    assert used == (None,)
    assert reset(anonymous, token) == {"success": True, "userErrors": []}


def test_password_reset_lifts_an_account_lockout(
    server: LiveServer, factory: Factory, client_factory: ClientFactory, anonymous: GraphQLClient
) -> None:
    user = factory.user()
    for _ in range(server.settings.login_max_failures_per_account):
        anonymous.login(user["email"], "not-the-password")
    locked = client_factory().login(user["email"], user["password"])
    assert_rate_limited(locked, server.settings.login_window_seconds)

    request_reset(anonymous, user["email"])
    assert reset(anonymous, reset_token(server, user["email"])) == {
        "success": True,
        "userErrors": [],
    }
    assert client_factory().login(user["email"], NEW_PASSWORD)["userErrors"] == []


def test_reset_link_is_not_logged_outside_development(
    server: LiveServer, factory: Factory, anonymous: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    user = factory.user()
    caplog.set_level(logging.DEBUG, logger="frontdesk.mail")
    request_reset(anonymous, user["email"])
    token = reset_token(server, user["email"])
    assert not [r for r in caplog.records if r.name == "frontdesk.mail"]
    assert token not in caplog.text


def test_reset_link_is_logged_in_development(
    backend: str, tmp_path_factory: pytest.TempPathFactory, caplog: pytest.LogCaptureFixture
) -> None:
    live, pg_url = start_server_with(backend, tmp_path_factory, env="development")
    try:
        caplog.set_level(logging.INFO, logger="frontdesk.mail")
        client = GraphQLClient(live.graphql_url)
        try:
            assert request_reset(client, "bob@acme.example")["accepted"] is True
            request_reset(client, "nobody@acme.example")
        finally:
            client.close()
        token = reset_token(live, "bob@acme.example")
        logged = [r.getMessage() for r in caplog.records if r.name == "frontdesk.mail"]
        base = live.settings.public_url.rstrip("/")
        assert len(logged) == 1, logged
        assert "bob@acme.example" in logged[0]
        assert f"{base}/reset-password?token={token}" in logged[0]
    finally:
        live.stop()
        if pg_url:
            drop_pg_database(pg_url)


@pytest.mark.parametrize("token", ["", "garbage", "x" * 5000])
def test_garbage_reset_token_is_refused(anonymous: GraphQLClient, token: str) -> None:
    payload = reset(anonymous, token)
    assert payload["success"] is False
    assert errors(payload) == [(["input", "token"], "INVALID_TOKEN")]


def test_garbage_token_and_short_password_report_both(anonymous: GraphQLClient) -> None:
    payload = reset(anonymous, "garbage", "short")
    assert errors(payload) == [
        (["input", "token"], "INVALID_TOKEN"),
        (["input", "newPassword"], "PASSWORD_TOO_SHORT"),
    ]


# ---------------------------------------------------------------- throttling


RETRY = re.compile(r"Try again in (\d+) s\.")


def assert_rate_limited(payload: dict[str, Any], window: int) -> int:
    assert payload["viewer"] is None
    assert errors(payload) == [(None, "RATE_LIMITED")]
    match = RETRY.search(payload["userErrors"][0]["message"])
    assert match, payload
    seconds = int(match.group(1))
    assert 1 <= seconds <= window + 1
    return seconds


def test_account_is_throttled_after_repeated_failures(
    server: LiveServer, factory: Factory, client_factory: ClientFactory
) -> None:
    user = factory.user()
    limit = server.settings.login_max_failures_per_account
    client = client_factory()
    for _ in range(limit):
        payload = client.login(user["email"], "not-the-password")
        assert [e["code"] for e in payload["userErrors"]] == ["INVALID_CREDENTIALS"]
    # Even the right password is refused now, with the time to wait.
    response = http.login(server.graphql_url, user["email"], user["password"])
    body = assert_plain_json(response)
    assert_rate_limited(body["data"]["login"], server.settings.login_window_seconds)
    assert http.set_cookies(response) == []
    assert sessions_of(server, user["email"]) == []
    # Case and spaces do not make it another account.
    payload = client.login(f" {user['email'].upper()}", user["password"])
    assert_rate_limited(payload, server.settings.login_window_seconds)
    # Other accounts from the same address are unaffected.
    other = factory.user()
    assert client_factory().login(other["email"], other["password"])["userErrors"] == []

    # Once the window has passed (moved back in the database), sign-in works again.
    db_execute(
        server.settings,
        update(LoginAttempt)
        .where(LoginAttempt.email == user["email"])
        .values(created_at=now() - timedelta(seconds=server.settings.login_window_seconds + 5)),
    )
    assert client.login(user["email"], user["password"])["userErrors"] == []


def test_unknown_accounts_are_throttled_like_known_ones(
    server: LiveServer, client_factory: ClientFactory, unique: Callable[[str], str]
) -> None:
    email = unknown_email(unique)
    client = client_factory()
    for _ in range(server.settings.login_max_failures_per_account):
        payload = client.login(email, "whatever-password")
        assert [e["code"] for e in payload["userErrors"]] == ["INVALID_CREDENTIALS"]
    assert_rate_limited(
        client.login(email, "whatever-password"), server.settings.login_window_seconds
    )


def test_successful_login_resets_the_account_count(
    server: LiveServer, factory: Factory, client_factory: ClientFactory
) -> None:
    user = factory.user()
    client = client_factory()
    for _ in range(2):
        for _ in range(server.settings.login_max_failures_per_account - 1):
            client.login(user["email"], "not-the-password")
        assert client.login(user["email"], user["password"])["userErrors"] == []


def test_client_address_is_throttled_across_accounts(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    limit = 3
    live, pg_url = start_server_with(
        backend, tmp_path_factory, login_max_failures_per_address=limit
    )
    try:
        url = live.graphql_url
        attacker = {"X-Forwarded-For": "203.0.113.7"}
        neighbour = {"X-Forwarded-For": "198.51.100.9"}
        # Spraying one guess over several accounts never trips the per-account limit...
        for email in ("alice@acme.example", "bob@acme.example", "nobody@acme.example"):
            body = assert_plain_json(http.login(url, email, "Summer2024!", headers=attacker))
            assert body["data"]["login"]["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
        # ...but the address is now refused, even with correct credentials of a fresh account.
        response = http.login(url, "carol@globex.example", DEMO_PASSWORD, headers=attacker)
        body = assert_plain_json(response)
        assert_rate_limited(body["data"]["login"], live.settings.login_window_seconds)
        assert http.set_cookies(response) == []

        # Another address (the proxy's X-Forwarded-For is trusted from 127.0.0.1) is not.
        response = http.login(url, "carol@globex.example", DEMO_PASSWORD, headers=neighbour)
        body = assert_plain_json(response)
        assert body["data"]["login"]["userErrors"] == []
        (row,) = sessions_of(live, "carol@globex.example")
        assert row[0].client_address == "198.51.100.9"
        addresses = db_rows(live.settings, select(LoginAttempt.client_address).distinct())
        assert addresses == [("203.0.113.7",)]
    finally:
        live.stop()
        if pg_url:
            drop_pg_database(pg_url)


def test_a_burst_with_a_token_to_touch_needs_no_more_connections_than_the_pool(
    server: LiveServer,
) -> None:
    """Recording a token's use is a write; done while the request still held its read
    connection, a burst of requests (a page reload with many calls, 1,000 WebSockets
    connecting) each held one while waiting for SQLite's write lock, and the write that held
    the lock waited for a connection: the pool ran dry and requests failed after 30 s."""
    from tests.support import worlds
    from tests.support.db import run_db

    async def build(session: Any) -> tuple[int, str]:
        user_id, token = await worlds.add_user(session, "Burst", "AGENT")
        await session.execute(
            update(ApiToken).where(ApiToken.user_id == user_id).values(last_used_at=None)
        )
        return user_id, token

    user_id, token = run_db(server.settings, build)

    async def burst() -> list[int]:
        async with httpx.AsyncClient(timeout=20) as client:

            async def one() -> int:
                response = await client.post(
                    server.graphql_url,
                    json={"query": "{ viewer { user { displayName } } }"},
                    headers={"Authorization": f"Bearer {token}"},
                )
                assert response.json() == {
                    "data": {"viewer": {"user": {"displayName": "Burst"}}}
                }, response.text
                return response.status_code

            return list(await asyncio.gather(*(one() for _ in range(40))))

    assert asyncio.run(burst()) == [200] * 40

    async def last_used(session: Any) -> Any:
        return await session.scalar(
            select(ApiToken.last_used_at).where(ApiToken.user_id == user_id)
        )

    assert run_db(server.settings, last_used) is not None  # the use was recorded
