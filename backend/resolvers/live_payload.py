"""Timeline events as live streams deliver them, resolved once for all of their streams.

The fields a timeline event's selection usually asks for beyond its own row (actor, the
comment with its author and files, assignees, participants, the attached file) are loaded
for a whole batch of events in a few statements and handed to the executor in advance
(schema/execution.py `preresolve`, under the field's own name). A selection that asks for
something else, or under an alias, resolves it through the stream's loaders (made on first
use), primed with the same rows: still no statement for what is already here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Row

from backend.db.engine import Database
from backend.domain.timeline import EventKind
from backend.loaders.detail import (
    load_attachments_by_id,
    load_attachments_of_comments,
    load_comments,
)
from backend.loaders.lazy import Primed
from backend.loaders.users import load_users
from backend.schema.attachments import Attachment
from backend.schema.detail import (
    AssignedEvent,
    AttachmentAddedEvent,
    Comment,
    CommentAddedEvent,
    ParticipantAddedEvent,
    ParticipantRemovedEvent,
    TimelineEvent,
    event_from_row,
)
from backend.schema.execution import preresolve
from backend.schema.users import User


@dataclass
class Related:
    """The rows a batch of events refers to, by id (None: the row no longer exists)."""

    users: dict[int, Row[Any] | None] = field(default_factory=dict)
    comments: dict[int, Row[Any] | None] = field(default_factory=dict)
    comment_attachments: dict[int, list[Row[Any]]] = field(default_factory=dict)
    attachments: dict[int, Row[Any] | None] = field(default_factory=dict)

    def primed(self) -> Primed:
        """For a stream's Loaders: what a field resolved through them finds already there."""
        return {
            "user": self.users,
            "detail": {
                "comment": self.comments,
                "attachments_of_comment": self.comment_attachments,
                "attachment": self.attachments,
            },
        }


@dataclass(frozen=True, slots=True)
class SharedEvent:
    """One event as staff see it and as everybody else does (None: an internal event)."""

    id: int
    staff: TimelineEvent
    others: TimelineEvent | None

    def for_viewer(self, see_internal: bool) -> TimelineEvent | None:
        return self.staff if see_internal else self.others


async def related_rows(db: Database, rows: Sequence[Row[Any]]) -> Related:
    """What the events refer to: comments and their files, attached files, then every user
    (actors, authors, assignees, participants); at most four statements."""
    related = Related()
    comment_ids = sorted({r.data["commentId"] for r in rows if _kind(r) is CommentAddedEvent})
    if comment_ids:
        found = await load_comments(db, comment_ids)
        related.comments = dict(zip(comment_ids, found, strict=True))
        files = await load_attachments_of_comments(db, comment_ids)
        related.comment_attachments = dict(zip(comment_ids, files, strict=True))
    attachment_ids = sorted(
        {r.data["attachmentId"] for r in rows if _kind(r) is AttachmentAddedEvent}
    )
    if attachment_ids:
        found = await load_attachments_by_id(db, attachment_ids)
        related.attachments = dict(zip(attachment_ids, found, strict=True))
    user_ids: set[int | None] = {r.actor_id for r in rows}
    user_ids |= {c.author_id for c in related.comments.values() if c is not None}
    for row in rows:
        data = row.data or {}
        kind = _kind(row)
        if kind is AssignedEvent:
            user_ids |= {data.get("from"), data.get("to")}
        elif kind in (ParticipantAddedEvent, ParticipantRemovedEvent):
            user_ids.add(data.get("userId"))
    ids = sorted(i for i in user_ids if i is not None)
    if ids:
        related.users = dict(zip(ids, await load_users(db, ids), strict=True))
    return related


def shared_events(rows: Sequence[Row[Any]], related: Related) -> list[SharedEvent]:
    users = {pk: User.from_row(row) for pk, row in related.users.items() if row is not None}
    comments: dict[int, Comment] = {}
    for pk, row in related.comments.items():
        if row is None:
            continue
        comment = comments[pk] = Comment.from_row(row)
        preresolve(comment, "author", "author", users.get(row.author_id))
        files = related.comment_attachments.get(pk, [])
        preresolve(comment, "attachments", "attachments", [Attachment.from_row(f) for f in files])
    return [_shared(row, users, comments, related) for row in rows]


def _shared(
    row: Row[Any], users: dict[int, User], comments: dict[int, Comment], related: Related
) -> SharedEvent:
    def person(pk: int | None) -> User | None:
        return users.get(pk) if pk is not None else None

    def typed() -> TimelineEvent:
        event = event_from_row(row)
        preresolve(event, "actor", "actor", person(row.actor_id))
        if isinstance(event, AssignedEvent):
            preresolve(event, "fromAssignee", "fromAssignee", person(event.from_id))
            preresolve(event, "toAssignee", "toAssignee", person(event.to_id))
        elif isinstance(event, ParticipantAddedEvent | ParticipantRemovedEvent):
            preresolve(event, "user", "user", person(event.user_id))
        elif isinstance(event, AttachmentAddedEvent):
            file = related.attachments.get(event.attachment_id)
            preresolve(
                event, "attachment", "attachment", Attachment.from_row(file) if file else None
            )
        return event

    staff = typed()
    if not isinstance(staff, CommentAddedEvent):
        return SharedEvent(row.id, staff, None if row.internal else staff)
    # CommentAddedEvent.comment's rule: an internal note is for those who see internal notes.
    comment = comments.get(staff.comment_id)
    preresolve(staff, "comment", "comment", comment)
    if row.internal:
        return SharedEvent(row.id, staff, None)
    others = typed()
    note = related.comments.get(staff.comment_id)
    preresolve(others, "comment", "comment", None if note is None or note.internal else comment)
    return SharedEvent(row.id, staff, others)


_KINDS: dict[str, type] = {
    EventKind.COMMENTED: CommentAddedEvent,
    EventKind.ASSIGNED: AssignedEvent,
    EventKind.PARTICIPANT_ADDED: ParticipantAddedEvent,
    EventKind.PARTICIPANT_REMOVED: ParticipantRemovedEvent,
    EventKind.ATTACHMENT_ADDED: AttachmentAddedEvent,
}


def _kind(row: Row[Any]) -> type | None:
    """The event class of the kinds that refer to other rows (None for the rest)."""
    return _KINDS.get(row.kind)
