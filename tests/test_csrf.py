"""CSRF: what a page on another site can make a signed-in user's browser send.

Without a CORS preflight a cross-site page can POST only "simple" content types
(`text/plain`, `application/x-www-form-urlencoded`, `multipart/form-data`, or none), with the
user's cookies attached. Every such forgery below carries a real session cookie and a foreign
`Origin`, and is refused before any write; the same mutation as `application/json` (which
needs the preflight that other sites fail) goes through, so the refusals are not a fluke.
GET never runs mutations, and WebSocket handshakes from foreign origins are refused.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import websockets
from websockets.exceptions import InvalidStatus

from tests.support.auth_http import SESSION_COOKIE, login, session_cookie
from tests.support.db import scalar
from tests.support.live import ws_url
from tests.support.server import LiveServer

EVIL = "https://evil.example"
TOKEN_CREATE = """mutation($input: ApiTokenCreateInput!) { apiTokenCreate(input: $input) {
    token userErrors { field code message } } }"""


def forged_mutation(name: str) -> str:
    """The mutation inline (a form cannot send variables separately)."""
    return (
        f'mutation {{ apiTokenCreate(input: {{name: "{name}"}}) '
        "{ token userErrors { code } } }"
    )


def tokens_named(server: LiveServer, name: str) -> int:
    return int(scalar(server.settings, "SELECT count(*) FROM api_tokens WHERE name = :n", n=name))


@pytest.fixture(scope="module")
def victim(server: LiveServer) -> str:
    """A signed-in customer's session cookie value."""
    cookie = session_cookie(login(server.graphql_url, "bob@acme.example"))
    assert cookie
    return cookie


def cross_site_post(
    server: LiveServer, cookie: str, content: bytes, content_type: str | None
) -> httpx.Response:
    headers = {"Origin": EVIL, "Referer": f"{EVIL}/page", "Sec-Fetch-Site": "cross-site"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    with httpx.Client(cookies={SESSION_COOKIE: cookie}, timeout=30) as client:
        return client.post(server.graphql_url, content=content, headers=headers)


def _text_plain(query: str) -> tuple[bytes, str]:
    # <form enctype="text/plain"> with a field named `{"query":"...","x":"` and value `"}`.
    return json.dumps({"query": query}).encode(), "text/plain"


def _form_urlencoded(query: str) -> tuple[bytes, str]:
    return urlencode({"query": query}).encode(), "application/x-www-form-urlencoded"


def _disguised(query: str) -> tuple[bytes, str]:
    # Still text/plain to a browser (the essence decides), whatever the parameter says.
    return json.dumps({"query": query}).encode(), "text/plain; charset=application/json"


def _no_content_type(query: str) -> tuple[bytes, None]:
    # fetch(url, {method: "POST", mode: "no-cors", credentials: "include", body: blob})
    return json.dumps({"query": query}).encode(), None


@pytest.mark.parametrize(
    "forge",
    [_text_plain, _form_urlencoded, _disguised, _no_content_type],
    ids=["text-plain", "form-urlencoded", "disguised-text-plain", "no-content-type"],
)
def test_a_forged_cross_site_mutation_is_refused_without_a_write(
    server: LiveServer, victim: str, unique: Callable[[str], str], forge: Any
) -> None:
    name = unique("forged")
    content, content_type = forge(forged_mutation(name))
    response = cross_site_post(server, victim, content, content_type)
    assert response.status_code == 400, response.text
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "UNSUPPORTED_CONTENT_TYPE"
    assert "application/json" in error["message"]
    assert tokens_named(server, name) == 0
    # The same cookie and mutation as JSON works: only the content type made the difference.
    control = cross_site_post(
        server, victim, json.dumps({"query": forged_mutation(name)}).encode(), "application/json"
    )
    assert control.status_code == 200, control.text
    assert control.json()["data"]["apiTokenCreate"]["userErrors"] == []
    assert tokens_named(server, name) == 1


def test_a_forged_multipart_mutation_needs_the_csrf_header(
    server: LiveServer, victim: str, unique: Callable[[str], str]
) -> None:
    """<form enctype="multipart/form-data"> shaped like a GraphQL multipart request, without
    the custom header a cross-site form cannot add (backend/multipart.py's rule)."""
    name = unique("forged-multipart")
    with httpx.Client(cookies={SESSION_COOKIE: victim}, timeout=30) as client:
        response = client.post(
            server.graphql_url,
            data={"operations": json.dumps({"query": forged_mutation(name)}), "map": "{}"},
            files={"unused": ("x.txt", b"x", "text/plain")},
            headers={"Origin": EVIL},
        )
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "CSRF_HEADER_REQUIRED"
    assert tokens_named(server, name) == 0


def test_json_with_a_charset_is_json(
    server: LiveServer, victim: str, unique: Callable[[str], str]
) -> None:
    name = unique("charset")
    response = cross_site_post(
        server,
        victim,
        json.dumps({"query": TOKEN_CREATE, "variables": {"input": {"name": name}}}).encode(),
        "application/json; charset=utf-8",
    )
    assert response.status_code == 200, response.text
    assert tokens_named(server, name) == 1


def test_a_mutation_sent_with_get_is_405_without_a_write(
    server: LiveServer, victim: str, unique: Callable[[str], str]
) -> None:
    """<img src> or a link: GET with the cookie attached."""
    name = unique("forged-get")
    with httpx.Client(cookies={SESSION_COOKIE: victim}, timeout=30) as client:
        response = client.get(
            server.graphql_url,
            params={"query": forged_mutation(name)},
            headers={"Accept": "application/json", "Origin": EVIL},
        )
    assert response.status_code == 405, response.text
    assert tokens_named(server, name) == 0


@pytest.mark.parametrize(
    "origin",
    [
        EVIL,
        "null",  # sandboxed iframes and file: pages
        "http://127.0.0.1.evil.example",  # a look-alike of the portal's host
        "http://127.0.0.1",  # same host, another port: another origin
    ],
)
async def test_a_cross_site_websocket_is_refused(
    server: LiveServer, victim: str, origin: str
) -> None:
    """Cross-site WebSocket hijacking: browsers attach cookies to any handshake, so the
    Origin decides (FRONTDESK_PUBLIC_URL and FRONTDESK_ALLOWED_ORIGINS only)."""
    with pytest.raises(InvalidStatus) as refused:
        async with asyncio.timeout(10):
            async with websockets.connect(
                ws_url(server.url),
                subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                origin=origin,  # type: ignore[arg-type]
                additional_headers={"Cookie": f"{SESSION_COOKIE}={victim}"},
            ):
                pass
    assert refused.value.response.status_code == 403
