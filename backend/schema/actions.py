"""Inputs and payloads of the actions on a request (comment, share, workflow, assign, ...).

Every input names the request by `requestId`; a request you may not see is answered
NOT_FOUND on `requestId`, exactly like one that does not exist."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from backend.schema.detail import Comment
from backend.schema.enums import RequestStatus, Visibility
from backend.schema.errors import UserError
from backend.schema.requests import FieldValueInput, Request

_REQUEST_ID = "The request (its global ID)."


def _request_id() -> Any:
    return strawberry.field(description=_REQUEST_ID)


@strawberry.input(description="A reply or an internal note on a request.")
class RequestCommentAddInput:
    request_id: strawberry.ID = _request_id()
    body: str = strawberry.field(
        description="The text (plain text, up to FRONTDESK_COMMENT_MAX_LENGTH characters)."
    )
    internal: bool = strawberry.field(
        default=False, description="An internal note, seen by agents only (agents only)."
    )
    attachment_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Your uploads (see attachmentUpload) to attach."
    )


@strawberry.type(description="Result of `requestCommentAdd`.")
class RequestCommentAddPayload:
    request: Request | None = strawberry.field(description="The request, as changed.")
    comment: Comment | None = strawberry.field(description="The new comment.")
    user_errors: list[UserError] = strawberry.field(
        description="NOT_FOUND, REQUEST_CLOSED, REQUIRED, TOO_LONG, FORBIDDEN (internal notes)."
    )


@strawberry.input(
    description="Who sees a request: its visibility and participants (the reporter and super "
    "users of its organisation)."
)
class RequestShareInput:
    request_id: strawberry.ID = _request_id()
    visibility: Visibility | None = strawberry.field(
        default=None, description="PRIVATE or ORGANISATION; null: unchanged."
    )
    add_participant_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="Users to add: people of the request's organisation, or agents.",
    )
    remove_participant_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Participants to remove."
    )


@strawberry.type(description="Result of `requestShare`.")
class RequestSharePayload:
    request: Request | None = strawberry.field(description="The request, as changed.")
    user_errors: list[UserError] = strawberry.field(description="Every problem with the input.")


@strawberry.input(description="Whether you are notified about a request.")
class RequestNotificationsSetInput:
    request_id: strawberry.ID = _request_id()
    enabled: bool = strawberry.field(description="true: notify me; false: do not.")


@strawberry.type(description="Result of `requestNotificationsSet`.")
class RequestNotificationsSetPayload:
    request: Request | None = strawberry.field(description="The request.")
    user_errors: list[UserError] = strawberry.field(description="Every problem with the input.")


@strawberry.input(description="Cancel an open request.")
class RequestCancelInput:
    request_id: strawberry.ID = _request_id()
    reason: str | None = strawberry.field(default=None, description="Why (optional).")


@strawberry.type(description="Result of `requestCancel`.")
class RequestCancelPayload:
    request: Request | None = strawberry.field(description="The request, now CANCELLED.")
    user_errors: list[UserError] = strawberry.field(
        description="NOT_FOUND, INVALID_TRANSITION (not open)."
    )


@strawberry.input(description="Reopen a RESOLVED or CLOSED request.")
class RequestReopenInput:
    request_id: strawberry.ID = _request_id()
    reason: str | None = strawberry.field(default=None, description="Why (optional).")


@strawberry.type(description="Result of `requestReopen`.")
class RequestReopenPayload:
    request: Request | None = strawberry.field(description="The request, now REOPENED.")
    user_errors: list[UserError] = strawberry.field(
        description="NOT_FOUND, INVALID_TRANSITION (not resolved or closed)."
    )


@strawberry.input(description="Escalate an open request.")
class RequestEscalateInput:
    request_id: strawberry.ID = _request_id()
    reason: str = strawberry.field(description="Why it needs escalating (required).")


@strawberry.type(description="Result of `requestEscalate`.")
class RequestEscalatePayload:
    request: Request | None = strawberry.field(description="The request, now ESCALATED.")
    user_errors: list[UserError] = strawberry.field(
        description="NOT_FOUND, REQUIRED (reason), INVALID_TRANSITION."
    )


@strawberry.input(description="Move a request along the workflow (see availableTransitions).")
class RequestTransitionInput:
    request_id: strawberry.ID = _request_id()
    to_status: RequestStatus = strawberry.field(description="The status to move to.")
    reason: str | None = strawberry.field(default=None, description="Why (optional).")


@strawberry.type(description="Result of `requestTransition`.")
class RequestTransitionPayload:
    request: Request | None = strawberry.field(description="The request, as changed.")
    user_errors: list[UserError] = strawberry.field(
        description="NOT_FOUND, INVALID_TRANSITION (no such step for you from its status)."
    )


@strawberry.input(description="Assign a request to an agent (agents).")
class RequestAssignInput:
    request_id: strawberry.ID = _request_id()
    assignee_id: strawberry.ID | None = strawberry.field(
        default=None, description="The agent; null: unassign."
    )


@strawberry.type(description="Result of `requestAssign`.")
class RequestAssignPayload:
    request: Request | None = strawberry.field(description="The request, as changed.")
    user_errors: list[UserError] = strawberry.field(
        description="NOT_FOUND, FORBIDDEN, NOT_AN_AGENT, NOT_IN_TEAM."
    )


@strawberry.input(description="Set a request's priority (agents).")
class RequestPrioritySetInput:
    request_id: strawberry.ID = _request_id()
    priority_key: str = strawberry.field(description="A level of the active scheme, e.g. P1.")
    reason: str = strawberry.field(description="Why (required; shown in the timeline).")


@strawberry.type(description="Result of `requestPrioritySet`.")
class RequestPrioritySetPayload:
    request: Request | None = strawberry.field(description="The request, as changed.")
    user_errors: list[UserError] = strawberry.field(
        description="NOT_FOUND, FORBIDDEN, NOT_FOUND (priorityKey), REQUIRED (reason)."
    )


@strawberry.input(
    description="Change a request's summary, description, due date, field values or files "
    "(agents). Omitted inputs stay as they are."
)
class RequestUpdateInput:
    request_id: strawberry.ID = _request_id()
    summary: str | None = strawberry.field(default=strawberry.UNSET, description="New summary.")
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="New description."
    )
    due_at: datetime | None = strawberry.field(
        default=strawberry.UNSET, description="New due date; null clears it."
    )
    fields: list[FieldValueInput] = strawberry.field(
        default_factory=list,
        description="Field values to change (null value: clear); the result is validated "
        "against the request's form version.",
    )
    attachment_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Your uploads to attach to the request."
    )


@strawberry.type(description="Result of `requestUpdate`.")
class RequestUpdatePayload:
    request: Request | None = strawberry.field(description="The request, as changed.")
    user_errors: list[UserError] = strawberry.field(description="Every problem with the input.")
