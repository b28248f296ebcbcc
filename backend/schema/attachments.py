"""The Attachment type, and the input and payload of `attachmentUpload`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry import Private
from strawberry.file_uploads import Upload

from backend.schema.errors import UserError
from backend.schema.relay import Node, encode_id


@strawberry.type(
    description="An uploaded file. Visible to its uploader until a request references it, "
    "then to whoever may see that request."
)
class Attachment(Node):
    pk: Private[int]
    filename: str = strawberry.field(description="The file name as uploaded (without folders).")
    size: int = strawberry.field(description="Size in bytes.")
    content_type: str = strawberry.field(description="Content type, e.g. application/pdf.")
    created_at: datetime = strawberry.field(description="When it was uploaded.")

    @classmethod
    def from_row(cls, row: Any) -> Attachment:
        return cls(
            id=encode_id("Attachment", row.id),
            pk=row.id,
            filename=row.filename,
            size=row.size,
            content_type=row.content_type,
            created_at=row.created_at,
        )

    @strawberry.field(
        description="Where to download it (`/files/<id>`, relative to the portal's URL); "
        "send the session cookie or the bearer token."
    )
    def download_url(self) -> str:
        return f"/files/{self.id}"


@strawberry.input(
    description="A file to upload, sent as a GraphQL multipart request with the header "
    "`X-Frontdesk-CSRF: 1` (or `GraphQL-Require-Preflight`). Reference the returned ID in "
    "`requestSubmit` within a day, or the upload is deleted."
)
class AttachmentUploadInput:
    file: Upload = strawberry.field(
        description="The file; its name and content type are taken from the multipart part."
    )


@strawberry.type(description="Result of `attachmentUpload`.")
class AttachmentUploadPayload:
    attachment: Attachment | None = strawberry.field(description="The stored upload.")
    user_errors: list[UserError] = strawberry.field(
        description="Why it was refused: FILE_TOO_LARGE, TYPE_NOT_ALLOWED, TYPE_MISMATCH, "
        "EMPTY_FILE."
    )
