"""The request detail: comments, the typed timeline, workflow transitions and what the viewer
may do. The fields hang off `Request` (schema/requests.py) through the resolvers below."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry import Private
from strawberry.scalars import JSON

from backend.auth import policies
from backend.db.models import RequestStatus as StatusValue
from backend.domain import workflow
from backend.domain.timeline import EventKind
from backend.schema.attachments import Attachment
from backend.schema.catalog import PriorityLevel, _active_scheme
from backend.schema.enums import RequestStatus, Visibility
from backend.schema.errors import BadUserInput
from backend.schema.execution import connection_items, preresolve, wanted
from backend.schema.relay import (
    MAX_PAGE_SIZE,
    Connection,
    Node,
    Page,
    after_id,
    check_first,
    encode_id,
    to_connection,
)
from backend.schema.users import User, load_user

TimelineEventKind = strawberry.enum(EventKind, description="What a timeline event records.")
First = Annotated[
    int | None, strawberry.argument(description=f"Page size, 0 to {MAX_PAGE_SIZE} (default 20).")
]
After = Annotated[str | None, strawberry.argument(description="Cursor to continue after.")]


# ---- comments


@strawberry.type(description="A public reply on a request, or an internal note (agents only).")
class Comment(Node):
    pk: Private[int]
    author_id: Private[int]
    body: str = strawberry.field(description="The text (plain text).")
    internal: bool = strawberry.field(description="An internal note, seen by agents only.")
    created_at: datetime = strawberry.field(description="When it was written.")

    @classmethod
    def from_row(cls, row: Any) -> Comment:
        return cls(
            id=encode_id("Comment", row.id),
            pk=row.id,
            author_id=row.author_id,
            body=row.body,
            internal=row.internal,
            created_at=row.created_at,
        )

    @strawberry.field(description="Who wrote it.")
    async def author(self, info: strawberry.Info) -> User | None:
        return await load_user(info, self.author_id)

    @strawberry.field(description="Files attached to it, oldest first.")
    async def attachments(self, info: strawberry.Info) -> list[Attachment]:
        rows = await info.context.loaders.detail.attachments_of_comment.load(self.pk)
        return [Attachment.from_row(r) for r in rows]


# ---- timeline


@strawberry.interface(
    description="One change of a request, in the order they happened; typed per kind."
)
class TimelineEvent:
    actor_id: Private[int | None]
    id: strawberry.ID = strawberry.field(description="Opaque ID of the event.")
    kind: TimelineEventKind = strawberry.field(description="What happened.")
    created_at: datetime = strawberry.field(description="When it happened.")

    @strawberry.field(description="Who did it; null when the system did (e.g. auto-close).")
    async def actor(self, info: strawberry.Info) -> User | None:
        return await load_user(info, self.actor_id)


@strawberry.type(description="The request was raised.")
class RequestCreatedEvent(TimelineEvent):
    summary: str = strawberry.field(description="The summary it was raised with.")


@strawberry.type(description="A comment was written (internal notes: agents only).")
class CommentAddedEvent(TimelineEvent):
    comment_id: Private[int]
    internal: bool = strawberry.field(description="Whether it was an internal note.")

    @strawberry.field(description="The comment.")
    async def comment(self, info: strawberry.Info) -> Comment | None:
        row = await info.context.loaders.detail.comment.load(self.comment_id)
        if row is None or (row.internal and not policies.can_see_internal(info.context.viewer)):
            return None
        return Comment.from_row(row)


@strawberry.type(description="The status changed along the workflow.")
class StatusChangedEvent(TimelineEvent):
    from_: RequestStatus = strawberry.field(name="fromStatus", description="The status before.")
    to: RequestStatus = strawberry.field(name="toStatus", description="The status after.")
    automatic: bool = strawberry.field(
        description="Done by a rule (a customer's reply, auto-close), not chosen by a person."
    )
    reason: str | None = strawberry.field(description="Why, when given.")


@strawberry.type(description="The request was escalated.")
class EscalatedEvent(TimelineEvent):
    from_: RequestStatus = strawberry.field(name="fromStatus", description="The status before.")
    reason: str | None = strawberry.field(description="Why it was escalated.")


@strawberry.type(description="The request was cancelled.")
class CancelledEvent(TimelineEvent):
    from_: RequestStatus = strawberry.field(name="fromStatus", description="The status before.")
    reason: str | None = strawberry.field(description="Why, when given.")


@strawberry.type(description="The request was reopened after being resolved or closed.")
class ReopenedEvent(TimelineEvent):
    from_: RequestStatus = strawberry.field(name="fromStatus", description="The status before.")
    reason: str | None = strawberry.field(description="Why, when given.")


@strawberry.type(description="The assignee changed.")
class AssignedEvent(TimelineEvent):
    from_id: Private[int | None]
    to_id: Private[int | None]

    @strawberry.field(name="fromAssignee", description="The assignee before; null: unassigned.")
    async def from_(self, info: strawberry.Info) -> User | None:
        return await load_user(info, self.from_id)

    @strawberry.field(name="toAssignee", description="The assignee after; null: unassigned.")
    async def to(self, info: strawberry.Info) -> User | None:
        return await load_user(info, self.to_id)


@strawberry.type(description="The priority changed.")
class PriorityChangedEvent(TimelineEvent):
    from_: str = strawberry.field(name="fromPriority", description="Key of the priority before.")
    to: str = strawberry.field(name="toPriority", description="Key of the priority after.")
    # Nullable like every event's `reason`, so fragments on several event types merge.
    reason: str | None = strawberry.field(description="Why it changed.")


@strawberry.type(description="Who sees the request changed.")
class VisibilityChangedEvent(TimelineEvent):
    from_: Visibility = strawberry.field(name="fromVisibility", description="Visibility before.")
    to: Visibility = strawberry.field(name="toVisibility", description="Visibility after.")


@strawberry.type(description="Someone was added to the request's participants.")
class ParticipantAddedEvent(TimelineEvent):
    user_id: Private[int]

    @strawberry.field(description="The participant.")
    async def user(self, info: strawberry.Info) -> User | None:
        return await load_user(info, self.user_id)


@strawberry.type(description="Someone was removed from the request's participants.")
class ParticipantRemovedEvent(TimelineEvent):
    user_id: Private[int]

    @strawberry.field(description="The former participant.")
    async def user(self, info: strawberry.Info) -> User | None:
        return await load_user(info, self.user_id)


@strawberry.type(
    description="A field changed: a form field (by its key) or summary, description or dueAt."
)
class FieldChangedEvent(TimelineEvent):
    key: str = strawberry.field(description="The form field's key, or summary/description/dueAt.")
    label: str = strawberry.field(description="Its label at the time.")
    from_: JSON | None = strawberry.field(name="oldValue", description="The value before.")
    to: JSON | None = strawberry.field(name="newValue", description="The value after.")


@strawberry.type(description="A file was attached to the request.")
class AttachmentAddedEvent(TimelineEvent):
    attachment_id: Private[int]
    filename: str = strawberry.field(description="The file's name (kept if it is deleted).")

    @strawberry.field(description="The file; null if it no longer exists.")
    async def attachment(self, info: strawberry.Info) -> Attachment | None:
        row = await info.context.loaders.detail.attachment.load(self.attachment_id)
        return Attachment.from_row(row) if row else None


def _status(value: Any) -> Any:
    return RequestStatus(value) if value else None


def event_from_row(row: Any) -> TimelineEvent:
    """The typed event of a timeline_events row (kind-specific data from its JSON)."""
    d: dict[str, Any] = row.data or {}
    base: dict[str, Any] = {
        "id": encode_id("TimelineEvent", row.id),
        "kind": EventKind(row.kind),
        "created_at": row.created_at,
        "actor_id": row.actor_id,
    }
    kind = EventKind(row.kind)
    if kind is EventKind.CREATED:
        return RequestCreatedEvent(**base, summary=d.get("summary", ""))
    if kind is EventKind.COMMENTED:
        return CommentAddedEvent(
            **base, comment_id=d["commentId"], internal=bool(d.get("internal"))
        )
    if kind is EventKind.STATUS_CHANGED:
        return StatusChangedEvent(
            **base,
            from_=_status(d.get("from")),
            to=_status(d.get("to")),
            automatic=bool(d.get("automatic")),
            reason=d.get("reason"),
        )
    if kind is EventKind.ESCALATED:
        return EscalatedEvent(**base, from_=_status(d.get("from")), reason=d.get("reason"))
    if kind is EventKind.CANCELLED:
        return CancelledEvent(**base, from_=_status(d.get("from")), reason=d.get("reason"))
    if kind is EventKind.REOPENED:
        return ReopenedEvent(**base, from_=_status(d.get("from")), reason=d.get("reason"))
    if kind is EventKind.ASSIGNED:
        return AssignedEvent(**base, from_id=d.get("from"), to_id=d.get("to"))
    if kind is EventKind.PRIORITY_CHANGED:
        return PriorityChangedEvent(
            **base, from_=d.get("from", ""), to=d.get("to", ""), reason=d.get("reason", "")
        )
    if kind is EventKind.VISIBILITY_CHANGED:
        return VisibilityChangedEvent(**base, from_=Visibility(d["from"]), to=Visibility(d["to"]))
    if kind is EventKind.PARTICIPANT_ADDED:
        return ParticipantAddedEvent(**base, user_id=d["userId"])
    if kind is EventKind.PARTICIPANT_REMOVED:
        return ParticipantRemovedEvent(**base, user_id=d["userId"])
    if kind is EventKind.FIELD_CHANGED:
        return FieldChangedEvent(
            **base,
            key=d.get("key", ""),
            label=d.get("label", ""),
            from_=d.get("from"),
            to=d.get("to"),
        )
    return AttachmentAddedEvent(
        **base, attachment_id=d["attachmentId"], filename=d.get("filename", "")
    )


EVENT_TYPES: list[type] = [
    RequestCreatedEvent,
    CommentAddedEvent,
    StatusChangedEvent,
    EscalatedEvent,
    CancelledEvent,
    ReopenedEvent,
    AssignedEvent,
    PriorityChangedEvent,
    VisibilityChangedEvent,
    ParticipantAddedEvent,
    ParticipantRemovedEvent,
    FieldChangedEvent,
    AttachmentAddedEvent,
]


# ---- workflow and permissions


@strawberry.type(description="A step of the workflow the viewer may take now.")
class WorkflowTransition:
    name: str = strawberry.field(description="Its name, e.g. Resolve.")
    to_status: RequestStatus = strawberry.field(description="The status it leads to.")


@strawberry.type(
    description="What the viewer may do with this request now; the mutations check the same "
    "rules, so a true flag means the action is allowed (given a valid input)."
)
class RequestViewerCan:
    comment: bool = strawberry.field(description="requestCommentAdd (not closed or cancelled).")
    share: bool = strawberry.field(description="requestShare (reporter and super users).")
    cancel: bool = strawberry.field(description="requestCancel.")
    reopen: bool = strawberry.field(description="requestReopen.")
    escalate: bool = strawberry.field(description="requestEscalate.")
    transition: bool = strawberry.field(
        description="requestTransition: at least one transition is available."
    )
    assign: bool = strawberry.field(
        description="requestAssign, requestPrioritySet and requestUpdate (agents)."
    )


async def _options(root: Any, info: strawberry.Info) -> list[workflow.Transition]:
    rows = await info.context.loaders.detail.transitions_from.load(root.status.value)
    return workflow.allowed([workflow.Transition.of(r) for r in rows], info.context.viewer)


# ---- resolvers of Request fields (`root` is the Request)


async def request_priority(root: Any, info: strawberry.Info) -> PriorityLevel | None:
    level = (await _active_scheme(info)).level(root.priority_key)
    return PriorityLevel.from_domain(level) if level else None


async def request_comments(
    root: Any, info: strawberry.Info, first: First = 20, after: After = None
) -> Connection[Comment]:
    size = check_first(first)
    include = policies.can_see_internal(info.context.viewer)
    rows, total = await info.context.loaders.detail.comment_page.load(
        (root.pk, size, after_id(after), include)
    )
    connection = comments_connection(rows, total, size, after)
    await _preload_people(
        info,
        connection.nodes,
        "CommentConnection",
        "CommentEdge",
        ("Comment", "Node"),
        {"author": "author_id"},
    )
    return connection


async def _preload_people(
    info: strawberry.Info,
    items: list[Any],
    connection: str,
    edge: str,
    item_types: tuple[str, ...],
    people: dict[str, str],
) -> None:
    """The users of a page's items (authors, actors) in one batch, handed to the executor
    (`preresolve`) instead of one resolver call per item."""
    fields = wanted(connection_items(info.selected_fields, connection, edge, item_types), people)
    if not fields or not items:
        return
    ids = {getattr(item, people[name], None) for item in items for name, _ in fields.values()}
    rows = await info.context.loaders.user.load_many(sorted(i for i in ids if i is not None))
    users = {row.id: User.from_row(row) for row in rows if row is not None}
    for key, (name, _) in fields.items():
        for item in items:
            if hasattr(item, people[name]):
                pk = getattr(item, people[name])
                preresolve(item, key, name, users.get(pk) if pk is not None else None)


def comments_connection(rows: Any, total: int, size: int, after: str | None) -> Connection[Comment]:
    return to_connection(
        Page(rows, total), size, after is not None, Comment.from_row, _comment_cursor
    )


def _comment_cursor(row: Any) -> tuple[int]:
    return (row.id,)


async def comments_of_many(
    info: strawberry.Info, pks: list[int], first: Any, after: Any
) -> list[Connection[Comment]] | None:
    """`comments(first:, after:)` of several requests in one batch, as request_comments
    gives them one by one; None when the arguments are invalid (the field reports that)."""
    try:
        # Selection arguments written as literals arrive as their source text.
        first = int(first) if isinstance(first, str) else first
        size = check_first(20 if first is None else first)
        after_pk = after_id(after)
    except (BadUserInput, ValueError, TypeError):
        return None
    include = policies.can_see_internal(info.context.viewer)
    pages = await info.context.loaders.detail.comment_page.load_many(
        [(pk, size, after_pk, include) for pk in pks]
    )
    return [comments_connection(rows, total, size, after) for rows, total in pages]


async def request_timeline(
    root: Any, info: strawberry.Info, first: First = 20, after: After = None
) -> Connection[TimelineEvent]:
    size = check_first(first)
    include = policies.can_see_internal(info.context.viewer)
    rows, total = await info.context.loaders.detail.event_page.load(
        (root.pk, size, after_id(after), include)
    )
    connection = to_connection(
        Page(rows, total), size, after is not None, event_from_row, lambda r: (r.id,)
    )
    item_types = ("TimelineEvent", *(t.__name__ for t in EVENT_TYPES))
    await _preload_people(
        info,
        connection.nodes,
        "TimelineEventConnection",
        "TimelineEventEdge",
        item_types,
        {"actor": "actor_id"},
    )
    await _preload_event_comments(info, connection.nodes, item_types)
    return connection


async def _preload_event_comments(
    info: strawberry.Info, events: list[Any], item_types: tuple[str, ...]
) -> None:
    """CommentAddedEvent.comment of a page of events in one batch, by the field's own rule."""
    selected = connection_items(
        info.selected_fields, "TimelineEventConnection", "TimelineEventEdge", item_types
    )
    fields = wanted(selected, ["comment"])
    commented = [e for e in events if isinstance(e, CommentAddedEvent)]
    if not fields or not commented:
        return
    rows = await info.context.loaders.detail.comment.load_many([e.comment_id for e in commented])
    see_internal = policies.can_see_internal(info.context.viewer)
    for key, (name, _) in fields.items():
        for event, row in zip(commented, rows, strict=True):
            visible = row is not None and (see_internal or not row.internal)
            preresolve(event, key, name, Comment.from_row(row) if visible else None)


