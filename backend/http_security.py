"""HTTP security, as pure ASGI wrappers (no per-request allocation beyond the header list):

- `SecurityHeaders`: Content-Security-Policy, X-Frame-Options, Referrer-Policy,
  X-Content-Type-Options on every response (SPA, API, files), HSTS behind https.
- `JsonOnlyPosts`: the CSRF rule for GraphQL POSTs. A cross-site page can make the browser
  send a POST with the user's cookies without asking only with a "simple" content type
  (`text/plain`, `application/x-www-form-urlencoded`, `multipart/form-data`). So a POST must
  be `application/json` (which forces a CORS preflight that other sites fail), or
  `multipart/form-data` carrying the custom header that backend/multipart.py requires.
"""

from __future__ import annotations

import hashlib
import re
from base64 import b64encode
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.http.ides import get_graphql_ide_html

from backend.config import Settings
from backend.http_errors import UNSUPPORTED_CONTENT_TYPE, error_response

GRAPHQL_PATH = "/graphql"
_CSP = b"content-security-policy"
# Cross-site forms and no-cors fetches cannot send these: both need a same-origin page.
_ALLOWED_POST_TYPES = frozenset({b"application/json", b"multipart/form-data"})
# GraphiQL's CDN (strawberry/static/graphiql.html loads React, GraphiQL and its explorer
# plugin from there with SRI hashes).
_GRAPHIQL_CDN = "https://unpkg.com"


def _websocket_origin(public_url: str) -> str:
    parts = urlsplit(public_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}"


def _inline_script_hashes(html: str) -> list[str]:
    """CSP hashes of the page's inline <script> blocks, so exactly those may run."""
    return [
        "'sha256-" + b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in re.findall(r"<script>(.*?)</script>", html, flags=re.DOTALL)
    ]


def content_security_policy(settings: Settings, *, graphiql: bool = False) -> str:
    """The SPA's policy: its own scripts only. Styles may be inline (Mantine injects its CSS
    variables in <style> elements); images may be data:/blob: URLs (icons, previews).
    With `graphiql`, the development IDE's CDN scripts and its one inline script too."""
    connect = f"'self' {_websocket_origin(settings.public_url)}"
    if graphiql:
        scripts = " ".join(
            ["'self'", _GRAPHIQL_CDN, *_inline_script_hashes(get_graphql_ide_html("graphiql"))]
        )
        styles = f"'self' 'unsafe-inline' {_GRAPHIQL_CDN}"
        fonts = f"'self' data: {_GRAPHIQL_CDN}"
    else:
        scripts, styles, fonts = "'self'", "'self' 'unsafe-inline'", "'self' data:"
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            f"style-src {styles}",
            "img-src 'self' data: blob:",
            f"font-src {fonts}",
            f"connect-src {connect}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _header_list(settings: Settings, policy: str) -> list[tuple[bytes, bytes]]:
    headers = [
        (_CSP, policy.encode()),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-content-type-options", b"nosniff"),
    ]
    if settings.public_url.startswith("https://"):
        headers.append((b"strict-transport-security", b"max-age=31536000"))
    return headers


class SecurityHeaders:
    """Adds the headers a response does not set itself. A response's own CSP (e.g. `sandbox`
    on /files) is kept beside ours: browsers enforce both."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.headers = _header_list(settings, content_security_policy(settings))
        # GraphiQL (development only) at /graphql needs its CDN; nothing else gets that.
        self.graphiql_headers = (
            _header_list(settings, content_security_policy(settings, graphiql=True))
            if settings.is_development
            else self.headers
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        ours = self.graphiql_headers if scope["path"] == GRAPHQL_PATH else self.headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in ours if h[0] == _CSP or h[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _content_type(scope: Scope) -> bytes:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return value.split(b";", 1)[0].strip().lower()
    return b""


_UNSUPPORTED_MESSAGE = (
    "GraphQL requests must be sent with `Content-Type: application/json` "
    "(file uploads: `multipart/form-data` with the header `X-Frontdesk-CSRF: 1`)."
)


class JsonOnlyPosts:
    """Refuses POSTs of any other content type with 400, before GraphQL parses the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and _content_type(scope) not in _ALLOWED_POST_TYPES
        ):
            response = error_response(400, UNSUPPORTED_CONTENT_TYPE, _UNSUPPORTED_MESSAGE)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
