"""The actions on a request: thin resolvers that decode the input, lock the visible request
and hand off to the domain, all in one transaction (nothing is written on any problem)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.viewer import Viewer
from backend.context import Context
from backend.db.models import Request as RequestRow
from backend.db.models import RequestStatus, Visibility
from backend.domain import comments, request_changes, sharing, workflow
from backend.domain.errors import DomainError
from backend.resolvers.common import in_transaction, require_viewer
from backend.resolvers.requests import _Ids
from backend.schema import actions as a
from backend.schema.detail import Comment
from backend.schema.errors import UserError, user_errors
from backend.schema.requests import Request

T = TypeVar("T")


def _request_pk(global_id: str) -> int | None:
    """The request's primary key; None for a well-formed ID of nothing (NOT_FOUND follows)."""
    ids = _Ids()
    pk = ids.one(global_id, "Request", "requestId")
    if ids.problems:
        raise DomainError(ids.problems)
    return pk


async def _act(
    info: strawberry.Info,
    request_id: str,
    action: Callable[[AsyncSession, Viewer, RequestRow], Awaitable[T]],
) -> tuple[Request | None, T | None, list[UserError]]:
    """Run `action` on the locked, visible request in one transaction; the request as it is
    afterwards, the action's result, and the problems."""
    context: Context = info.context
    viewer = require_viewer(context)

    async def work(session: AsyncSession) -> tuple[Request, T]:
        row = await request_changes.lock_visible(session, viewer, _request_pk(request_id))
        result = await action(session, viewer, row)
        await session.flush()
        return Request.from_row(row), result

    done, problems = await in_transaction(context, work)
    if done is None:
        return None, None, user_errors(problems)
    return done[0], done[1], []


async def request_comment_add(
    info: strawberry.Info, input: a.RequestCommentAddInput
) -> a.RequestCommentAddPayload:
    ids = _Ids()
    new = comments.NewComment(
        body=input.body,
        internal=input.internal,
        attachment_ids=ids.many(input.attachment_ids, "Attachment", "attachmentIds"),
        problems=ids.problems,
    )
    max_length = info.context.settings.comment_max_length

    async def action(session: AsyncSession, viewer: Viewer, row: RequestRow) -> Comment:
        return Comment.from_row(
            await comments.add_comment(session, viewer, row, new, max_length=max_length)
        )

    request, comment, errors = await _act(info, input.request_id, action)
    return a.RequestCommentAddPayload(request=request, comment=comment, user_errors=errors)


async def request_share(info: strawberry.Info, input: a.RequestShareInput) -> a.RequestSharePayload:
    ids = _Ids()
    change = sharing.ShareChange(
        visibility=Visibility(input.visibility.value) if input.visibility else None,
        add_ids=ids.many(input.add_participant_ids, "User", "addParticipantIds"),
        remove_ids=ids.many(input.remove_participant_ids, "User", "removeParticipantIds"),
        problems=ids.problems,
    )

    async def action(session: AsyncSession, viewer: Viewer, row: RequestRow) -> bool:
        await sharing.share(session, viewer, row, change)
        return await sharing.still_visible(session, viewer, row)

    request, visible, errors = await _act(info, input.request_id, action)
    # A super user who made it private without being a participant sees it no more.
    return a.RequestSharePayload(request=request if visible else None, user_errors=errors)


async def request_notifications_set(
    info: strawberry.Info, input: a.RequestNotificationsSetInput
) -> a.RequestNotificationsSetPayload:
    async def action(session: AsyncSession, viewer: Viewer, row: RequestRow) -> None:
        await sharing.set_notifications(session, viewer, row, input.enabled)

    request, _, errors = await _act(info, input.request_id, action)
    return a.RequestNotificationsSetPayload(request=request, user_errors=errors)


def _to(
    target: RequestStatus, reason: str | None, *, required: bool = False, path: str = "requestId"
) -> Callable[[AsyncSession, Viewer, RequestRow], Awaitable[Any]]:
    async def action(session: AsyncSession, viewer: Viewer, row: RequestRow) -> Any:
        return await workflow.transition(
            session, viewer, row, target, reason=reason, reason_required=required, path=path
        )

    return action


async def request_cancel(
    info: strawberry.Info, input: a.RequestCancelInput
) -> a.RequestCancelPayload:
    request, _, errors = await _act(
        info, input.request_id, _to(RequestStatus.CANCELLED, input.reason)
    )
    return a.RequestCancelPayload(request=request, user_errors=errors)


async def request_reopen(
    info: strawberry.Info, input: a.RequestReopenInput
) -> a.RequestReopenPayload:
    request, _, errors = await _act(
        info, input.request_id, _to(RequestStatus.REOPENED, input.reason)
    )
    return a.RequestReopenPayload(request=request, user_errors=errors)


async def request_escalate(
    info: strawberry.Info, input: a.RequestEscalateInput
) -> a.RequestEscalatePayload:
    request, _, errors = await _act(
        info, input.request_id, _to(RequestStatus.ESCALATED, input.reason, required=True)
    )
    return a.RequestEscalatePayload(request=request, user_errors=errors)


async def request_transition(
    info: strawberry.Info, input: a.RequestTransitionInput
) -> a.RequestTransitionPayload:
    target = RequestStatus(input.to_status.value)
    request, _, errors = await _act(
        info, input.request_id, _to(target, input.reason, path="toStatus")
    )
    return a.RequestTransitionPayload(request=request, user_errors=errors)


async def request_assign(
    info: strawberry.Info, input: a.RequestAssignInput
) -> a.RequestAssignPayload:
    ids = _Ids()
    assignee = ids.one(input.assignee_id, "User", "assigneeId")
    within_team = info.context.settings.assign_within_team

    async def action(session: AsyncSession, viewer: Viewer, row: RequestRow) -> int:
        if ids.problems:
            raise DomainError(ids.problems)
        return await request_changes.assign(session, viewer, row, assignee, within_team=within_team)

    request, _, errors = await _act(info, input.request_id, action)
    return a.RequestAssignPayload(request=request, user_errors=errors)


async def request_priority_set(
    info: strawberry.Info, input: a.RequestPrioritySetInput
) -> a.RequestPrioritySetPayload:
    async def action(session: AsyncSession, viewer: Viewer, row: RequestRow) -> int:
        return await request_changes.set_priority(
            session, viewer, row, input.priority_key, input.reason
        )

    request, _, errors = await _act(info, input.request_id, action)
    return a.RequestPrioritySetPayload(request=request, user_errors=errors)


def _given(value: Any) -> Any:
    return request_changes.UNSET if value is strawberry.UNSET else value


async def request_update(
    info: strawberry.Info, input: a.RequestUpdateInput
) -> a.RequestUpdatePayload:
    ids = _Ids()
    edit = request_changes.RequestEdit(
        summary=_given(input.summary),
        description=_given(input.description),
        due_at=_given(input.due_at),
        fields=[(f.key, f.value) for f in input.fields],
        attachment_ids=ids.many(input.attachment_ids, "Attachment", "attachmentIds"),
        problems=ids.problems,
    )

    async def action(session: AsyncSession, viewer: Viewer, row: RequestRow) -> int:
        return await request_changes.update(session, viewer, row, edit)

    request, _, errors = await _act(info, input.request_id, action)
    return a.RequestUpdatePayload(request=request, user_errors=errors)
