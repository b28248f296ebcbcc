"""graphql-transport-ws with an idle timeout: a connection that has nothing subscribed and
sends nothing for a while is closed, so abandoned sockets do not pile up. With metrics on,
open connections and running operations (subscriptions) are counted."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from graphql import GraphQLError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)

from backend.observability.metrics import Metrics

IDLE_CLOSE_CODE = 4000  # application range: the client may reconnect when it needs to
TOO_MANY_SUBSCRIPTIONS = "TOO_MANY_SUBSCRIPTIONS"


def invalid_message(message: Any) -> str | None:
    """Why a graphql-transport-ws message has the wrong shape, or None. Strawberry checks
    that the keys exist, not what they hold: a `payload` that is not an object or a `query`
    that is not a string would fail inside it and drop the connection without a close code;
    the protocol closes with 4400 instead."""
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        return "A message must be a JSON object with a string `type`."
    if message["type"] in ("subscribe", "complete") and not isinstance(message.get("id"), str):
        return "`id` must be a string."
    if message["type"] == "subscribe":
        payload = message.get("payload")
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            return "`payload.query` must be a string."
        for key in ("variables", "extensions"):
            if not isinstance(payload.get(key), dict | None):
                return f"`payload.{key}` must be an object."
        if not isinstance(payload.get("operationName"), str | None):
            return "`payload.operationName` must be a string."
    return None


def idle_closing_handler(
    idle_seconds: float, metrics: Metrics | None = None
) -> type[BaseGraphQLTransportWSHandler[Any, Any]]:
    class IdleClosingHandler(BaseGraphQLTransportWSHandler[Any, Any]):
        _last_activity = 0.0
        _idle_task: asyncio.Task[None] | None = None

        def on_request_accepted(self) -> None:
            super().on_request_accepted()
            self._last_activity = time.monotonic()
            self._idle_task = asyncio.create_task(self._close_when_idle())
            if metrics is not None:
                metrics.websockets.inc()  # shutdown() follows in the same handle() call

        async def run_operation(self, operation: Operation[Any, Any]) -> None:
            # The operation's task: it runs until the stream ends, fails or is cancelled
            # (`complete`, disconnect), so its lifetime is the subscription's.
            if metrics is None:
                await super().run_operation(operation)
                return
            metrics.subscriptions.inc()
            try:
                await super().run_operation(operation)
            finally:
                metrics.subscriptions.dec()

        async def handle_message(self, message: Any) -> None:
            self._last_activity = time.monotonic()
            reason = invalid_message(message)
            if reason is not None:
                await self.handle_invalid_message(reason)  # closes with 4400
                return
            await super().handle_message(message)

        async def handle_subscribe(self, message: Any) -> None:
            # Strawberry refuses an operation past the cap with an error without a code.
            cap = self.max_subscriptions_per_connection
            if (
                self.connection_acknowledged
                and cap is not None
                and message["id"] not in self.operations
                and len(self.operations) >= cap
            ):
                error = GraphQLError(
                    f"Subscription limit reached: at most {cap} operations at once on one "
                    "connection; complete one first.",
                    extensions={"code": TOO_MANY_SUBSCRIPTIONS, "max": cap},
                )
                payload = [error.formatted]
                await self.send_message({"id": message["id"], "type": "error", "payload": payload})
                return
            await super().handle_subscribe(message)

        async def _close_when_idle(self) -> None:
            while True:
                await asyncio.sleep(min(idle_seconds, 5.0) / 2)
                busy = bool(self.operations)
                if busy:
                    self._last_activity = time.monotonic()
                elif time.monotonic() - self._last_activity >= idle_seconds:
                    await self.websocket.close(code=IDLE_CLOSE_CODE, reason="Idle timeout")
                    return

        async def shutdown(self) -> None:
            if self._idle_task is not None:
                self._idle_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._idle_task
            try:
                await super().shutdown()
            finally:
                if metrics is not None:
                    metrics.websockets.dec()

    return IdleClosingHandler
