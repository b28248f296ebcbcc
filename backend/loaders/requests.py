"""Requests and what hangs off them: participants, form versions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Row

from backend.db.engine import Database
from backend.db.models import Attachment, FormVersion, Request, RequestParticipant
from backend.loaders.queries import rows_by_id, rows_grouped

REQUEST_COLUMNS = (
    Request.id,
    Request.reference,
    Request.request_type_id,
    Request.form_version_id,
    Request.organisation_id,
    Request.reporter_id,
    Request.summary,
    Request.description,
    Request.field_values,
    Request.urgency,
    Request.impact,
    Request.priority_key,
    Request.priority_rank,
    Request.status,
    Request.visibility,
    Request.assignee_id,
    Request.team_id,
    Request.due_at,
    Request.external_reference,
    Request.created_at,
    Request.updated_at,
)


async def load_participants(db: Database, request_ids: Sequence[int]) -> list[list[Row[Any]]]:
    stmt = (
        select(RequestParticipant.request_id, RequestParticipant.user_id)
        .where(RequestParticipant.request_id.in_(set(request_ids)))
        .order_by(RequestParticipant.request_id, RequestParticipant.id)
    )
    return await rows_grouped(db, stmt, "request_id", request_ids)


async def load_form_versions(db: Database, ids: Sequence[int]) -> list[Row[Any] | None]:
    return await rows_by_id(
        db, (FormVersion.id, FormVersion.version, FormVersion.fields), FormVersion.id, ids
    )


async def load_attachments(db: Database, request_ids: Sequence[int]) -> list[list[Row[Any]]]:
    stmt = (
        select(
            Attachment.id,
            Attachment.request_id,
            Attachment.field_key,
            Attachment.filename,
            Attachment.size,
            Attachment.content_type,
            Attachment.created_at,
        )
        .where(Attachment.request_id.in_(set(request_ids)))
        .order_by(Attachment.request_id, Attachment.id)
    )
    return await rows_grouped(db, stmt, "request_id", request_ids)
