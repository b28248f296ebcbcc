"""The Request type and the inputs and payloads of raising one."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import strawberry
from strawberry import Private
from strawberry.scalars import JSON
from strawberry.types.nodes import SelectedField

from backend.schema import detail
from backend.schema.attachments import Attachment
from backend.schema.catalog import (
    FormField,
    PriorityLevel,
    RequestType,
    _active_scheme,
    form_field_from_json,
)
from backend.schema.enums import Impact, RequestStatus, Urgency, Visibility
from backend.schema.errors import UserError
from backend.schema.execution import connection_items, preresolve
from backend.schema.execution import wanted as wanted_fields
from backend.schema.relay import Node, encode_id
from backend.schema.users import Organisation, Team, User, load_existing_user, load_user


@strawberry.type(description="One answered field of a request, labelled as in its form version.")
class RequestFieldValue:
    key: str = strawberry.field(description="The field's key.")
    label: str = strawberry.field(description="The field's label in the request's form version.")
    value: JSON = strawberry.field(description="The value as submitted (normalised).")
    # The field's entry in the form version, for `field`.
    spec: Private[dict[str, Any] | None] = None
    request_type_id: Private[int | None] = None

    @strawberry.field(description="The field as defined in the request's form version.")
    def field(self) -> FormField | None:
        if self.spec is None or self.request_type_id is None:
            return None
        return form_field_from_json(self.spec, self.request_type_id)


@strawberry.type(description="A customer's request to the service desk.")
class Request(Node):
    pk: Private[int]
    request_type_id: Private[int]
    form_version_id: Private[int]
    organisation_id: Private[int]
    reporter_id: Private[int]
    assignee_id: Private[int | None]
    team_id: Private[int | None]
    field_values: Private[dict[str, Any]]
    reference: str = strawberry.field(description="Human reference, e.g. FD-42.")
    summary: str = strawberry.field(description="One-line summary.")
    description: str = strawberry.field(description="Longer description (plain text).")
    status: RequestStatus = strawberry.field(description="Where the request stands.")
    priority_key: str = strawberry.field(description="Key of its priority level, e.g. P2.")
    priority_rank: int = strawberry.field(description="Rank of its priority (1 = most urgent).")
    urgency: Urgency | None = strawberry.field(description="Urgency, when given.")
    impact: Impact | None = strawberry.field(description="Impact, when given.")
    visibility: Visibility = strawberry.field(description="Who besides participants sees it.")
    due_at: datetime | None = strawberry.field(description="When it is due, if set.")
    external_reference: str | None = strawberry.field(
        description="The request's ID in an external system, if synchronised."
    )
    created_at: datetime = strawberry.field(description="When it was raised.")
    updated_at: datetime = strawberry.field(description="When it last changed.")

    @classmethod
    def from_row(cls, row: Any) -> Request:
        return cls(
            id=encode_id("Request", row.id),
            pk=row.id,
            request_type_id=row.request_type_id,
            form_version_id=row.form_version_id,
            organisation_id=row.organisation_id,
            reporter_id=row.reporter_id,
            assignee_id=row.assignee_id,
            team_id=row.team_id,
            field_values=row.field_values,
            reference=row.reference,
            summary=row.summary,
            description=row.description,
            status=RequestStatus(row.status),
            priority_key=row.priority_key,
            priority_rank=row.priority_rank,
            urgency=Urgency(row.urgency) if row.urgency else None,
            impact=Impact(row.impact) if row.impact else None,
            visibility=Visibility(row.visibility),
            due_at=row.due_at,
            external_reference=row.external_reference,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @strawberry.field(description="Who raised it (or on whose behalf it was raised).")
    async def reporter(self, info: strawberry.Info) -> User:
        return await load_existing_user(info, self.reporter_id)

    @strawberry.field(description="The organisation it was raised for.")
    async def organisation(self, info: strawberry.Info) -> Organisation:
        return Organisation.from_row(
            await info.context.loaders.organisation.load(self.organisation_id)
        )

    @strawberry.field(description="What kind of request it is (also when since archived).")
    async def request_type(self, info: strawberry.Info) -> RequestType:
        return RequestType.from_row(
            await info.context.loaders.catalog.request_type.load(self.request_type_id)
        )

    @strawberry.field(description="The agent working on it, if any.")
    async def assignee(self, info: strawberry.Info) -> User | None:
        return await load_user(info, self.assignee_id)

    @strawberry.field(description="The team it is routed to, if any.")
    async def team(self, info: strawberry.Info) -> Team | None:
        if self.team_id is None:
            return None
        return Team.from_row(await info.context.loaders.team.load(self.team_id))

    @strawberry.field(description="People following it besides the reporter.")
    async def participants(self, info: strawberry.Info) -> list[User]:
        rows = await info.context.loaders.participants.load(self.pk)
        users = await info.context.loaders.user.load_many([r.user_id for r in rows])
        return [User.from_row(u) for u in users if u is not None]

    attachments: list[Attachment] = strawberry.field(
        resolver=detail.request_attachments,
        description="Files attached to it, by form fields, comments or directly, oldest first "
        "(files of internal notes for agents only).",
    )
    priority: PriorityLevel | None = strawberry.field(
        resolver=detail.request_priority,
        description="Its priority level in the active scheme (null if the scheme has no level "
        "with its priorityKey).",
    )
    comments: detail.Connection[detail.Comment] = strawberry.field(
        resolver=detail.request_comments,
        description="Replies and (for agents) internal notes, oldest first.",
    )
    timeline: detail.Connection[detail.TimelineEvent] = strawberry.field(
        resolver=detail.request_timeline,
        description="Every change, oldest first (internal events for agents only).",
    )
    notifications_enabled: bool = strawberry.field(
        resolver=detail.request_notifications_enabled,
        description="Whether you are notified about it (default true; see "
        "requestNotificationsSet).",
    )
    available_transitions: list[detail.WorkflowTransition] = strawberry.field(
        resolver=detail.request_available_transitions,
        description="The workflow steps you may take now.",
    )
    viewer_can: detail.RequestViewerCan = strawberry.field(
        resolver=detail.request_viewer_can, description="What you may do with it now."
    )

    @strawberry.field(description="Version of the form it was submitted with.")
    async def form_version(self, info: strawberry.Info) -> int:
        version = await info.context.loaders.form_version.load(self.form_version_id)
        return int(version.version)

    @strawberry.field(
        description="Its answered fields in form order, labelled as in the form version it was "
        "submitted with (so later form changes do not rename them)."
    )
    async def fields(self, info: strawberry.Info) -> list[RequestFieldValue]:
        version = await info.context.loaders.form_version.load(self.form_version_id)
        return [
            RequestFieldValue(
                key=f["key"],
                label=f["label"],
                value=_api_value(f, self.field_values),
                spec=f,
                request_type_id=self.request_type_id,
            )
            for f in version.fields
            if f["key"] in self.field_values
        ]


def _api_value(field: dict[str, Any], values: dict[str, Any]) -> Any:
    value = values[field["key"]]
    if field["kind"] == "ATTACHMENT" and isinstance(value, list):
        # Stored as attachment row ids; the API speaks global IDs, as the input did.
        return [encode_id("Attachment", pk) for pk in value]
    return value


@strawberry.input(description="One answer of the request form.")
class FieldValueInput:
    key: str = strawberry.field(description="The field's key.")
    value: JSON = strawberry.field(
        description="The answer: a string, number, boolean, list of option values, or list of "
        "attachment IDs, as the field's kind requires."
    )


@strawberry.input(description="A new request.")
class RequestSubmitInput:
    request_type_id: strawberry.ID = strawberry.field(description="What kind of request.")
    organisation_id: strawberry.ID = strawberry.field(description="The organisation it is for.")
    summary: str = strawberry.field(description="One line, 1 to 255 characters.")
    description: str = strawberry.field(default="", description="Details (plain text).")
    fields: list[FieldValueInput] = strawberry.field(
        default_factory=list, description="Answers to the request type's form."
    )
    urgency: Urgency | None = strawberry.field(default=None, description="How soon it hurts.")
    impact: Impact | None = strawberry.field(default=None, description="How much it hurts.")
    priority_key: str | None = strawberry.field(
        default=None, description="A priority, where the scheme lets you choose."
    )
    visibility: Visibility = strawberry.field(
        default=Visibility.PRIVATE,
        description="PRIVATE, or ORGANISATION to share it with the organisation's members.",
    )
    participant_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="People of the organisation (or agents) to involve."
    )
    attachment_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Uploaded attachments (see attachmentUpload)."
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Retry-safe key: the same key from the same user returns the first request.",
    )
    reporter_id: strawberry.ID | None = strawberry.field(
        default=None, description="Agents only: the customer the request is raised for."
    )


@strawberry.type(description="Result of `requestSubmit`.")
class RequestSubmitPayload:
    request: Request | None = strawberry.field(description="The new (or, on retry, first) request.")
    user_errors: list[UserError] = strawberry.field(description="Every problem with the input.")


# ---- batch preloading for lists of requests (see backend/schema/execution.py)

_PRELOADED = ("reporter", "assignee", "organisation", "requestType", "priority", "comments")


def request_selections(selected: Sequence[SelectedField]) -> list[SelectedField]:
    """What a request connection's `nodes` and `edges { node }` select of Request."""
    return connection_items(selected, "RequestConnection", "RequestEdge", ("Request", "Node"))


