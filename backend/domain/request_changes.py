"""Agents' changes to a request: assignee, priority, and its summary, description, due date,
field values and files. Each writes its timeline events in the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth import policies
from backend.auth.viewer import Viewer
from backend.db.base import utcnow
from backend.db.models import FormVersion, Request, TeamMember, User
from backend.domain import attachments, catalog, search, timeline
from backend.domain.errors import DomainError, Problem
from backend.domain.forms import FieldKind, validate_values
from backend.domain.requests import MAX_DESCRIPTION, MAX_SUMMARY
from backend.domain.timeline import EventKind
from backend.domain.workflow import MAX_REASON

_STAFF_ONLY = "Only agents and admins do this."


async def lock_visible(session: AsyncSession, viewer: Viewer, pk: int | None) -> Request:
    """The request, locked for this transaction, when it exists and the viewer may see it;
    otherwise NOT_FOUND on `requestId`, the same answer for both (IDs reveal nothing)."""
    request = None
    if pk is not None:
        request = await session.scalar(
            select(Request)
            .where(Request.id == pk, policies.request_filter(viewer))
            .with_for_update()
        )
    if request is None:
        raise DomainError.single("requestId", "NOT_FOUND", "Request not found.")
    return request


def _require_staff(viewer: Viewer) -> None:
    if not policies.can_assign(viewer):
        raise DomainError.single(None, "FORBIDDEN", _STAFF_ONLY)


async def assign(
    session: AsyncSession,
    viewer: Viewer,
    request: Request,
    assignee_id: int | None,
    *,
    within_team: bool,
) -> int:
    """Assign to an agent (None: unassign). With `within_team`, the agent must belong to the
    request's team (when it has one). Returns the number of events written (0: unchanged)."""
    _require_staff(viewer)
    if assignee_id is not None:
        user = await session.get(User, assignee_id)
        if user is None or not user.is_active:
            raise DomainError.single("assigneeId", "NOT_FOUND", "User not found.")
        if user.role == "CUSTOMER":
            raise DomainError.single(
                "assigneeId", "NOT_AN_AGENT", f"{user.display_name} is not an agent."
            )
        if within_team and request.team_id is not None:
            member = await session.scalar(
                select(TeamMember.id).where(
                    TeamMember.team_id == request.team_id, TeamMember.user_id == assignee_id
                )
            )
            if member is None:
                raise DomainError.single(
                    "assigneeId",
                    "NOT_IN_TEAM",
                    f"{user.display_name} is not in the request's team.",
                )
    if assignee_id == request.assignee_id:
        return 0
    await timeline.record(
        session,
        request_id=request.id,
        kind=EventKind.ASSIGNED,
        actor_id=viewer.user_id,
        data={"from": request.assignee_id, "to": assignee_id},
    )
    request.assignee_id = assignee_id
    request.updated_at = utcnow()
    return 1


async def set_priority(
    session: AsyncSession, viewer: Viewer, request: Request, key: str, reason: str
) -> int:
    """Set a level of the active scheme, with a reason. Returns the number of events."""
    _require_staff(viewer)
    problems = []
    scheme = await catalog.active_priority_scheme(session)
    level = scheme.level(key)
    if level is None:
        keys = ", ".join(lv.key for lv in scheme.levels)
        problems.append(
            Problem(("priorityKey",), "NOT_FOUND", f"Not a priority of the scheme ({keys}).")
        )
    text = reason.strip()
    if not text:
        problems.append(Problem(("reason",), "REQUIRED", "Give a reason."))
    elif len(text) > MAX_REASON:
        problems.append(
            Problem(("reason",), "TOO_LONG", f"The reason has at most {MAX_REASON} characters.")
        )
    if problems:
        raise DomainError(problems)
    assert level is not None
    if level.key == request.priority_key:
        return 0
    await timeline.record(
        session,
        request_id=request.id,
        kind=EventKind.PRIORITY_CHANGED,
        actor_id=viewer.user_id,
        data={"from": request.priority_key, "to": level.key, "reason": text},
    )
    request.priority_key = level.key
    request.priority_rank = level.rank
    request.updated_at = utcnow()
    return 1


# ---- requestUpdate

_UNSET: Any = object()


@dataclass
class RequestEdit:
    """What an agent changes; `_UNSET` leaves an attribute alone. Field values merge into the
    stored ones (None clears a field) and the result is validated against the request's form
    version."""

    summary: Any = _UNSET
    description: Any = _UNSET
    due_at: Any = _UNSET  # datetime | None
    fields: Sequence[tuple[str, object]] = ()
    attachment_ids: Sequence[int] = ()
    problems: list[Problem] = field(default_factory=list)


