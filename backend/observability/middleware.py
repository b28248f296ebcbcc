"""Pure ASGI middleware around the whole app: request id, access log line, request metrics,
and a last resort for unhandled exceptions (logged with traceback; the client gets a coded
500 with the request id, never the traceback)."""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.http_errors import error_response
from backend.observability.metrics import Metrics
from backend.observability.request_id import request_id, request_id_from

access_log = logging.getLogger("frontdesk.access")
log = logging.getLogger("frontdesk.http")


def route_label(scope: Scope) -> str:
    """The matched route's template (`/files/{id}`), never the raw path: bounded labels."""
    route = scope.get("route")
    if route is None:
        return "unmatched"
    return getattr(route, "path", "") or "/"


class Observability:
    def __init__(self, app: ASGIApp, *, metrics: Metrics | None, access_log: bool) -> None:
        self.app = app
        self.metrics = metrics
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await self.app(scope, receive, send)
            return
        rid = request_id_from(scope["headers"])
        token = request_id.set(rid)
        try:
            if kind == "http":
                await self._http(scope, receive, send, rid)
            else:  # WebSocket: its log lines carry the id of the upgrade request
                await self.app(scope, receive, send)
        finally:
            request_id.reset(token)

    async def _http(self, scope: Scope, receive: Receive, send: Send, rid: str) -> None:
        started = time.perf_counter()
        status = 0
        id_header = (b"x-request-id", rid.encode("ascii"))

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), id_header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("unhandled error in %s %s", scope["method"], scope["path"])
            if status:  # the answer has begun: the server can only drop the connection
                return
            response = error_response(
                500, "INTERNAL_SERVER_ERROR", "Unexpected error.", requestId=rid
            )
            await response(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            status = status or 499  # no answer: the client went away first (nginx's code)
            if self.access_log and access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    "%s %s %s",
                    scope["method"],
                    scope["path"],
                    status,
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round(seconds * 1000, 2),
                    },
                )
            if self.metrics is not None:
                self.metrics.observe_request(route_label(scope), scope["method"], status, seconds)
