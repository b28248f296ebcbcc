"""Who sent an HTTP request or opened a WebSocket: a bearer API token, else the session cookie.

Shared by the GraphQL context and plain routes such as `/files/<id>`, so every entry point
authenticates the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import HTTPConnection

from backend.auth import sessions
from backend.auth.viewer import Viewer
from backend.db.engine import Database


@dataclass(frozen=True, slots=True)
class Identity:
    viewer: Viewer | None
    # The raw cookie token of a cookie-authenticated request (logout revokes it); never set
    # for bearer requests.
    session_token: str | None


async def identify(db: Database, connection: HTTPConnection) -> Identity:
    return await identify_credentials(
        db,
        session_token=connection.cookies.get(sessions.SESSION_COOKIE) or None,
        authorization=connection.headers.get("authorization", ""),
    )


async def identify_credentials(
    db: Database, *, session_token: str | None, authorization: str
) -> Identity:
    """The viewer of an `Authorization` header value (it wins) or a session cookie token; the
    WebSocket `connection_init` payload carries either too."""
    viewer = None
    touch: int | None = None
    async with db.read() as session:
        if authorization:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                found = await sessions.viewer_from_api_token(session, token.strip())
                if found is not None:
                    viewer, stale = found
                    touch = viewer.api_token_id if stale else None
            session_token = None  # a bearer request never acts through the cookie
        elif session_token:
            viewer = await sessions.viewer_from_session_token(session, session_token)
    if touch is not None and touch not in _touching:
        # After the read session is closed: a write may wait for SQLite's write lock, and a
        # burst of requests each holding a read connection while waiting would exhaust the
        # pool. One touch per token at a time is enough.
        _touching.add(touch)
        try:
            async with db.transaction() as write:
                await sessions.touch_api_token(write, touch)
        finally:
            _touching.discard(touch)
    return Identity(viewer=viewer, session_token=session_token)


# Tokens whose last_used_at this process is writing now.
_touching: set[int] = set()
