"""Raising a request: every check in one place, all problems at once, one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth import policies
from backend.auth.viewer import Viewer
from backend.db.base import utcnow
from backend.db.models import Membership, Request, RequestStatus, User, Visibility
from backend.domain import attachments, catalog, global_ids, references, search, timeline
from backend.domain import submission_statements as statements
from backend.domain.errors import DomainError, Problem
from backend.domain.forms import AttachmentInfo, FieldKind, validate_values
from backend.domain.priority import DEFAULT, resolve_priority

MAX_SUMMARY = 255
MAX_DESCRIPTION = 32_768
MAX_PARTICIPANTS = 50
MAX_IDEMPOTENCY_KEY = 200


@dataclass
class Submission:
    """A request as submitted, with IDs already decoded (None where an ID was unusable: the
    decoding problem is in `problems`)."""

    request_type_id: int | None
    organisation_id: int | None
    summary: str
    description: str = ""
    fields: Sequence[tuple[str, object]] = ()
    urgency: str | None = None
    impact: str | None = None
    priority_key: str | None = None
    visibility: Visibility = Visibility.PRIVATE
    participant_ids: Sequence[int] = ()
    attachment_ids: Sequence[int] = ()
    idempotency_key: str | None = None
    reporter_id: int | None = None
    problems: list[Problem] = field(default_factory=list)


class PortalSettingsRow(NamedTuple):
    """The portal settings as the submission read them (the columns of the settings loader)."""

    id: int
    name: str
    priority_scheme_key: str


@dataclass(frozen=True, slots=True)
class Submitted:
    """What `submit` wrote: the request (a row of REQUEST_COLUMNS, or the ORM row of an
    earlier submission with the same idempotency key) and the portal settings it was
    prioritised with (None when it was an earlier submission)."""

    request: Row[Any] | Request
    portal_settings: PortalSettingsRow | None


async def find_idempotent(session: AsyncSession, viewer: Viewer, key: str) -> Request | None:
    return await session.scalar(
        select(Request).where(
            Request.created_by_id == viewer.user_id, Request.idempotency_key == key
        )
    )


def _text_problems(s: Submission) -> list[Problem]:
    problems: list[Problem] = []
    if not s.summary.strip():
        problems.append(Problem(("summary",), "REQUIRED", "A summary is required."))
    elif len(s.summary) > MAX_SUMMARY:
        problems.append(
            Problem(("summary",), "TOO_LONG", f"The summary has at most {MAX_SUMMARY} characters.")
        )
    if len(s.description) > MAX_DESCRIPTION:
        problems.append(
            Problem(
                ("description",),
                "TOO_LONG",
                f"The description has at most {MAX_DESCRIPTION} characters.",
            )
        )
    if s.idempotency_key is not None and not 0 < len(s.idempotency_key) <= MAX_IDEMPOTENCY_KEY:
        problems.append(
            Problem(
                ("idempotencyKey",),
                "INVALID",
                f"The idempotency key has 1 to {MAX_IDEMPOTENCY_KEY} characters.",
            )
        )
    if len(s.participant_ids) > MAX_PARTICIPANTS:
        problems.append(
            Problem(
                ("participantIds",),
                "TOO_MANY",
                f"At most {MAX_PARTICIPANTS} participants.",
            )
        )
    return problems


def _organisation_problems(viewer: Viewer, organisation_id: int, name: str | None) -> list[Problem]:
    """`name` is the organisation's, None when it does not exist."""
    if name is None or not policies.can_see_organisation(viewer, organisation_id):
        return [Problem(("organisationId",), "NOT_FOUND", "Organisation not found.")]
    if not policies.can_submit_for(viewer, organisation_id):
        return [
            Problem(
                ("organisationId",),
                "FORBIDDEN",
                f"Only super users of {name} may raise requests for it.",
            )
        ]
    return []


async def _member_ids(session: AsyncSession, organisation_id: int, user_ids: set[int]) -> set[int]:
    rows = await session.scalars(
        select(Membership.user_id).where(
            Membership.organisation_id == organisation_id, Membership.user_id.in_(user_ids)
        )
    )
    return set(rows)


async def _reporter(
    session: AsyncSession, viewer: Viewer, s: Submission
) -> tuple[int | None, list[Problem]]:
    if s.reporter_id is None or s.reporter_id == viewer.user_id:
        return viewer.user_id, []
    if not viewer.is_staff:
        return None, [
            Problem(("reporterId",), "FORBIDDEN", "Only agents raise requests for someone else.")
        ]
    if s.organisation_id is None:
        return None, []
    user = await session.get(User, s.reporter_id)
    if user is None or not user.is_active:
        return None, [Problem(("reporterId",), "NOT_FOUND", "User not found.")]
    if not await _member_ids(session, s.organisation_id, {user.id}):
        return None, [
            Problem(
                ("reporterId",), "NOT_A_MEMBER", "The reporter must belong to the organisation."
            )
        ]
    return user.id, []


async def _participant_problems(
    session: AsyncSession, s: Submission, reporter_id: int | None
) -> tuple[list[int], list[Problem]]:
    wanted = [p for p in dict.fromkeys(s.participant_ids) if p != reporter_id]
    if not wanted or s.organisation_id is None:
        return wanted, []
    users = {
        u.id: u
        for u in await session.scalars(
            select(User).where(User.id.in_(wanted), User.is_active.is_(True))
        )
    }
    members = await _member_ids(session, s.organisation_id, set(wanted))
    problems = []
    for index, user_id in enumerate(wanted):
        user = users.get(user_id)
        if user is None:
            problems.append(Problem(("participantIds", str(index)), "NOT_FOUND", "User not found."))
        elif user.role == "CUSTOMER" and user_id not in members:
            problems.append(
                Problem(
                    ("participantIds", str(index)),
                    "NOT_A_MEMBER",
                    f"{user.display_name} is not in the request's organisation.",
                )
            )
    return wanted, problems


