"""The Starlette application: /graphql (HTTP and WebSocket), /healthz."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from backend.auth import sessions
from backend.config import Settings, get_settings
from backend.context import Context
from backend.db.engine import Database
from backend.schema import build_schema

log = logging.getLogger("frontdesk")


class FrontdeskGraphQL(GraphQL[Context, None]):
    def __init__(self, settings: Settings, db: Database) -> None:
        origins = [settings.public_url.rstrip("/"), *settings.allowed_origins]
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.is_development else None,
            # Only graphql-transport-ws: the legacy graphql-ws protocol is refused.
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            allowed_origins=origins,
        )
        self.settings = settings
        self.db = db

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        viewer = None
        session_token = request.cookies.get(sessions.SESSION_COOKIE) or None
        authorization = request.headers.get("authorization", "")
        async with self.db.read() as session:
            if authorization:
                scheme, _, token = authorization.partition(" ")
                if scheme.lower() == "bearer" and token.strip():
                    found = await sessions.viewer_from_api_token(session, token.strip())
                    if found is not None:
                        viewer, stale = found
                        if stale:
                            async with self.db.transaction() as write:
                                await sessions.touch_api_token(write, viewer.api_token_id or 0)
                session_token = None  # a bearer request never acts through the cookie
            elif session_token:
                viewer = await sessions.viewer_from_session_token(session, session_token)
        client = request.client
        return Context(
            request=request,
            response=response,
            settings=self.settings,
            db=self.db,
            viewer=viewer,
            client_address=client.host if client else "unknown",
            session_token=session_token,
        )


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    db = Database.from_settings(settings)
    graphql = FrontdeskGraphQL(settings, db)

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
        yield
        await db.dispose()

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = db
    return app
