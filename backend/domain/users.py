"""User accounts: e-mail rules, creation and updates (passwords: auth/password_policy)."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.password_policy import password_problems
from backend.auth.passwords import hash_password
from backend.db.models import User, UserRole
from backend.domain.errors import DomainError, Problem

# Pragmatic: one @, no spaces, a dotted domain. Real verification is a mail that arrives.
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
MAX_DISPLAY_NAME = 200


def normalize_email(email: str) -> str:
    return email.strip().lower()


def email_problems(email: str, path: str = "email") -> list[Problem]:
    if not email.strip():
        return [Problem((path,), "REQUIRED", "E-mail address is required.")]
    if len(email) > 254 or not _EMAIL_RE.match(email.strip()):
        return [Problem((path,), "INVALID_EMAIL", "Not a valid e-mail address.")]
    return []


def display_name_problems(name: str, path: str = "displayName") -> list[Problem]:
    if not name.strip():
        return [Problem((path,), "REQUIRED", "Display name is required.")]
    if len(name) > MAX_DISPLAY_NAME:
        return [Problem((path,), "TOO_LONG", f"At most {MAX_DISPLAY_NAME} characters, please.")]
    return []


async def find_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == normalize_email(email)))


async def create_user(
    session: AsyncSession,
    *,
    email: str,
    display_name: str,
    role: UserRole = UserRole.CUSTOMER,
    password: str | None,
    password_min_length: int,
    locale: str = "en",
    time_zone: str = "UTC",
) -> User:
    problems = email_problems(email) + display_name_problems(display_name)
    if password is not None:
        problems += password_problems(password, min_length=password_min_length, email=email)
    if not problems and await session.scalar(
        select(func.count()).select_from(User).where(User.email == normalize_email(email))
    ):
        problems.append(
            Problem(("email",), "EMAIL_TAKEN", "A user with this e-mail address already exists.")
        )
    if problems:
        raise DomainError(problems)
    user = User(
        email=normalize_email(email),
        display_name=display_name.strip(),
        role=role.value,
        password_hash=hash_password(password) if password is not None else None,
        locale=locale,
        time_zone=time_zone,
        is_active=True,
    )
    session.add(user)
    await session.flush()
    return user


async def update_user(
    session: AsyncSession,
    user: User,
    *,
    display_name: str | None = None,
    role: UserRole | None = None,
    is_active: bool | None = None,
    locale: str | None = None,
    time_zone: str | None = None,
) -> User:
    problems: list[Problem] = []
    if display_name is not None:
        problems += display_name_problems(display_name)
    if problems:
        raise DomainError(problems)
    if display_name is not None:
        user.display_name = display_name.strip()
    if role is not None:
        user.role = role.value
    if is_active is not None:
        user.is_active = is_active
    if locale is not None:
        user.locale = locale
    if time_zone is not None:
        user.time_zone = time_zone
    await session.flush()
    return user