async def preload_fields(
    info: strawberry.Info, requests: list[Request], selections: Sequence[SelectedField]
) -> None:
    """Resolve the selected relations of a page of requests in one batch each (reporters and
    assignees, organisations, request types, the priority scheme, comment pages), with the
    same loaders and rules as the fields' own resolvers, and hand each request its values
    (`preresolve`) so the executor need not call those resolvers fifty times."""
    wanted = wanted_fields(selections, _PRELOADED)
    if not wanted or not requests:
        return
    loaders = info.context.loaders
    names = {name for name, _ in wanted.values()}

    async def users() -> dict[int, User]:
        ids: set[int] = set()
        if "reporter" in names:
            ids.update(r.reporter_id for r in requests)
        if "assignee" in names:
            ids.update(r.assignee_id for r in requests if r.assignee_id is not None)
        rows = await loaders.user.load_many(sorted(ids))
        return {row.id: User.from_row(row) for row in rows if row is not None}

    async def organisations() -> dict[int, Organisation]:
        if "organisation" not in names:
            return {}
        ids = sorted({r.organisation_id for r in requests})
        rows = await loaders.organisation.load_many(ids)
        return {row.id: Organisation.from_row(row) for row in rows if row is not None}

    async def request_types() -> dict[int, RequestType]:
        if "requestType" not in names:
            return {}
        ids = sorted({r.request_type_id for r in requests})
        rows = await loaders.catalog.request_type.load_many(ids)
        return {row.id: RequestType.from_row(row) for row in rows if row is not None}

    async def priorities() -> dict[str, PriorityLevel | None]:
        if "priority" not in names:
            return {}
        scheme = await _active_scheme(info)
        levels = {key: scheme.level(key) for key in {r.priority_key for r in requests}}
        return {k: PriorityLevel.from_domain(v) if v else None for k, v in levels.items()}

    async def comment_pages() -> dict[str, list[Any] | None]:
        pks = [r.pk for r in requests]
        pages: dict[str, list[Any] | None] = {}
        for key, (name, args) in wanted.items():
            if name == "comments":
                pages[key] = await detail.comments_of_many(
                    info, pks, args.get("first"), args.get("after")
                )
        return pages

    by_user, by_org, by_type, by_priority, comments = await asyncio.gather(
        users(), organisations(), request_types(), priorities(), comment_pages()
    )
    for key, (name, _) in wanted.items():
        if name == "comments":
            pages = comments[key]
            if pages is not None:
                for request, page in zip(requests, pages, strict=True):
                    preresolve(request, key, name, page)
            continue
        for request in requests:
            if name == "reporter":
                value: Any = by_user.get(request.reporter_id)
                if value is None:
                    continue  # the resolver reports the broken reference
            elif name == "assignee":
                value = by_user.get(request.assignee_id) if request.assignee_id else None
            elif name == "organisation":
                value = by_org.get(request.organisation_id)
                if value is None:
                    continue
            elif name == "requestType":
                value = by_type.get(request.request_type_id)
                if value is None:
                    continue
            else:  # priority
                value = by_priority.get(request.priority_key)
            preresolve(request, key, name, value)
