"""A GraphQL client for the tests: gql over HTTP, with a cookie jar that persists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from gql import Client, gql
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXTransport

DEMO_PASSWORD = "frontdesk-demo"


@dataclass
class Result:
    data: dict[str, Any] | None
    errors: list[dict[str, Any]] | None

    @property
    def codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code", "") for e in self.errors or []]


class GraphQLClient:
    """One user agent: its own cookies, optionally a bearer token."""

    def __init__(
        self, url: str, token: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        headers = {**(headers or {}), **({"Authorization": f"Bearer {token}"} if token else {})}
        self.transport = HTTPXTransport(url=url, headers=headers, timeout=30)
        self.client = Client(transport=self.transport)
        self.session = self.client.connect_sync()

    @property
    def cookies(self) -> httpx.Cookies:
        assert self.transport.client is not None
        return self.transport.client.cookies

    def execute(self, query: str, **variables: Any) -> Result:
        try:
            request = gql(query)
            request.variable_values = variables or None
            data = self.session.execute(request)
            return Result(data=data, errors=None)
        except TransportQueryError as error:
            return Result(data=error.data, errors=list(error.errors or []))

    def ok(self, query: str, **variables: Any) -> dict[str, Any]:
        """Execute and insist there were no top-level errors."""
        result = self.execute(query, **variables)
        assert result.errors is None, result.errors
        assert result.data is not None
        return result.data

    def mutate(self, name: str, query: str, /, **input: Any) -> dict[str, Any]:
        """Run a mutation `name(input: $input) { ... }` and return its payload."""
        return self.ok(query, input=input)[name]

    def login(self, email: str, password: str = DEMO_PASSWORD) -> dict[str, Any]:
        return self.mutate(
            "login",
            """mutation($input: LoginInput!) { login(input: $input) {
                viewer { user { id email role } }
                userErrors { field code message } } }""",
            email=email,
            password=password,
        )

    def close(self) -> None:
        self.client.close_sync()
