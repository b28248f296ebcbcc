"""Sign-in abuse: backoff per account and per client address, the retry hint, resetting the
count on success, rate-limited reset requests that reveal nothing, and throttled checks of
the current password when changing it.

The module runs its own server per backend with low limits (the `server` fixture below
overrides the shared one). Each test uses client addresses of its own (X-Forwarded-For is
trusted from 127.0.0.1) and fresh accounts, so the tests do not count into each other.
Time is never waited for: the counted rows are moved back in the database instead.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth import throttle
from backend.db.models import LoginAttempt, MailOutbox, PasswordResetRequest
from tests.conftest import Factory, start_server, stop_server
from tests.support import auth_http as http
from tests.support.auth_db import db_execute, db_rows
from tests.support.client import GraphQLClient
from tests.support.db import run_db
from tests.support.server import LiveServer

ACCOUNT_LIMIT = 3
ADDRESS_LIMIT = 6
BACKOFF_BASE = 30
BACKOFF_MAX = 240
RESET_PER_EMAIL = 2
RESET_PER_ADDRESS = 3

LOGIN = """mutation($input: LoginInput!) { login(input: $input) {
    viewer { user { email } } userErrors { field code message } retryAfterSeconds } }"""
RESET_REQUEST = """mutation($input: PasswordResetRequestInput!) {
    passwordResetRequest(input: $input) {
    accepted userErrors { field code message } retryAfterSeconds } }"""
PASSWORD_CHANGE = """mutation($input: PasswordChangeInput!) { passwordChange(input: $input) {
    success userErrors { field code message } retryAfterSeconds } }"""
RETRY = re.compile(r"Try again in (\d+) s\.$")
WRONG = "not-the-password"


@pytest.fixture(scope="module")
def server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live, pg_url = start_server(
        backend,
        tmp_path_factory,
        login_max_failures_per_account=ACCOUNT_LIMIT,
        login_max_failures_per_address=ADDRESS_LIMIT,
        login_backoff_base_seconds=BACKOFF_BASE,
        login_backoff_max_seconds=BACKOFF_MAX,
        password_reset_max_per_email=RESET_PER_EMAIL,
        password_reset_max_per_address=RESET_PER_ADDRESS,
    )
    yield live
    stop_server(live, pg_url)


_hosts = itertools.count(1)


@pytest.fixture
def address() -> Callable[[], str]:
    """A client address nobody else has used on this server."""

    def make() -> str:
        n = next(_hosts)
        return f"198.18.{n // 250}.{n % 250 + 1}"

    return make


def now() -> datetime:
    return datetime.now(UTC)


def login(server: LiveServer, email: str, password: str, address: str) -> dict[str, Any]:
    response = http.post(
        server.graphql_url,
        LOGIN,
        {"input": {"email": email, "password": password}},
        headers={"X-Forwarded-For": address},
    )
    assert response.status_code == 200, response.text
    return dict(response.json()["data"]["login"])


def reset_request(server: LiveServer, email: str, address: str) -> tuple[dict[str, Any], bytes]:
    response = http.post(
        server.graphql_url,
        RESET_REQUEST,
        {"input": {"email": email}},
        headers={"X-Forwarded-For": address},
    )
    assert response.status_code == 200, response.text
    return dict(response.json()["data"]["passwordResetRequest"]), response.content


def codes(payload: dict[str, Any]) -> list[tuple[list[str] | None, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


def assert_rate_limited(payload: dict[str, Any], lock: int) -> int:
    """Refused with RATE_LIMITED; the hint (field and message agree) is within the lock: more
    than half of it, so each doubling shows."""
    assert codes(payload) == [(None, "RATE_LIMITED")], payload
    wait = payload["retryAfterSeconds"]
    match = RETRY.search(payload["userErrors"][0]["message"])
    assert match and int(match.group(1)) == wait, payload
    assert lock // 2 < wait <= lock, (wait, lock)
    return int(wait)


def failures_of(server: LiveServer, column: Any, value: str) -> int:
    (row,) = db_rows(
        server.settings, select(func.count()).select_from(LoginAttempt).where(column == value)
    )
    return int(row[0])


def age(server: LiveServer, model: Any, column: Any, value: str, seconds: int) -> None:
    """Move the counted rows back in time, as if `seconds` had passed since the latest."""
    moved = db_execute(
        server.settings,
        update(model).where(column == value).values(created_at=now() - timedelta(seconds=seconds)),
    )
    assert moved > 0


# ---------------------------------------------------------------- sign-in backoff


def test_account_backoff_doubles_with_each_failure_up_to_the_cap(
    server: LiveServer, factory: Factory, address: Callable[[], str]
) -> None:
    user = factory.user()
    email = user["email"]
    # A new address for every attempt: only the account's count can lock it.
    for _ in range(ACCOUNT_LIMIT):
        assert codes(login(server, email, WRONG, address())) == [(None, "INVALID_CREDENTIALS")]
    failures = ACCOUNT_LIMIT

    lock, waits = BACKOFF_BASE, []
    while len(waits) < 6:
        # Locked: even the right password is refused, with the time to wait.
        payload = login(server, email, user["password"], address())
        assert payload["viewer"] is None
        waits.append(assert_rate_limited(payload, lock))
        # Refused attempts are not counted: only waiting out the lock allows another try.
        assert login(server, email, WRONG, address())["userErrors"][0]["code"] == "RATE_LIMITED"
        assert failures_of(server, LoginAttempt.email, email) == failures

        age(server, LoginAttempt, LoginAttempt.email, email, lock + 1)
        assert codes(login(server, email, WRONG, address())) == [(None, "INVALID_CREDENTIALS")]
        failures += 1
        lock = min(2 * lock, BACKOFF_MAX)

    locks = [min(BACKOFF_BASE * 2**i, BACKOFF_MAX) for i in range(6)]
    assert locks == [30, 60, 120, 240, 240, 240]
    assert all(lk // 2 < w <= lk for w, lk in zip(waits, locks, strict=True)), waits

    # Once the lock has passed, the right password works and the count starts again.
    age(server, LoginAttempt, LoginAttempt.email, email, BACKOFF_MAX + 1)
    assert login(server, email, user["password"], address())["userErrors"] == []
    assert failures_of(server, LoginAttempt.email, email) == 0
    assert codes(login(server, email, WRONG, address())) == [(None, "INVALID_CREDENTIALS")]


def test_success_resets_the_account_count_but_not_the_address(
    server: LiveServer, factory: Factory, address: Callable[[], str], unique: Callable[[str], str]
) -> None:
    user = factory.user()
    here = address()
    login(server, f"{unique('victim')}@example.com", WRONG, here)
    for _ in range(ACCOUNT_LIMIT - 1):
        login(server, user["email"], WRONG, here)
    assert failures_of(server, LoginAttempt.client_address, here) == ACCOUNT_LIMIT
    assert login(server, user["email"], user["password"], here)["userErrors"] == []
    assert failures_of(server, LoginAttempt.email, user["email"]) == 0
    # The address keeps its failures against other accounts: signing in to one's own
    # account does not launder guesses at someone else's.
    assert failures_of(server, LoginAttempt.client_address, here) == 1
    # The account starts from zero: as many free failures as ever before the lock.
    for _ in range(ACCOUNT_LIMIT - 1):
        assert codes(login(server, user["email"], WRONG, address())) == [
            (None, "INVALID_CREDENTIALS")
        ]
    assert login(server, user["email"], user["password"], address())["userErrors"] == []


def test_an_address_is_throttled_across_accounts_with_backoff(
    server: LiveServer, factory: Factory, address: Callable[[], str], unique: Callable[[str], str]
) -> None:
    attacker, neighbour = address(), address()
    # One guess per account never trips an account's limit...
    for _ in range(ADDRESS_LIMIT):
        victim = f"{unique('victim')}@example.com"
        assert codes(login(server, victim, "Summer2024!", attacker)) == [
            (None, "INVALID_CREDENTIALS")
        ]
    # ...but the address is locked, even for a real account with the right password.
    user = factory.user()
    payload = login(server, user["email"], user["password"], attacker)
    assert_rate_limited(payload, BACKOFF_BASE)
    assert failures_of(server, LoginAttempt.client_address, attacker) == ADDRESS_LIMIT
    # Other addresses are not affected.
    assert login(server, user["email"], user["password"], neighbour)["userErrors"] == []

    # The address backs off too: after the lock, one more failure doubles the wait.
    age(server, LoginAttempt, LoginAttempt.client_address, attacker, BACKOFF_BASE + 1)
    assert codes(login(server, f"{unique('victim')}@example.com", "x", attacker)) == [
        (None, "INVALID_CREDENTIALS")
    ]
    assert_rate_limited(login(server, user["email"], user["password"], attacker), 2 * BACKOFF_BASE)


# ---------------------------------------------------------------- reset requests


def mails_to(server: LiveServer, email: str) -> int:
    (row,) = db_rows(
        server.settings,
        select(func.count()).select_from(MailOutbox).where(MailOutbox.to_address == email),
    )
    return int(row[0])


def without_retry_numbers(payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "accepted": payload["accepted"],
        "userErrors": [(e["field"], e["code"]) for e in payload["userErrors"]],
        "retrying": payload["retryAfterSeconds"] is not None,
    }


def test_reset_requests_are_limited_per_email_alike_for_unknown_accounts(
    server: LiveServer, factory: Factory, address: Callable[[], str], unique: Callable[[str], str]
) -> None:
    known = factory.user()["email"]
    nobody = f"{unique('nobody')}@example.com"
    window = server.settings.password_reset_window_seconds
    for _ in range(RESET_PER_EMAIL):
        payload, raw_known = reset_request(server, known, address())
        _, raw_nobody = reset_request(server, nobody, address())
        assert payload == {"accepted": True, "userErrors": [], "retryAfterSeconds": None}
        assert raw_known == raw_nobody
    # Over the limit: refused alike (from fresh addresses, so only the e-mail counts).
    refused_known, _ = reset_request(server, known, address())
    refused_nobody, _ = reset_request(server, nobody, address())
    for refused in (refused_known, refused_nobody):
        assert without_retry_numbers(refused) == {
            "accepted": False,
            "userErrors": [(None, "RATE_LIMITED")],
            "retrying": True,
        }
        assert window - 60 < refused["retryAfterSeconds"] <= window
        match = RETRY.search(refused["userErrors"][0]["message"])
        assert match and int(match.group(1)) == refused["retryAfterSeconds"]
    # Case and spaces do not make it another address; no further mail went out.
    refused, _ = reset_request(server, f"  {known.upper()} ", address())
    assert codes(refused) == [(None, "RATE_LIMITED")]
    assert mails_to(server, known) == RESET_PER_EMAIL
    assert mails_to(server, nobody) == 0

    # Once the window has passed, the account gets its mail again.
    age(server, PasswordResetRequest, PasswordResetRequest.email, known, window + 1)
    accepted, _ = reset_request(server, known, address())
    assert accepted["accepted"] is True
    assert mails_to(server, known) == RESET_PER_EMAIL + 1


def test_reset_requests_are_limited_per_address(
    server: LiveServer, factory: Factory, address: Callable[[], str], unique: Callable[[str], str]
) -> None:
    sprayer, neighbour = address(), address()
    known = factory.user()["email"]
    emails = [known, f"{unique('nobody')}@example.com", factory.user()["email"]]
    for email in emails:
        assert reset_request(server, email, sprayer)[0]["accepted"] is True
    refused, _ = reset_request(server, f"{unique('nobody')}@example.com", sprayer)
    assert codes(refused) == [(None, "RATE_LIMITED")]
    assert refused["retryAfterSeconds"] > 0
    # An existing account asked for from the same address: refused just the same.
    refused_known, _ = reset_request(server, known, sprayer)
    assert without_retry_numbers(refused_known) == without_retry_numbers(refused)
    assert mails_to(server, known) == 1
    # Another address is served.
    assert reset_request(server, known, neighbour)[0]["accepted"] is True
    assert mails_to(server, known) == 2
    counted = db_rows(
        server.settings,
        select(PasswordResetRequest.email).where(PasswordResetRequest.client_address == sprayer),
    )
    # Refused requests are not counted (they cost the attacker nothing but also add nothing).
    assert len(counted) == RESET_PER_ADDRESS


# ---------------------------------------------------------------- password change


def test_wrong_current_passwords_are_throttled_with_sign_in(
    server: LiveServer, factory: Factory, address: Callable[[], str]
) -> None:
    """A stolen session cannot guess the current password freely: failures count into the
    account's sign-in backoff."""
    user = factory.user()
    here = address()
    client = GraphQLClient(server.graphql_url, headers={"X-Forwarded-For": here})
    try:
        assert client.login(user["email"], user["password"])["userErrors"] == []
        for _ in range(ACCOUNT_LIMIT):
            payload = client.mutate(
                "passwordChange",
                PASSWORD_CHANGE,
                currentPassword=WRONG,
                newPassword="a-brand-new-passphrase",
            )
            assert codes(payload) == [(["input", "currentPassword"], "INVALID_PASSWORD")]
        payload = client.mutate(
            "passwordChange",
            PASSWORD_CHANGE,
            currentPassword=user["password"],
            newPassword="a-brand-new-passphrase",
        )
        assert payload["success"] is False
        assert_rate_limited(payload, BACKOFF_BASE)
        # The account's sign-in is locked as well, from anywhere.
        assert_rate_limited(login(server, user["email"], user["password"], address()), BACKOFF_BASE)
    finally:
        client.close()


