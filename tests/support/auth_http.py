"""Raw GraphQL over HTTP with httpx, for tests about headers, cookies and status codes."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.client import DEMO_PASSWORD

SESSION_COOKIE = "frontdesk_session"

LOGIN = """mutation($input: LoginInput!) { login(input: $input) {
    viewer { user { email } } userErrors { field code message } } }"""
VIEWER = "{ viewer { user { email } } }"


def post(
    url: str,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    session: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """POST one operation as `application/json`, optionally with a session cookie value."""
    cookies = {SESSION_COOKIE: session} if session is not None else None
    with httpx.Client(cookies=cookies, timeout=30) as client:
        return client.post(
            url,
            json={"query": query, "variables": variables or {}},
            headers={"Accept": "application/json", **(headers or {})},
        )


def login(
    url: str, email: str, password: str = DEMO_PASSWORD, headers: dict[str, str] | None = None
) -> httpx.Response:
    return post(url, LOGIN, {"input": {"email": email, "password": password}}, headers=headers)


def set_cookies(response: httpx.Response) -> list[str]:
    return response.headers.get_list("set-cookie")


def session_cookie(response: httpx.Response) -> str | None:
    """The session token a response set, if any."""
    value = response.cookies.get(SESSION_COOKIE)
    return value or None


def viewer_email(
    url: str, *, session: str | None = None, headers: dict[str, str] | None = None
) -> str | None:
    """Who the server thinks is asking, with this cookie value and/or these headers."""
    response = post(url, VIEWER, session=session, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    viewer = body["data"]["viewer"]
    return viewer["user"]["email"] if viewer else None
