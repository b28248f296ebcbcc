"""Guards for GraphQL multipart requests (file uploads), in front of the GraphQL endpoint.

- CSRF: a browser sends a cross-site `multipart/form-data` POST without asking (it is a
  "simple request"), cookies included. A custom header forces a CORS preflight, which other
  sites fail, so every multipart request must carry one of CSRF_HEADERS.
- Size: the body may be at most the attachment limit plus room for the other parts; larger
  bodies are refused with 413 before (Content-Length) or while (chunked) they are read.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_HEADERS = ("x-frontdesk-csrf", "graphql-require-preflight", "apollo-require-preflight")
# Room for the `operations` and `map` parts and the multipart framing around the file.
BODY_OVERHEAD = 1024 * 1024


class _BodyTooLarge(Exception):
    pass


def _error(status: int, code: str, message: str) -> JSONResponse:
    # GraphQL-shaped, so GraphQL clients show the message.
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status)


class MultipartGuard:
    """ASGI wrapper: passes everything through except multipart requests that lack a CSRF
    header or exceed `max_body_bytes`."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if not headers.get("content-type", "").lower().startswith("multipart/"):
            await self.app(scope, receive, send)
            return
        if not any(name in headers for name in CSRF_HEADERS):
            response = _error(
                400,
                "CSRF_HEADER_REQUIRED",
                "Multipart requests (file uploads) must send the header `X-Frontdesk-CSRF: 1` "
                "(or `GraphQL-Require-Preflight: 1`).",
            )
            await response(scope, receive, send)
            return
        too_large = _error(
            413,
            "REQUEST_TOO_LARGE",
            f"The request body is larger than {self.max_body_bytes} bytes.",
        )
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body_bytes:
            await too_large(scope, receive, send)
            return

        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if started:  # cannot happen: the body is read before any answer; be safe anyway
                raise
            await too_large(scope, receive, send)
