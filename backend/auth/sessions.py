"""Sign-in sessions (cookie) and API tokens (bearer): creating, resolving and revoking them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.password_policy import LOGIN_MAX_LENGTH, password_problems
from backend.auth.passwords import hash_password, needs_rehash, verify_password
from backend.auth.throttle import ThrottlePolicy, clear_account, record_failure, retry_after
from backend.auth.tokens import new_api_token, new_secret, token_hash
from backend.auth.viewer import Viewer
from backend.db.base import utcnow
from backend.db.models import ApiToken, AuthSession, Membership, MembershipRole, User, UserRole
from backend.domain.errors import DomainError, Problem
from backend.domain.users import normalize_email

SESSION_COOKIE = "frontdesk_session"
INVALID_CREDENTIALS = "Wrong e-mail address or password."
# Touching last_used_at on every call would turn each API read into a write.
_TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class LoginOutcome:
    user: User | None
    session_token: str | None
    problems: list[Problem]
    # When throttled: seconds until another attempt is allowed.
    retry_after: int | None = None


@dataclass(frozen=True, slots=True)
class PasswordChangeOutcome:
    changed: bool
    problems: list[Problem]
    retry_after: int | None = None


def rate_limited(wait: int, what: str = "failed sign-ins") -> Problem:
    return Problem((), "RATE_LIMITED", f"Too many {what}. Try again in {wait} s.")


async def login(
    session: AsyncSession,
    *,
    email: str,
    password: str,
    client_address: str,
    user_agent: str | None,
    throttle: ThrottlePolicy,
    session_ttl: timedelta,
) -> LoginOutcome:
    """Check credentials; on success open a new session. Failures are recorded, so the caller
    commits in both cases (the outcome carries the problems instead of raising)."""
    now = utcnow()
    email = normalize_email(email)
    wait = await retry_after(session, throttle, email=email, address=client_address, now=now)
    if wait is not None:
        # Not recorded: only failures checked against a password count towards the backoff.
        return LoginOutcome(None, None, [rate_limited(wait)], retry_after=wait)
    user = await session.scalar(select(User).where(User.email == email))
    # Longer than any password ever accepted: refused without spending a hash on it.
    valid = len(password) <= LOGIN_MAX_LENGTH and verify_password(
        user.password_hash if user else None, password
    )
    if user is None or not valid or not user.is_active:
        await record_failure(session, email=email, address=client_address, now=now)
        return LoginOutcome(None, None, [Problem((), "INVALID_CREDENTIALS", INVALID_CREDENTIALS)])
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    await clear_account(session, email)
    token = new_secret()
    session.add(
        AuthSession(
            token_hash=token_hash(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + session_ttl,
            client_address=client_address[:64],
            user_agent=(user_agent or "")[:300] or None,
        )
    )
    await session.flush()
    return LoginOutcome(user, token, [])


async def revoke_session(session: AsyncSession, token: str) -> None:
    await session.execute(
        update(AuthSession)
        .where(AuthSession.token_hash == token_hash(token), AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


async def revoke_all_sessions(
    session: AsyncSession, user_id: int, *, except_session_id: int | None = None
) -> None:
    stmt = update(AuthSession).where(
        AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None)
    )
    if except_session_id is not None:
        stmt = stmt.where(AuthSession.id != except_session_id)
    await session.execute(stmt.values(revoked_at=utcnow()))


async def change_password(
    session: AsyncSession,
    *,
    user_id: int,
    current_password: str,
    new_password: str,
    min_length: int,
    client_address: str,
    throttle: ThrottlePolicy,
    keep_session_id: int | None,
) -> PasswordChangeOutcome:
    """Change the signed-in user's own password. The current password is checked like a
    sign-in (a stolen session must not guess it freely): failures are recorded and throttled,
    so the caller commits in both cases. Every other session of the user ends."""
    now = utcnow()
    user = await session.get(User, user_id)
    if user is None or not user.is_active:
        raise DomainError.single(None, "FORBIDDEN", "This account cannot change its password.")
    wait = await retry_after(session, throttle, email=user.email, address=client_address, now=now)
    if wait is not None:
        return PasswordChangeOutcome(False, [rate_limited(wait, "failed attempts")], wait)
    valid = len(current_password) <= LOGIN_MAX_LENGTH and verify_password(
        user.password_hash, current_password
    )
    if not valid:
        await record_failure(session, email=user.email, address=client_address, now=now)
        return PasswordChangeOutcome(
            False,
            [Problem(("currentPassword",), "INVALID_PASSWORD", "The current password is wrong.")],
        )
    problems = password_problems(
        new_password, min_length=min_length, email=user.email, path="newPassword"
    )
    if problems:
        return PasswordChangeOutcome(False, problems)
    user.password_hash = hash_password(new_password)
    await clear_account(session, user.email)
    await revoke_all_sessions(session, user.id, except_session_id=keep_session_id)
    await session.flush()
    return PasswordChangeOutcome(True, [])


async def _memberships(session: AsyncSession, user_id: int) -> dict[int, MembershipRole]:
    rows = await session.execute(
        select(Membership.organisation_id, Membership.role).where(Membership.user_id == user_id)
    )
    return {org_id: MembershipRole(role) for org_id, role in rows}


async def _viewer_from_row(
    session: AsyncSession, row: object, *, session_id: int | None, api_token_id: int | None
) -> Viewer:
    user_id, role, email, display_name = row  # type: ignore[misc]
    role = UserRole(role)
    # Only customers belong to organisations; staff skip the query.
    memberships = await _memberships(session, user_id) if role == UserRole.CUSTOMER else {}
    return Viewer(
        user_id=user_id,
        role=role,
        email=email,
        display_name=display_name,
        memberships=memberships,
        session_id=session_id,
        api_token_id=api_token_id,
    )


_USER_COLUMNS = (User.id, User.role, User.email, User.display_name)


# Built once: every request runs one of these, and building a statement (and its cache key)
# costs as much as running it. Executed on the session's connection, past the ORM layer.
_SESSION_VIEWER = (
    select(AuthSession.id, *_USER_COLUMNS)
    .join(User, User.id == AuthSession.user_id)
    .where(
        AuthSession.token_hash == bindparam("token_hash"),
        AuthSession.revoked_at.is_(None),
        AuthSession.expires_at > bindparam("now"),
        User.is_active.is_(True),
    )
)
_TOKEN_VIEWER = (
    select(ApiToken.id, ApiToken.last_used_at, *_USER_COLUMNS)
    .join(User, User.id == ApiToken.user_id)
    .where(
        ApiToken.token_hash == bindparam("token_hash"),
        ApiToken.revoked_at.is_(None),
        (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > bindparam("now")),
        User.is_active.is_(True),
    )
)


async def _first(session: AsyncSession, stmt: Any, **params: Any) -> Any:
    connection = await session.connection()
    return (await connection.execute(stmt, params)).first()


async def viewer_from_session_token(session: AsyncSession, token: str) -> Viewer | None:
    row = await _first(session, _SESSION_VIEWER, token_hash=token_hash(token), now=utcnow())
    if row is None:
        return None
    return await _viewer_from_row(session, row[1:], session_id=row[0], api_token_id=None)


async def viewer_from_api_token(session: AsyncSession, token: str) -> tuple[Viewer, bool] | None:
    """The token's viewer, and whether its last_used_at is stale enough to be touched."""
    now = utcnow()
    row = await _first(session, _TOKEN_VIEWER, token_hash=token_hash(token), now=now)
    if row is None:
        return None
    token_id, last_used_at = row[0], row[1]
    viewer = await _viewer_from_row(session, row[2:], session_id=None, api_token_id=token_id)
    stale = last_used_at is None or now - last_used_at > _TOKEN_TOUCH_INTERVAL
    return viewer, stale


