"""Fixtures: a real server per database backend (SQLite and PostgreSQL), clients, factories."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from backend.config import Settings
from backend.db.engine import Database
from backend.demo import seed
from tests.support.client import GraphQLClient
from tests.support.server import LiveServer, free_port, migrate
from tests.support.services import create_pg_database, drop_pg_database

BACKENDS = ["sqlite", "postgresql"]


def make_settings(
    backend: str, data_dir: Path, port: int, **overrides: Any
) -> tuple[Settings, str | None]:
    """Settings for a test server; returns the PostgreSQL URL to drop afterwards, if any."""
    database_url = create_pg_database() if backend == "postgresql" else None
    options: dict[str, Any] = {
        "env": "test",
        "data_dir": data_dir,
        "database_url": database_url,
        "public_url": f"http://127.0.0.1:{port}",
        # One shared address (127.0.0.1) runs every test: per-address throttling is tested
        # on its own server with low limits.
        "login_max_failures_per_address": 10_000,
        "password_reset_max_per_address": 10_000,
        **overrides,
    }
    settings = Settings(**options)
    return settings, database_url


def start_server(
    backend: str, tmp_path_factory: pytest.TempPathFactory, *, demo: bool = True, **overrides: Any
) -> tuple[LiveServer, str | None]:
    port = free_port()
    settings, pg_url = make_settings(
        backend, tmp_path_factory.mktemp(f"data-{backend}"), port, **overrides
    )
    migrate(settings)
    if demo:

        async def load() -> None:
            db = Database.from_settings(settings)
            try:
                await seed(db, settings)
            finally:
                await db.dispose()

        asyncio.run(load())
    return LiveServer(settings, port).start(), pg_url


def stop_server(live: LiveServer, pg_url: str | None) -> None:
    live.stop()
    if pg_url:
        drop_pg_database(pg_url)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live, pg_url = start_server(backend, tmp_path_factory)
    yield live
    stop_server(live, pg_url)


@pytest.fixture
def client_factory(server: LiveServer) -> Iterator[Callable[..., GraphQLClient]]:
    clients: list[GraphQLClient] = []

    def make(
        email: str | None = None, *, token: str | None = None, password: str | None = None
    ) -> GraphQLClient:
        client = GraphQLClient(server.graphql_url, token=token)
        clients.append(client)
        if email:
            payload = client.login(email, password) if password else client.login(email)
            assert payload["userErrors"] == [], payload
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def anonymous(client_factory: Callable[..., GraphQLClient]) -> GraphQLClient:
    return client_factory()


@pytest.fixture
def admin(client_factory: Callable[..., GraphQLClient]) -> GraphQLClient:
    return client_factory("admin@frontdesk.example")


_unique = itertools.count(1)


@pytest.fixture
def unique() -> Callable[[str], str]:
    """Unique names, so tests sharing one server never collide."""
    return lambda prefix: f"{prefix}-{next(_unique)}-{id(object()) % 10_000}"


class Factory:
    """Creates users and organisations through the admin API, as an admin would."""

    def __init__(self, admin: GraphQLClient, unique: Callable[[str], str]) -> None:
        self.admin = admin
        self.unique = unique

    def user(
        self, role: str = "CUSTOMER", password: str = "correct-horse-battery"
    ) -> dict[str, Any]:
        email = f"{self.unique('user')}@example.com"
        payload = self.admin.mutate(
            "userCreate",
            """mutation($input: UserCreateInput!) { userCreate(input: $input) {
                user { id email role } userErrors { field code message } } }""",
            email=email,
            displayName=email.split("@")[0],
            role=role,
            password=password,
        )
        assert payload["userErrors"] == [], payload
        return {**payload["user"], "password": password}

    def organisation(self, cap: int | None = None) -> dict[str, Any]:
        payload = self.admin.mutate(
            "organisationCreate",
            """mutation($input: OrganisationCreateInput!) { organisationCreate(input: $input) {
                organisation { id name superUserCap } userErrors { field code message } } }""",
            name=self.unique("Org"),
            **({"superUserCap": cap} if cap else {}),
        )
        assert payload["userErrors"] == [], payload
        return payload["organisation"]

    def add_member(
        self, org_id: str, user_id: str, role: str = "MEMBER", by: GraphQLClient | None = None
    ) -> dict[str, Any]:
        return (by or self.admin).mutate(
            "organisationMemberAdd",
            """mutation($input: OrganisationMemberAddInput!) {
                organisationMemberAdd(input: $input) {
                membership { id role user { id } organisation { id } }
                userErrors { field code message } } }""",
            organisationId=org_id,
            userId=user_id,
            role=role,
        )


@pytest.fixture
def factory(admin: GraphQLClient, unique: Callable[[str], str]) -> Factory:
    return Factory(admin, unique)