async def request_notifications_enabled(root: Any, info: strawberry.Info) -> bool:
    stored = await info.context.loaders.detail.notification_setting.load(
        (root.pk, info.context.viewer.user_id)
    )
    return True if stored is None else bool(stored)


async def request_available_transitions(
    root: Any, info: strawberry.Info
) -> list[WorkflowTransition]:
    return [
        WorkflowTransition(name=t.name, to_status=RequestStatus(t.to_status.value))
        for t in await _options(root, info)
    ]


async def request_viewer_can(root: Any, info: strawberry.Info) -> RequestViewerCan:
    viewer = info.context.viewer
    options = await _options(root, info)
    return RequestViewerCan(
        comment=policies.can_comment(viewer, root.status.value),
        share=policies.can_share(
            viewer, reporter_id=root.reporter_id, organisation_id=root.organisation_id
        ),
        cancel=workflow.can_move_to(options, StatusValue.CANCELLED),
        reopen=workflow.can_move_to(options, StatusValue.REOPENED),
        escalate=workflow.can_move_to(options, StatusValue.ESCALATED),
        transition=bool(options),
        assign=policies.can_assign(viewer),
    )


async def request_attachments(root: Any, info: strawberry.Info) -> list[Attachment]:
    include = policies.can_see_internal(info.context.viewer)
    rows = await info.context.loaders.detail.request_attachments.load((root.pk, include))
    return [Attachment.from_row(r) for r in rows]


DETAIL_TYPES: list[type] = [Comment, *EVENT_TYPES]
