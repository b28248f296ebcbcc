"""Reading the request detail's own objects by ID."""

from __future__ import annotations

from sqlalchemy import select

from backend.auth import policies
from backend.auth.viewer import Viewer
from backend.context import Context
from backend.db.models import Comment as CommentRow
from backend.db.models import Request as RequestRow
from backend.loaders.detail import COMMENT_COLUMNS
from backend.schema.detail import Comment


async def comment_node(context: Context, viewer: Viewer, pk: int) -> Comment | None:
    """For `node(id:)`: a comment on a request the viewer sees, internal notes for staff;
    None otherwise, as for an ID of nothing."""
    stmt = (
        select(*COMMENT_COLUMNS)
        .join(RequestRow, RequestRow.id == CommentRow.request_id)
        .where(
            CommentRow.id == pk,
            policies.request_filter(viewer),
            policies.comment_filter(viewer),
        )
    )
    async with context.db.read() as session:
        row = (await session.execute(stmt)).first()
    return Comment.from_row(row) if row else None