async def submit(session: AsyncSession, viewer: Viewer, s: Submission) -> Submitted:
    """Validate everything, then write the request, its participants, attachments, search
    document and first timeline event. Raises DomainError with every problem; nothing is
    written then."""
    if s.idempotency_key:
        existing = await find_idempotent(session, viewer, s.idempotency_key)
        if existing is not None:
            return Submitted(existing, None)
    problems = list(s.problems) + _text_problems(s)

    setup = (
        await session.execute(
            statements.SETUP,
            {"type_id": s.request_type_id, "organisation_id": s.organisation_id},
        )
    ).one()
    form = None
    if s.request_type_id is not None:
        if setup.category_id is None:  # no such type, or it or its category archived
            problems.append(Problem(("requestTypeId",), "NOT_FOUND", "Request type not found."))
        elif setup.form_version_id is None:  # every type is created with version 1
            raise LookupError(f"request type {s.request_type_id} has no form version")
        else:
            form = await catalog.form_snapshot(
                session,
                setup.form_version_id,
                request_type_id=setup.type_id,
                version=setup.form_version,
            )
    if s.organisation_id is not None:
        problems += _organisation_problems(viewer, s.organisation_id, setup.organisation_name)
    reporter_id, reporter_problems = await _reporter(session, viewer, s)
    problems += reporter_problems
    participant_ids, participant_problems = await _participant_problems(session, s, reporter_id)
    problems += participant_problems

    # Files named by ATTACHMENT fields and by attachmentIds must be the viewer's own, unused.
    field_file_refs: dict[str, int] = {}
    attachment_keys: set[str] = set()
    values: dict[str, object] = {}
    if form is not None:
        attachment_keys = {f.key for f in form.specs if f.kind is FieldKind.ATTACHMENT}
        for key, value in s.fields:
            if key in attachment_keys and isinstance(value, list):
                for ref in value:
                    if isinstance(ref, str):
                        pk = global_ids.pk_of(ref, "Attachment")
                        if pk is not None:
                            field_file_refs[ref] = pk
        uploads = await attachments.unreferenced_uploads(
            session, viewer.user_id, set(field_file_refs.values())
        )
        infos = {
            ref: AttachmentInfo(
                id=ref, size=uploads[pk].size, content_type=uploads[pk].content_type
            )
            for ref, pk in field_file_refs.items()
            if pk in uploads
        }
        result = validate_values(form.specs, s.fields, attachments=infos)
        problems += result.problems
        values = {
            key: [field_file_refs[ref] for ref in value]  # stored as attachment row ids
            if key in attachment_keys and isinstance(value, list)
            else value
            for key, value in result.values.items()
        }

    loose = await attachments.unreferenced_uploads(session, viewer.user_id, s.attachment_ids)
    for index, pk in enumerate(s.attachment_ids):
        if pk not in loose:
            problems.append(
                Problem(("attachmentIds", str(index)), "NOT_FOUND", "Attachment not found.")
            )

    scheme = catalog.scheme_by_key(setup.priority_scheme_key or DEFAULT.key)
    decision = resolve_priority(
        scheme,
        urgency=s.urgency,
        impact=s.impact,
        requested_key=s.priority_key,
        request_type_default=setup.default_priority_key if form else None,
        chooser_is_agent=viewer.is_staff,
    )
    problems += decision.problems

    if problems:
        raise DomainError(problems)
    assert form is not None and s.organisation_id is not None and reporter_id is not None
    level = scheme.level(decision.key)
    assert level is not None

    now = utcnow()
    number, reference = await references.allocate(session)
    summary = s.summary.strip()
    # Rows by Core statements, not ORM objects: the payload needs only the row, and the unit
    # of work's flushes cost more than the statements themselves.
    request = (
        await session.execute(
            statements.INSERT_REQUEST,
            {
                "number": number,
                "reference": reference,
                "request_type_id": form.request_type_id,
                "form_version_id": form.id,
                "organisation_id": s.organisation_id,
                "reporter_id": reporter_id,
                "created_by_id": viewer.user_id,
                "summary": summary,
                "description": s.description,
                "field_values": values,
                "urgency": s.urgency,
                "impact": s.impact,
                "priority_key": level.key,
                "priority_rank": level.rank,
                "status": RequestStatus.WAITING_FOR_SUPPORT.value,
                "visibility": s.visibility.value,
                "team_id": setup.team_id,
                "idempotency_key": s.idempotency_key,
                "created_at": now,
                "updated_at": now,
            },
        )
    ).one()
    if participant_ids:
        await session.execute(
            statements.INSERT_PARTICIPANTS,
            [
                {"request_id": request.id, "user_id": user_id, "created_at": now}
                for user_id in participant_ids
            ],
        )
    for key in attachment_keys & values.keys():
        await attachments.link_to_request(
            session, values[key], request_id=request.id, field_key=key
        )
    await attachments.link_to_request(session, s.attachment_ids, request_id=request.id)
    await search.index_new_request(
        session,
        request_id=request.id,
        reference=reference,
        summary=summary,
        description=s.description,
        fields=form.fields,
        values=values,
    )
    await timeline.record_by_insert(
        session,
        request_id=request.id,
        kind=timeline.EventKind.CREATED,
        actor_id=viewer.user_id,
        data={
            "reference": reference,
            "summary": summary,
            "priority": level.key,
            "prioritySource": decision.source.value,
            "reporterId": reporter_id,
        },
    )
    settings = None
    if setup.settings_id is not None:
        settings = PortalSettingsRow(
            setup.settings_id, setup.portal_name, setup.priority_scheme_key
        )
    return Submitted(request, settings)