async def touch_api_token(session: AsyncSession, token_id: int) -> None:
    await session.execute(
        update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utcnow())
    )


MAX_TOKEN_NAME = 100


async def create_api_token(
    session: AsyncSession, *, user_id: int, name: str, expires_at: datetime | None
) -> tuple[ApiToken, str]:
    problems: list[Problem] = []
    if not name.strip():
        problems.append(Problem(("name",), "REQUIRED", "Give the token a name."))
    elif len(name) > MAX_TOKEN_NAME:
        problems.append(Problem(("name",), "TOO_LONG", f"At most {MAX_TOKEN_NAME} characters."))
    if expires_at is not None and (expires_at.tzinfo is None or expires_at <= utcnow()):
        problems.append(
            Problem(("expiresAt",), "INVALID", "Expiry must be a future time with a time zone.")
        )
    if problems:
        raise DomainError(problems)
    token = new_api_token()
    row = ApiToken(
        user_id=user_id,
        name=name.strip(),
        token_hash=token_hash(token),
        token_prefix=token[:10],
        expires_at=expires_at,
    )
    session.add(row)
    await session.flush()
    return row, token


async def revoke_api_token(session: AsyncSession, *, token_id: int, user_id: int) -> ApiToken:
    row = await session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user_id)
    )
    if row is None:
        raise DomainError.single("id", "NOT_FOUND", "API token not found.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        await session.flush()
    return row


# (session id, API token id): what a long-lived connection's viewer was authenticated by.
ViewerKey = tuple[int | None, int | None]


async def refresh_viewer(session: AsyncSession, viewer: Viewer) -> Viewer | None:
    """The viewer as of now, for long-lived connections: None when the session or token has
    ended or the user was deactivated; memberships reloaded (access may have changed)."""
    key = (viewer.session_id, viewer.api_token_id)
    if key == (None, None):
        return None
    return (await refresh_viewers(session, [key]))[key]


async def refresh_viewers(
    session: AsyncSession, keys: Iterable[ViewerKey]
) -> dict[ViewerKey, Viewer | None]:
    """refresh_viewer's answer for each key, in at most three statements (sessions, tokens,
    customers' memberships): None when the session or token ended or the user was
    deactivated; memberships reloaded (access may have changed). Live streams refresh all
    their viewers at once with it after each event."""
    keys = list(keys)
    now = utcnow()
    session_ids = {s for s, _ in keys if s is not None}
    token_ids = {t for s, t in keys if s is None and t is not None}
    users: dict[ViewerKey, Any] = {}
    if session_ids:
        rows = await session.execute(
            select(AuthSession.id, *_USER_COLUMNS)
            .join(User, User.id == AuthSession.user_id)
            .where(
                AuthSession.id.in_(session_ids),
                AuthSession.revoked_at.is_(None),
                AuthSession.expires_at > now,
                User.is_active.is_(True),
            )
        )
        for row in rows:
            users[(row[0], None)] = row[1:]
    if token_ids:
        rows = await session.execute(
            select(ApiToken.id, *_USER_COLUMNS)
            .join(User, User.id == ApiToken.user_id)
            .where(
                ApiToken.id.in_(token_ids),
                ApiToken.revoked_at.is_(None),
                (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > now),
                User.is_active.is_(True),
            )
        )
        for row in rows:
            users[(None, row[0])] = row[1:]
    # Only customers belong to organisations; staff need no query.
    customers = {row[0] for row in users.values() if UserRole(row[1]) == UserRole.CUSTOMER}
    memberships: dict[int, dict[int, MembershipRole]] = defaultdict(dict)
    if customers:
        rows = await session.execute(
            select(Membership.user_id, Membership.organisation_id, Membership.role).where(
                Membership.user_id.in_(customers)
            )
        )
        for user_id, org_id, role in rows:
            memberships[user_id][org_id] = MembershipRole(role)
    found: dict[ViewerKey, Viewer | None] = {}
    for key in keys:
        session_id, token_id = key
        row = users.get((session_id, None) if session_id is not None else (None, token_id))
        if row is None:
            found[key] = None
            continue
        user_id, role, email, display_name = row
        found[key] = Viewer(
            user_id=user_id,
            role=UserRole(role),
            email=email,
            display_name=display_name,
            memberships=dict(memberships.get(user_id, {})),
            session_id=session_id,
            api_token_id=token_id,
        )
    return found
