"""The request catalog: categories, request types, their versioned forms, the priority scheme.

Reading side used by submission lives here too, so the rules about which types can be used
and which form version applies are written once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.models import FormVersion, PortalSettings, RequestCategory, RequestType
from backend.domain.forms import FieldSpec
from backend.domain.priority import BUILTIN_SCHEMES, DEFAULT, PriorityScheme


def specs_of(fields: Sequence[dict[str, Any]]) -> list[FieldSpec]:
    """The FieldSpecs of a stored form version (its JSON also carries each field's id)."""
    return [FieldSpec.from_dict({k: v for k, v in f.items() if k != "id"}) for f in fields]


async def usable_request_type(session: AsyncSession, request_type_id: int) -> RequestType | None:
    """A request type customers may raise requests with: neither it nor its category archived."""
    return await session.scalar(
        select(RequestType)
        .join(RequestCategory, RequestCategory.id == RequestType.category_id)
        .where(
            RequestType.id == request_type_id,
            RequestType.archived_at.is_(None),
            RequestCategory.archived_at.is_(None),
        )
    )


async def current_form_version(session: AsyncSession, request_type: RequestType) -> FormVersion:
    version = await session.scalar(
        select(FormVersion).where(
            FormVersion.request_type_id == request_type.id,
            FormVersion.version == request_type.form_version,
        )
    )
    if version is None:  # every request type is created with version 1 (see create_request_type)
        raise LookupError(f"request type {request_type.id} has no form version")
    return version


def scheme_by_key(key: str) -> PriorityScheme:
    return BUILTIN_SCHEMES.get(key, DEFAULT)


async def active_priority_scheme(session: AsyncSession) -> PriorityScheme:
    key = await session.scalar(
        select(PortalSettings.priority_scheme_key).where(PortalSettings.id == 1)
    )
    return scheme_by_key(key or DEFAULT.key)
