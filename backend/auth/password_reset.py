"""Password reset: single-use, expiring tokens delivered through the mail outbox."""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import quote

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.password_policy import password_problems
from backend.auth.passwords import hash_password
from backend.auth.sessions import revoke_all_sessions
from backend.auth.throttle import (
    WindowPolicy,
    clear_account,
    record_reset_request,
    reset_request_retry_after,
)
from backend.auth.tokens import new_secret, token_hash
from backend.db.base import utcnow
from backend.db.models import MailOutbox, PasswordResetToken, User
from backend.domain.errors import DomainError, Problem
from backend.domain.users import normalize_email

log = logging.getLogger("frontdesk.mail")


def reset_link(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/reset-password?token={quote(token)}"


async def request_reset(
    session: AsyncSession,
    *,
    email: str,
    public_url: str,
    ttl: timedelta,
    log_link: bool,
    client_address: str,
    limits: WindowPolicy,
) -> int | None:
    """Queue a reset mail when the account exists; say nothing either way (no enumeration).

    Requests are counted per e-mail address and per client address, whether or not the
    account exists, so the rate limit answers alike for both. Returns the seconds to wait
    when the request was refused (nothing queued), else None."""
    now = utcnow()
    email = normalize_email(email)
    wait = await reset_request_retry_after(
        session, limits, email=email, address=client_address, now=now
    )
    if wait is not None:
        return wait
    await record_reset_request(session, email=email, address=client_address, now=now)
    user = await session.scalar(select(User).where(User.email == email, User.is_active.is_(True)))
    if user is not None:
        await send_link(session, user, public_url=public_url, ttl=ttl, log_link=log_link)
    return None


_MAILS = {
    "password_reset": (
        "Reset your Frontdesk password",
        "someone asked to reset the password of your Frontdesk account. To choose a new one, open",
    ),
    "invitation": (
        "You have been invited to Frontdesk",
        "an account was created for you on Frontdesk. To choose your password, open",
    ),
}


async def send_link(
    session: AsyncSession,
    user: User,
    *,
    public_url: str,
    ttl: timedelta,
    log_link: bool,
    kind: str = "password_reset",
) -> None:
    """Issue a single-use token and queue the mail carrying its link, in the caller's
    transaction. Invitations are reset links for an account without a password."""
    now = utcnow()
    # A new link replaces older ones: only the newest may be used.
    await session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    token = new_secret()
    session.add(
        PasswordResetToken(
            user_id=user.id, token_hash=token_hash(token), created_at=now, expires_at=now + ttl
        )
    )
    link = reset_link(public_url, token)
    subject, intro = _MAILS[kind]
    minutes = int(ttl.total_seconds() // 60)
    session.add(
        MailOutbox(
            to_address=user.email,
            kind=kind,
            subject=subject,
            body=(
                f"Hello {user.display_name},\n\n{intro}\n\n{link}\n\nThe link works once, "
                f"for {minutes} minutes. If you did not expect this mail, ignore it."
            ),
        )
    )
    await session.flush()
    if log_link:
        log.warning("%s link for %s: %s", kind.replace("_", " "), user.email, link)


async def reset_password(
    session: AsyncSession, *, token: str, new_password: str, min_length: int
) -> User:
    row = await session.scalar(
        select(PasswordResetToken)
        .where(PasswordResetToken.token_hash == token_hash(token))
        .with_for_update()
    )
    now = utcnow()
    problems: list[Problem] = []
    user: User | None = None
    if row is None or row.used_at is not None or row.expires_at <= now:
        problems.append(
            Problem(
                ("token",),
                "INVALID_TOKEN",
                "This reset link is invalid, used or expired. Ask for a new one.",
            ),
        )
    else:
        user = await session.get(User, row.user_id)
        if user is None or not user.is_active:
            problems.append(Problem(("token",), "INVALID_TOKEN", "This reset link is invalid."))
    # Checked against the account's address when the link is good; both problems are told.
    problems += password_problems(
        new_password,
        min_length=min_length,
        email=user.email if user else None,
        path="newPassword",
    )
    if problems:
        raise DomainError(problems)
    assert row is not None and user is not None
    row.used_at = now
    user.password_hash = hash_password(new_password)
    # A reset means the old password may be known to someone else: sign out everywhere.
    await revoke_all_sessions(session, user.id)
    # Owning the mailbox proves it is the user: failed guesses no longer lock them out.
    await clear_account(session, user.email)
    await session.flush()
    return user