UNSET = _UNSET


def _text_problems(edit: RequestEdit) -> list[Problem]:
    problems = []
    if edit.summary is not _UNSET:
        if edit.summary is None or not edit.summary.strip():
            problems.append(Problem(("summary",), "REQUIRED", "A summary is required."))
        elif len(edit.summary) > MAX_SUMMARY:
            problems.append(Problem(("summary",), "TOO_LONG", f"At most {MAX_SUMMARY} characters."))
    if edit.description is not _UNSET and len(edit.description or "") > MAX_DESCRIPTION:
        problems.append(
            Problem(("description",), "TOO_LONG", f"At most {MAX_DESCRIPTION} characters.")
        )
    return problems


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


async def update(session: AsyncSession, viewer: Viewer, request: Request, edit: RequestEdit) -> int:
    """Apply an agent's edit: one FIELD_CHANGED event (with old and new value) per attribute
    or field that really changed, one ATTACHMENT_ADDED per file. Returns the number of events."""
    _require_staff(viewer)
    problems = list(edit.problems) + _text_problems(edit)

    version = await session.get(FormVersion, request.form_version_id)
    stored_fields: list[dict[str, Any]] = list(version.fields) if version else []
    labels = {f["key"]: f["label"] for f in stored_fields}
    # Files of ATTACHMENT fields stay as submitted; new files come in through attachmentIds.
    file_keys = {f["key"] for f in stored_fields if f["kind"] == FieldKind.ATTACHMENT.value}
    specs = [s for s in catalog.specs_of(stored_fields) if s.key not in file_keys]
    old_values = dict(request.field_values or {})
    new_values = old_values
    if edit.fields:
        merged = {k: v for k, v in old_values.items() if k not in file_keys}
        for key, value in edit.fields:
            if key in file_keys:
                problems.append(
                    Problem(
                        ("fields", key),
                        "NOT_EDITABLE",
                        "Files of a field cannot be changed; attach new files instead.",
                    )
                )
            elif value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        result = validate_values(specs, list(merged.items()))
        problems += result.problems
        new_values = {
            **{k: v for k, v in old_values.items() if k in file_keys},
            **result.values,
        }

    uploads = await attachments.unreferenced_uploads(session, viewer.user_id, edit.attachment_ids)
    for index, pk in enumerate(edit.attachment_ids):
        if pk not in uploads:
            problems.append(
                Problem(("attachmentIds", str(index)), "NOT_FOUND", "Attachment not found.")
            )
    if problems:
        raise DomainError(problems)

    changes: list[tuple[str, str, Any, Any]] = []
    if edit.summary is not _UNSET and edit.summary.strip() != request.summary:
        changes.append(("summary", "Summary", request.summary, edit.summary.strip()))
        request.summary = edit.summary.strip()
    if edit.description is not _UNSET and (edit.description or "") != request.description:
        changes.append(("description", "Description", request.description, edit.description or ""))
        request.description = edit.description or ""
    if isinstance(edit.due_at, datetime) and edit.due_at.tzinfo is None:
        edit.due_at = edit.due_at.replace(tzinfo=UTC)  # no offset given: read as UTC
    if edit.due_at is not _UNSET and edit.due_at != request.due_at:
        changes.append(("dueAt", "Due date", _iso(request.due_at), _iso(edit.due_at)))
        request.due_at = edit.due_at
    for key in [f["key"] for f in stored_fields]:
        if old_values.get(key) != new_values.get(key):
            changes.append((key, labels[key], old_values.get(key), new_values.get(key)))
    if new_values != old_values:
        request.field_values = new_values

    for key, label, old, new in changes:
        await timeline.record(
            session,
            request_id=request.id,
            kind=EventKind.FIELD_CHANGED,
            actor_id=viewer.user_id,
            data={"key": key, "label": label, "from": old, "to": new},
        )
    file_ids = list(dict.fromkeys(edit.attachment_ids))
    await attachments.link_to_request(session, file_ids, request_id=request.id)
    for pk in file_ids:
        await timeline.record(
            session,
            request_id=request.id,
            kind=EventKind.ATTACHMENT_ADDED,
            actor_id=viewer.user_id,
            data={"attachmentId": pk, "filename": uploads[pk].filename},
        )
    events = len(changes) + len(file_ids)
    if events:
        request.updated_at = utcnow()
    if changes:
        await search.reindex(session, request.id)
    return events
