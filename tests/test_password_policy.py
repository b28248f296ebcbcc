"""The password policy: the list of common passwords and the rules (unit tests), and the
policy applied wherever a password is set (admin user creation, invitations and reset links,
changing one's own password, the command line), over real HTTP and real subprocesses."""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from backend.auth import password_policy
from backend.auth.password_policy import MAX_LENGTH, common_passwords, password_problems
from backend.config import Settings
from backend.db.models import MailOutbox, User
from backend.demo import DEMO_PASSWORD, ORGANISATIONS, STAFF
from tests.conftest import Factory
from tests.support.auth_db import db_rows
from tests.support.client import GraphQLClient
from tests.support.server import LiveServer

# `cli` is test_cli's fixture (one fresh database per backend), used here by name.
from tests.test_cli import Cli, cli  # noqa: F401

ClientFactory = Callable[..., GraphQLClient]

USER_CREATE = """mutation($input: UserCreateInput!) { userCreate(input: $input) {
    user { id email } userErrors { field code message } } }"""
MEMBER_ADD = """mutation($input: OrganisationMemberAddInput!) {
    organisationMemberAdd(input: $input) {
    membership { id } userErrors { field code message } } }"""
ORG_CREATE = """mutation($input: OrganisationCreateInput!) { organisationCreate(input: $input) {
    organisation { id } userErrors { field code message } } }"""
RESET = """mutation($input: PasswordResetInput!) { passwordReset(input: $input) {
    success userErrors { field code message } } }"""
CHANGE = """mutation($input: PasswordChangeInput!) { passwordChange(input: $input) {
    success userErrors { field code message } retryAfterSeconds } }"""
TOKEN_CREATE = """mutation($input: ApiTokenCreateInput!) { apiTokenCreate(input: $input) {
    token userErrors { code } } }"""
VIEWER = "{ viewer { user { email } } }"
MIN = Settings().password_min_length


