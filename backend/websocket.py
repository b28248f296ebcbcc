"""graphql-transport-ws with an idle timeout: a connection that has nothing subscribed and
sends nothing for a while is closed, so abandoned sockets do not pile up."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)

IDLE_CLOSE_CODE = 4000  # application range: the client may reconnect when it needs to


def idle_closing_handler(idle_seconds: float) -> type[BaseGraphQLTransportWSHandler[Any, Any]]:
    class IdleClosingHandler(BaseGraphQLTransportWSHandler[Any, Any]):
        _last_activity = 0.0
        _idle_task: asyncio.Task[None] | None = None

        def on_request_accepted(self) -> None:
            super().on_request_accepted()
            self._last_activity = time.monotonic()
            self._idle_task = asyncio.create_task(self._close_when_idle())

        async def handle_message(self, message: Any) -> None:
            self._last_activity = time.monotonic()
            await super().handle_message(message)

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
            await super().shutdown()

    return IdleClosingHandler
