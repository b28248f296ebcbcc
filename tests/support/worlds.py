"""Worlds built straight in the database for the overview tests: organisations, users with
API tokens (no argon2 logins), request types, requests with participants, comments and their
search documents. Much faster than going through the API, and the API is what is tested."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.tokens import new_api_token, token_hash
from backend.db.base import utcnow
from backend.db.models import (
    ApiToken,
    Comment,
    FormVersion,
    Membership,
    Organisation,
    Request,
    RequestCategory,
    RequestParticipant,
    RequestType,
    User,
)
from backend.domain import references, search
from backend.domain.global_ids import encode

_n = itertools.count(1)


def tag() -> str:
    """A short unique tag for names that must not collide across tests and runs."""
    return f"{next(_n)}{uuid.uuid4().hex[:8]}"


async def add_org(session: AsyncSession, name: str | None = None) -> int:
    org = Organisation(name=name or f"World org {tag()}")
    session.add(org)
    await session.flush()
    return org.id


async def add_user(
    session: AsyncSession, display_name: str, role: str = "CUSTOMER"
) -> tuple[int, str]:
    """A user and an API token for them; returns (id, token)."""
    user = User(email=f"w{tag()}@worlds.example", display_name=display_name, role=role)
    session.add(user)
    await session.flush()
    token = new_api_token()
    session.add(
        ApiToken(
            user_id=user.id,
            name="tests",
            token_hash=token_hash(token),
            token_prefix=token[:12],
            # Fresh, so authenticating never writes (statement counts stay clean).
            last_used_at=utcnow(),
        )
    )
    await session.flush()
    return user.id, token


async def add_membership(
    session: AsyncSession, org_id: int, user_id: int, role: str = "MEMBER"
) -> None:
    session.add(Membership(organisation_id=org_id, user_id=user_id, role=role))
    await session.flush()


async def add_request_type(
    session: AsyncSession, fields: Sequence[dict[str, Any]] = ()
) -> tuple[int, int]:
    """A category, a request type and its form version 1; returns (type id, version id)."""
    category = RequestCategory(name=f"World category {tag()}")
    session.add(category)
    await session.flush()
    request_type = RequestType(category_id=category.id, name=f"World type {tag()}")
    session.add(request_type)
    await session.flush()
    # Stored fields carry ids (as the catalog writes them), or the portal cannot list them.
    stored = [{"id": 900_000 + n, **f} for n, f in enumerate(fields, 1) if "id" not in f]
    stored += [f for f in fields if "id" in f]
    version = FormVersion(request_type_id=request_type.id, version=1, fields=stored)
    session.add(version)
    await session.flush()
    return request_type.id, version.id


async def add_request(
    session: AsyncSession,
    *,
    request_type: tuple[int, int],
    org_id: int,
    reporter_id: int,
    summary: str,
    description: str = "",
    field_values: dict[str, Any] | None = None,
    status: str = "WAITING_FOR_SUPPORT",
    visibility: str = "PRIVATE",
    assignee_id: int | None = None,
    priority: tuple[str, int] = ("P3", 3),
    due_at: datetime | None = None,
    created_at: datetime | None = None,
    updated_at: datetime | None = None,
    participants: Sequence[int] = (),
    index: bool = True,
) -> tuple[int, str]:
    """A request with its participants and (unless index=False) search document; returns
    (id, reference). The reference comes from the real counter so later submits still work."""
    number, reference = await references.allocate(session)
    now = utcnow()
    request = Request(
        number=number,
        reference=reference,
        request_type_id=request_type[0],
        form_version_id=request_type[1],
        organisation_id=org_id,
        reporter_id=reporter_id,
        created_by_id=reporter_id,
        summary=summary,
        description=description,
        field_values=field_values or {},
        priority_key=priority[0],
        priority_rank=priority[1],
        status=status,
        visibility=visibility,
        assignee_id=assignee_id,
        due_at=due_at,
        created_at=created_at or now,
        updated_at=updated_at or created_at or now,
    )
    session.add(request)
    await session.flush()
    for user_id in dict.fromkeys(participants):
        session.add(RequestParticipant(request_id=request.id, user_id=user_id))
    await session.flush()
    if index:
        await search.reindex(session, request.id)
    return request.id, reference


async def add_comment(
    session: AsyncSession, request_id: int, author_id: int, body: str, *, internal: bool = False
) -> None:
    session.add(Comment(request_id=request_id, author_id=author_id, body=body, internal=internal))
    await session.flush()
    await search.reindex(session, request_id)


def gid(type_name: str, pk: int) -> str:
    return encode(type_name, pk)