# ---------------------------------------------------------------- keeping the tables small


def test_counted_rows_past_their_windows_are_pruned(
    server: LiveServer, address: Callable[[], str], unique: Callable[[str], str]
) -> None:
    """The scheduler's round calls throttle.prune; rows still inside a window stay."""
    here = address()
    settings = server.settings
    login(server, f"{unique('recent')}@example.com", WRONG, here)
    reset_request(server, f"{unique('recent')}@example.com", here)
    login_window = settings.login_window_seconds
    reset_window = settings.password_reset_window_seconds
    old = {
        LoginAttempt: now() - timedelta(seconds=login_window + 60),
        PasswordResetRequest: now() - timedelta(seconds=reset_window + 60),
    }

    async def add_old_rows(session: AsyncSession) -> None:
        for model, created_at in old.items():
            session.add(model(email="old@example.com", client_address=here, created_at=created_at))

    run_db(settings, add_old_rows)

    async def prune(session: AsyncSession) -> int:
        moment = now()
        return await throttle.prune(
            session,
            login_before=moment - timedelta(seconds=login_window),
            reset_before=moment - timedelta(seconds=reset_window),
        )

    # The server's own scheduler round may prune first; either way the old rows go.
    run_db(settings, prune)
    for model in old:
        emails = db_rows(settings, select(model.email).where(model.client_address == here))
        assert len(emails) == 1 and emails[0][0] != "old@example.com"
