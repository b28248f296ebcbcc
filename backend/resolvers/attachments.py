"""Uploading attachments, and finding one for `node(id:)`."""

from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.viewer import Viewer
from backend.context import Context
from backend.domain import attachments
from backend.domain.errors import DomainError, Problem
from backend.resolvers.common import in_transaction, require_viewer
from backend.schema.attachments import Attachment, AttachmentUploadInput, AttachmentUploadPayload
from backend.schema.errors import user_errors


async def attachment_upload(
    info: strawberry.Info, input: AttachmentUploadInput
) -> AttachmentUploadPayload:
    context: Context = info.context
    viewer = require_viewer(context)
    upload: Any = input.file
    # Starlette's UploadFile: the spooled file, the part's file name and content type.
    stream = getattr(upload, "file", upload)
    if not callable(getattr(stream, "read", None)):
        # A JSON request can put any value where the Upload scalar expects a file part.
        problem = Problem(("file",), "NOT_A_FILE", "Send the file as a multipart upload.")
        return AttachmentUploadPayload(attachment=None, user_errors=user_errors([problem]))
    try:
        if hasattr(stream, "seek"):
            stream.seek(0)
        # The content is copied before the transaction starts, so no lock is held meanwhile.
        stored = await attachments.store_content(
            context.settings.data_dir,
            stream,
            filename=getattr(upload, "filename", None),
            declared_type=getattr(upload, "content_type", None),
            rules=attachments.UploadRules.from_settings(context.settings),
        )
    except DomainError as error:
        return AttachmentUploadPayload(attachment=None, user_errors=user_errors(error.problems))

    async def work(session: AsyncSession) -> Attachment:
        row = await attachments.create_attachment(session, stored, uploader_id=viewer.user_id)
        return Attachment.from_row(row)

    attachment, problems = await in_transaction(context, work)
    return AttachmentUploadPayload(attachment=attachment, user_errors=user_errors(problems))


async def attachment_node(context: Context, viewer: Viewer, pk: int) -> Attachment | None:
    """For `node(id:)`: None when it does not exist or the viewer may not see it."""
    async with context.db.read() as session:
        row = await attachments.visible_attachment(session, viewer, pk)
    return Attachment.from_row(row) if row else None
