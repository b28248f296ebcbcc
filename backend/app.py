"""The Starlette application: /graphql (HTTP and WebSocket), /healthz, /files/<id>."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from cross_web import HTTPException
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET, UnsetType

from backend.auth.identify import identify, identify_credentials
from backend.config import Settings, get_settings
from backend.context import Context
from backend.db.engine import Database
from backend.events.broker import Broker, make_broker
from backend.files import download_endpoint
from backend.multipart import BODY_OVERHEAD, MultipartGuard
from backend.scheduler import scheduler
from backend.schema import build_schema
from backend.sweeper import attachment_sweeper
from backend.websocket import idle_closing_handler

log = logging.getLogger("frontdesk")


class FrontdeskGraphQL(GraphQL[Context, None]):
    def __init__(self, settings: Settings, db: Database, broker: Broker) -> None:
        self.broker = broker
        origins = [settings.public_url.rstrip("/"), *settings.allowed_origins]
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.is_development else None,
            # Only graphql-transport-ws: the legacy graphql-ws protocol is refused.
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            allowed_origins=origins,
            multipart_uploads_enabled=True,
            connection_init_wait_timeout=timedelta(
                seconds=settings.ws_connection_init_timeout_seconds
            ),
        )
        self.max_subscriptions_per_connection = settings.ws_max_subscriptions
        self.graphql_transport_ws_handler_class = idle_closing_handler(
            settings.ws_idle_timeout_seconds
        )
        self.settings = settings
        self.db = db
        # Uploads only with a CSRF header and within the size limit (backend/multipart.py).
        self._guarded = MultipartGuard(
            super().__call__, settings.attachment_max_bytes + BODY_OVERHEAD
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._guarded(scope, receive, send)

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        try:
            return await super().run(request, context, root_value)
        finally:
            # Delete the spooled files of an upload now, whether or not a resolver read them.
            if isinstance(request, Request):
                await request.close()

    async def execute_single(self, request: Any, request_adapter: Any, **kwargs: Any) -> Any:
        try:
            return await super().execute_single(
                request=request, request_adapter=request_adapter, **kwargs
            )
        except HTTPException as error:
            # GraphQL over HTTP: a mutation sent with GET is 405 Method Not Allowed, not 400.
            if request_adapter.method == "GET" and isinstance(
                error.__cause__, InvalidOperationTypeError
            ):
                raise HTTPException(405, error.reason) from error
            raise

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """graphql-transport-ws `connection_init`: credentials in the payload
        (`{"authorization": "Bearer fdt_..."}`) win over the upgrade request's session cookie;
        a connection without a viewer is refused (4403)."""
        params = context.connection_params or {}
        authorization = params.get("authorization") or params.get("Authorization")
        if isinstance(authorization, str) and authorization:
            identity = await identify_credentials(
                self.db, session_token=None, authorization=authorization
            )
            context.viewer, context.session_token = identity.viewer, None
        if context.viewer is None:
            raise ConnectionRejectionError({"code": "UNAUTHENTICATED"})
        return UNSET

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        identity = await identify(self.db, request)
        client = request.client
        return Context(
            request=request,
            response=response,
            settings=self.settings,
            db=self.db,
            viewer=identity.viewer,
            client_address=client.host if client else "unknown",
            session_token=identity.session_token,
            broker=self.broker,
        )


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    db = Database.from_settings(settings)
    broker = make_broker(settings.redis_url)
    db.publisher = broker.publish
    graphql = FrontdeskGraphQL(settings, db, broker)

    async def healthz(_request: Request) -> Response:
        try:
            async with db.read() as session:
                await session.execute(text("SELECT 1"))
        except Exception as error:  # the probe reports any database failure as unhealthy
            log.warning("health check failed: %s", error)
            return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "up"})

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await broker.start()
        try:
            async with attachment_sweeper(settings, db), scheduler(settings, db):
                yield
        finally:
            await broker.stop()
            await db.dispose()

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/files/{id}", download_endpoint(settings, db), methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.broker = broker
    return app
