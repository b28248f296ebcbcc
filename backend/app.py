"""The Starlette application: /graphql (HTTP and WebSocket), /healthz, /readyz, /files/<id>,
/metrics (when enabled)."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import orjson
from cross_web import HTTPException
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware import Middleware
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
from backend.body_limit import BodySizeLimit
from backend.config import Settings, get_settings
from backend.context import Context
from backend.db.engine import Database
from backend.events.broker import Broker, make_broker
from backend.files import download_endpoint
from backend.http_errors import MALFORMED_MULTIPART, decode_json, http_error_response
from backend.http_security import JsonOnlyPosts, SecurityHeaders
from backend.multipart import BODY_OVERHEAD, MultipartGuard
from backend.observability.metrics import Metrics, metrics_endpoint
from backend.observability.middleware import Observability
from backend.readiness import readiness_endpoint
from backend.scheduler import scheduler
from backend.schema import build_schema
from backend.spa import spa_routes
from backend.sweeper import attachment_sweeper
from backend.websocket import idle_closing_handler

log = logging.getLogger("frontdesk")


class FrontdeskGraphQL(GraphQL[Context, None]):
    def __init__(
        self, settings: Settings, db: Database, broker: Broker, metrics: Metrics | None = None
    ) -> None:
        self.broker = broker
        origins = [settings.public_url.rstrip("/"), *settings.allowed_origins]
        super().__init__(
            build_schema(settings, metrics.count_graphql_error if metrics else None),
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
            settings.ws_idle_timeout_seconds, metrics
        )
        self.settings = settings
        self.db = db
        # CSRF: POSTs only as JSON, or as uploads with a CSRF header within the size limit
        # (backend/http_security.py, backend/multipart.py).
        self._guarded = JsonOnlyPosts(
            MultipartGuard(super().__call__, settings.attachment_max_bytes + BODY_OVERHEAD)
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._guarded(scope, receive, send)

    def decode_json(self, data: str | bytes) -> object:
        return decode_json(data)  # undecodable bodies are 400s, never 500s

    def encode_json(self, data: object) -> str:
        # orjson: a 48 kB overview encodes in a tenth of the time of json.dumps. What it
        # refuses (integers beyond 64 bits in a JSON scalar) goes through json as before.
        # A str, not bytes: WebSocket messages are encoded here too and must be text frames.
        try:
            return orjson.dumps(data).decode()
        except TypeError:
            return json.dumps(data, separators=(",", ":"))

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        try:
            return await super().run(request, context, root_value)
        except (HTTPException, StarletteHTTPException) as error:
            if isinstance(request, Request):  # JSON with a code instead of plain text
                return http_error_response(error)
            raise
        finally:
            # Delete the spooled files of an upload now, whether or not a resolver read them.
            if isinstance(request, Request):
                await request.close()

    async def parse_multipart(self, request: Any) -> Any:
        # Strawberry follows `map` into `operations` trusting their shapes; any other shape
        # than the multipart request spec's must be a 400, not a Python error (a 500).
        try:
            data = await super().parse_multipart(request)
        except (AttributeError, TypeError, ValueError, IndexError) as error:
            raise HTTPException(400, MALFORMED_MULTIPART) from error
        if not isinstance(data, dict | list):
            raise HTTPException(400, MALFORMED_MULTIPART)
        return data

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
    metrics = Metrics() if settings.metrics_enabled else None
    graphql = FrontdeskGraphQL(settings, db, broker, metrics)

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
            Route("/readyz", readiness_endpoint(db, broker)),
            *(
                [Route("/metrics", metrics_endpoint(metrics, settings.metrics_token))]
                if metrics
                else []
            ),
            Route("/files/{id}", download_endpoint(settings, db), methods=["GET"]),
        ],
        lifespan=lifespan,
        middleware=[
            # Outermost first: every answer, even a refusal, gets the headers and a request id.
            Middleware(SecurityHeaders, settings=settings),
            Middleware(Observability, metrics=metrics, access_log=settings.access_log),
            Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes),
        ],
    )
    # Last of all routes: the SPA's catch-all never shadows a backend route (backend/spa.py).
    app.router.routes.extend(spa_routes(settings.spa_dir))
    app.state.settings = settings
    app.state.db = db
    app.state.broker = broker
    app.state.metrics = metrics
    return app
