"""Raising and reading requests."""

from __future__ import annotations

import strawberry
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth import policies
from backend.auth.viewer import Viewer
from backend.context import Context
from backend.db.models import Request as RequestRow
from backend.db.models import Visibility
from backend.domain import references
from backend.domain.errors import DomainError, Problem
from backend.domain.requests import Submission, Submitted, find_idempotent, submit
from backend.loaders.requests import REQUEST_COLUMNS
from backend.resolvers.common import CONFLICT, in_transaction, require_viewer
from backend.schema.errors import user_errors
from backend.schema.relay import expect_id
from backend.schema.requests import Request, RequestSubmitInput, RequestSubmitPayload


class _Ids:
    """Decodes input IDs, collecting problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def one(self, global_id: str | None, type_name: str, path: str) -> int | None:
        if global_id is None:
            return None
        try:
            return expect_id(global_id, type_name, path)
        except DomainError as error:
            self.problems += error.problems
            return None

    def many(self, global_ids: list[strawberry.ID], type_name: str, path: str) -> list[int]:
        pks = [self.one(g, type_name, (path, str(i))) for i, g in enumerate(global_ids)]  # type: ignore[arg-type]
        return [pk for pk in pks if pk is not None]


def _submission(input: RequestSubmitInput) -> Submission:
    ids = _Ids()
    submission = Submission(
        request_type_id=ids.one(input.request_type_id, "RequestType", "requestTypeId"),
        organisation_id=ids.one(input.organisation_id, "Organisation", "organisationId"),
        summary=input.summary,
        description=input.description,
        fields=[(f.key, f.value) for f in input.fields],
        urgency=input.urgency.value if input.urgency else None,
        impact=input.impact.value if input.impact else None,
        priority_key=input.priority_key,
        visibility=Visibility(input.visibility.value),
        participant_ids=ids.many(input.participant_ids, "User", "participantIds"),
        attachment_ids=ids.many(input.attachment_ids, "Attachment", "attachmentIds"),
        idempotency_key=input.idempotency_key,
        reporter_id=ids.one(input.reporter_id, "User", "reporterId"),
    )
    submission.problems = ids.problems
    return submission


async def request_submit(info: strawberry.Info, input: RequestSubmitInput) -> RequestSubmitPayload:
    context: Context = info.context
    viewer = require_viewer(context)
    submission = _submission(input)

    async def work(session: AsyncSession) -> Submitted:
        return await submit(session, viewer, submission)

    try:
        # Each statement of a submission writes one row (or the few its input names).
        submitted, problems = await in_transaction(
            context, work, raise_conflicts=True, inline_writes=True
        )
    except IntegrityError:
        # Two concurrent submissions with one idempotency key: the loser returns the winner's.
        existing = None
        if submission.idempotency_key:
            async with context.db.read() as session:
                existing = await find_idempotent(session, viewer, submission.idempotency_key)
        if existing is None:
            return RequestSubmitPayload(request=None, user_errors=user_errors([CONFLICT]))
        return RequestSubmitPayload(request=Request.from_row(existing), user_errors=[])
    if submitted is None:
        return RequestSubmitPayload(request=None, user_errors=user_errors(problems))
    if submitted.portal_settings is not None:
        # The payload's `priority` resolves with the settings the submission just read.
        context.loaders.catalog.settings.prime(
            submitted.portal_settings.id,
            submitted.portal_settings,  # type: ignore[arg-type]  # the loader's columns
        )
    return RequestSubmitPayload(request=Request.from_row(submitted.request), user_errors=[])


async def visible_request(
    context: Context, viewer: Viewer, *, pk: int | None = None, reference: str | None = None
) -> Request | None:
    """One request through the visibility rule: None when missing or not visible alike."""
    stmt = select(*REQUEST_COLUMNS).where(policies.request_filter(viewer))
    if pk is not None:
        stmt = stmt.where(RequestRow.id == pk)
    if reference is not None:
        number = references.parse_reference(reference)
        if number is None:
            return None
        stmt = stmt.where(RequestRow.number == number)
    async with context.db.read() as session:
        row = (await session.execute(stmt)).first()
    return Request.from_row(row) if row else None


async def request_by_reference(info: strawberry.Info, reference: str) -> Request | None:
    context: Context = info.context
    return await visible_request(context, require_viewer(context), reference=reference)