def codes(payload: dict[str, Any]) -> list[tuple[list[str] | None, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


# ---------------------------------------------------------------- the list and the rules


def test_the_common_password_list_loads_once_case_folded() -> None:
    common_passwords.cache_clear()
    loaded = common_passwords()
    assert isinstance(loaded, frozenset)
    assert common_passwords() is loaded  # read once, then kept
    with gzip.open(password_policy.COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        raw = [line.strip() for line in lines]
    assert len(loaded) == len(set(raw)) == 47_023
    assert all(word == word.casefold() and word.strip() == word for word in loaded)
    for word in ("123456", "password", "qwertyuiop", "1234567890", "password123", "iloveyou"):
        assert word in loaded
    # The demo password and the tests' default password are not common.
    assert DEMO_PASSWORD not in loaded and "correct-horse-battery" not in loaded
    # Shipped compressed, with its source and licence next to it, inside the package.
    readme = password_policy.COMMON_PASSWORDS_FILE.with_name("COMMON_PASSWORDS.md").read_text()
    assert "github.com/dropbox/zxcvbn" in readme and "MIT" in readme
    assert password_policy.COMMON_PASSWORDS_FILE.stat().st_size < 250_000


@pytest.mark.parametrize(
    ("password", "email", "code"),
    [
        ("short", None, "PASSWORD_TOO_SHORT"),
        ("x" * (MIN - 1), None, "PASSWORD_TOO_SHORT"),
        ("long-enough-pw", None, None),
        ("y" * 100 + "-and-more" * 17, None, None),
        ("é" * 3 + "z-" * 125 + "é", None, None),  # 254 characters: fine
        ("a-b" + "c" * (MAX_LENGTH - 2), None, "PASSWORD_TOO_LONG"),
        # Common passwords, compared case-insensitively.
        ("qwertyuiop", None, "PASSWORD_TOO_COMMON"),
        ("QwertyUIOP", None, "PASSWORD_TOO_COMMON"),
        ("Password123", None, "PASSWORD_TOO_COMMON"),
        ("1234567890", None, "PASSWORD_TOO_COMMON"),
        # Repetitions and runs (the list leaves them out).
        ("aaaaaaaaaaaa", None, "PASSWORD_TOO_COMMON"),
        ("abababababab", None, "PASSWORD_TOO_COMMON"),
        ("123123123123", None, "PASSWORD_TOO_COMMON"),
        ("abcdefghijkl", None, "PASSWORD_TOO_COMMON"),
        ("9876543210", None, "PASSWORD_TOO_COMMON"),
        ("abcdefghijkz", None, None),
        # The e-mail address and its name part.
        ("zoe.smith@example.com", "Zoe.Smith@example.com", "PASSWORD_CONTAINS_EMAIL"),
        ("my-ZOE.SMITH-pass", "zoe.smith@example.com", "PASSWORD_CONTAINS_EMAIL"),
        ("my-zoe.smith-pass", None, None),
        # A name part shorter than 3 characters would forbid too much.
        ("jo-has-a-long-pw", "jo@example.com", None),
        ("jo@example.com", "jo@example.com", "PASSWORD_CONTAINS_EMAIL"),
    ],
)
def test_policy_rules(password: str, email: str | None, code: str | None) -> None:
    problems = password_problems(password, min_length=MIN, email=email, path="newPassword")
    assert [(p.path, p.code) for p in problems] == ([(("newPassword",), code)] if code else [])
    assert all(p.message for p in problems)


def test_the_demo_password_passes_for_every_demo_account() -> None:
    emails = [u.email for u in STAFF] + [p[0] for ps in ORGANISATIONS.values() for p in ps]
    for email in emails:
        assert password_problems(DEMO_PASSWORD, min_length=MIN, email=email) == []


# ---------------------------------------------------------------- everywhere it is set


def user_count(server: LiveServer, email: str) -> int:
    (row,) = db_rows(
        server.settings, select(func.count()).select_from(User).where(User.email == email)
    )
    return int(row[0])


def test_user_create_refuses_weak_passwords_naming_the_field(
    server: LiveServer, admin: GraphQLClient, unique: Callable[[str], str]
) -> None:
    local = unique("zoe")
    email = f"{local}@example.com"
    for password, code in (
        ("short", "PASSWORD_TOO_SHORT"),
        ("Password123", "PASSWORD_TOO_COMMON"),
        ("aaaaaaaaaaaaaaaa", "PASSWORD_TOO_COMMON"),
        (f"{local.upper()}!2024", "PASSWORD_CONTAINS_EMAIL"),
        ("p" + "q-" * MAX_LENGTH, "PASSWORD_TOO_LONG"),
    ):
        payload = admin.mutate(
            "userCreate", USER_CREATE, email=email, displayName="Zoe", password=password
        )
        assert payload["user"] is None
        assert codes(payload) == [(["input", "password"], code)], payload
        assert user_count(server, email) == 0
    good = admin.mutate(
        "userCreate", USER_CREATE, email=email, displayName="Zoe", password="long-enough-pw"
    )
    assert good["userErrors"] == [] and user_count(server, email) == 1


def invitation_token(server: LiveServer, email: str) -> str:
    (body,) = db_rows(
        server.settings,
        select(MailOutbox.body)
        .where(MailOutbox.to_address == email, MailOutbox.kind == "invitation")
        .order_by(MailOutbox.id.desc())
        .limit(1),
    )
    (link,) = re.findall(r"https?://\S+", body[0])
    (token,) = parse_qs(urlsplit(link).query)["token"]
    return token


def test_invitations_and_resets_apply_the_policy_with_the_accounts_address(
    server: LiveServer,
    admin: GraphQLClient,
    anonymous: GraphQLClient,
    client_factory: ClientFactory,
    unique: Callable[[str], str],
) -> None:
    org = admin.mutate("organisationCreate", ORG_CREATE, name=unique("Org"))["organisation"]
    local = unique("invitee")
    email = f"{local}@example.com"
    added = admin.mutate("organisationMemberAdd", MEMBER_ADD, organisationId=org["id"], email=email)
    assert added["userErrors"] == []
    token = invitation_token(server, email)

    for password, code in (
        (f"{local}-secret", "PASSWORD_CONTAINS_EMAIL"),
        ("iloveyou123", "PASSWORD_TOO_COMMON"),
        ("short", "PASSWORD_TOO_SHORT"),
    ):
        payload = anonymous.mutate("passwordReset", RESET, token=token, newPassword=password)
        assert payload["success"] is False
        assert codes(payload) == [(["input", "newPassword"], code)]
    # The refusals used nothing up: the link still works with a good password.
    done = anonymous.mutate("passwordReset", RESET, token=token, newPassword="long-enough-pw")
    assert done == {"success": True, "userErrors": []}
    assert client_factory(email, password="long-enough-pw").ok(VIEWER)["viewer"]["user"] == {
        "email": email
    }


def test_changing_ones_password_applies_the_policy_and_ends_other_sessions(
    server: LiveServer, factory: Factory, client_factory: ClientFactory
) -> None:
    user = factory.user()
    here = client_factory(user["email"], password=user["password"])
    elsewhere = client_factory(user["email"], password=user["password"])

    def change(current: str, new: str) -> dict[str, Any]:
        return here.mutate("passwordChange", CHANGE, currentPassword=current, newPassword=new)

    wrong = change("not-the-password", "a-brand-new-passphrase")
    assert (wrong["success"], codes(wrong)) == (
        False,
        [(["input", "currentPassword"], "INVALID_PASSWORD")],
    )
    common = change(user["password"], "Qwertyuiop")
    assert codes(common) == [(["input", "newPassword"], "PASSWORD_TOO_COMMON")]
    local = user["email"].split("@")[0]
    own = change(user["password"], f"x-{local}-x")
    assert codes(own) == [(["input", "newPassword"], "PASSWORD_CONTAINS_EMAIL")]
    # Nothing changed so far: the other session and the old password still work.
    assert elsewhere.ok(VIEWER)["viewer"] is not None

    done = change(user["password"], "a-brand-new-passphrase")
    assert done == {"success": True, "userErrors": [], "retryAfterSeconds": None}
    # This session goes on; every other one has ended.
    assert here.ok(VIEWER)["viewer"]["user"]["email"] == user["email"]
    assert elsewhere.ok(VIEWER)["viewer"] is None
    old = client_factory().login(user["email"], user["password"])
    assert codes(old) == [(None, "INVALID_CREDENTIALS")]
    assert client_factory().login(user["email"], "a-brand-new-passphrase")["userErrors"] == []


def test_password_change_needs_a_signed_in_session(
    factory: Factory, client_factory: ClientFactory, anonymous: GraphQLClient
) -> None:
    user = factory.user()
    owner = client_factory(user["email"], password=user["password"])
    token = owner.mutate("apiTokenCreate", TOKEN_CREATE, name="sync")["token"]
    api = client_factory(token=token)
    refused = api.mutate(
        "passwordChange", CHANGE, currentPassword=user["password"], newPassword="another-pass-x"
    )
    assert (refused["success"], codes(refused)) == (False, [(None, "NOT_A_SESSION")])
    result = anonymous.execute(
        CHANGE, input={"currentPassword": "x", "newPassword": "another-pass-x"}
    )
    assert result.codes == ["UNAUTHENTICATED"]


def test_the_command_line_refuses_weak_passwords_clearly(cli: Cli) -> None:  # noqa: F811
    args = ("user", "create", "--email", "kim.lee@example.com", "--name", "Kim", "--password")
    line = cli.fails(*args, "Password123")
    assert "too common" in line
    line = cli.fails(*args, "kim.lee-rocks")
    assert "e-mail address" in line
    assert cli.scalar(select(func.count()).select_from(User)) == 0
    assert "created customer kim.lee@example.com" in cli.ok(*args, "long-enough-pw")
