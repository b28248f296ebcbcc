"""`GET /files/<attachment id>`: an attachment's content, for those who may see it.

Unknown IDs, malformed IDs and attachments the viewer may not see get the same 404, so the
URL reveals nothing. The response is a download (inline only for raster images), never
sniffed, and sandboxed, so an uploaded file cannot run as a page of the portal.
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
from collections.abc import Awaitable, Callable
from urllib.parse import quote

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from backend.auth.identify import identify
from backend.config import Settings
from backend.db.engine import Database
from backend.domain import attachments
from backend.schema.relay import InvalidId, decode_id

log = logging.getLogger("frontdesk.files")

# Content never changes for an ID, but access can: the browser revalidates every time (the
# ETag answer is cheap) and shared caches never keep it.
_CACHE_CONTROL = "private, no-cache"


def _not_found() -> Response:
    return PlainTextResponse("Not found.", status_code=404)


def content_disposition(filename: str, *, inline: bool) -> str:
    """RFC 6266: an ASCII fallback for old clients, and the exact name as UTF-8 (RFC 5987)."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9._ ()+-]", "_", ascii_name).strip() or "file"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download_endpoint(settings: Settings, db: Database) -> Callable[[Request], Awaitable[Response]]:
    async def download(request: Request) -> Response:
        identity = await identify(db, request)
        if identity.viewer is None:
            return PlainTextResponse("Sign in first.", status_code=401)
        try:
            type_name, pk = decode_id(request.path_params["id"])
        except InvalidId:
            return _not_found()
        if type_name != "Attachment":
            return _not_found()
        async with db.read() as session:
            row = await attachments.visible_attachment(session, identity.viewer, pk)
        if row is None:
            return _not_found()
        path = attachments.content_path(settings.data_dir, row.sha256)
        try:
            stat = await anyio.to_thread.run_sync(os.stat, path)
        except FileNotFoundError:
            log.error("attachment %s: content %s is missing from the store", row.id, row.sha256)
            return _not_found()
        etag = f'"{row.sha256}"'
        headers = {
            "Cache-Control": _CACHE_CONTROL,
            "ETag": etag,
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
            "Cross-Origin-Resource-Policy": "same-origin",
        }
        if etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        headers["Content-Disposition"] = content_disposition(
            row.filename, inline=row.content_type in attachments.INLINE_TYPES
        )
        return FileResponse(path, media_type=row.content_type, headers=headers, stat_result=stat)

    return download
