"""Comments on a request: public replies and internal notes (staff only), with files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth import policies
from backend.auth.viewer import Viewer
from backend.db.base import utcnow
from backend.db.models import Comment, Request
from backend.domain import attachments, search, timeline, workflow
from backend.domain.errors import DomainError, Problem

MAX_ATTACHMENTS = 20


@dataclass(frozen=True, slots=True)
class NewComment:
    body: str
    internal: bool = False
    attachment_ids: Sequence[int] = ()
    problems: list[Problem] = field(default_factory=list)  # from decoding the input's IDs


async def add_comment(
    session: AsyncSession, viewer: Viewer, request: Request, new: NewComment, *, max_length: int
) -> Comment:
    """Write the comment, link its files, record COMMENTED (internal for notes), reindex, and
    apply the customer-reply rule (a second event, STATUS_CHANGED). All or nothing."""
    problems = list(new.problems)
    if not policies.can_comment(viewer, request.status):
        problems.append(
            Problem(
                ("requestId",),
                "REQUEST_CLOSED",
                f"The request is {request.status.lower()}; it takes no more comments.",
            )
        )
    if not new.body.strip():
        problems.append(Problem(("body",), "REQUIRED", "Write something."))
    elif len(new.body) > max_length:
        problems.append(
            Problem(("body",), "TOO_LONG", f"A comment has at most {max_length} characters.")
        )
    if new.internal and not policies.can_see_internal(viewer):
        problems.append(Problem(("internal",), "FORBIDDEN", "Only agents write internal notes."))
    if len(new.attachment_ids) > MAX_ATTACHMENTS:
        problems.append(
            Problem(("attachmentIds",), "TOO_MANY", f"At most {MAX_ATTACHMENTS} files.")
        )
    uploads = await attachments.unreferenced_uploads(session, viewer.user_id, new.attachment_ids)
    for index, pk in enumerate(new.attachment_ids):
        if pk not in uploads:
            problems.append(
                Problem(("attachmentIds", str(index)), "NOT_FOUND", "Attachment not found.")
            )
    if problems:
        raise DomainError(problems)

    comment = Comment(
        request_id=request.id,
        author_id=viewer.user_id,
        body=new.body,
        internal=new.internal,
        created_at=utcnow(),
    )
    session.add(comment)
    await session.flush()
    file_ids = list(dict.fromkeys(new.attachment_ids))
    await attachments.link_to_request(
        session, file_ids, request_id=request.id, comment_id=comment.id
    )
    request.updated_at = comment.created_at
    await timeline.record(
        session,
        request_id=request.id,
        kind=timeline.EventKind.COMMENTED,
        actor_id=viewer.user_id,
        data={"commentId": comment.id, "internal": new.internal, "attachmentIds": file_ids},
        internal=new.internal,
    )
    if not new.internal:
        await workflow.customer_replied(session, viewer, request)
    await search.add_comment(session, request.id, comment.body, comment.internal)
    return comment
