"""GraphiQL is served in development mode only."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import start_server, stop_server
from tests.support.server import LiveServer

HTML = {"Accept": "text/html"}


def test_no_graphiql_outside_development(server: LiveServer) -> None:
    assert server.settings.env != "development"
    response = httpx.get(server.graphql_url, headers=HTML)
    assert "graphiql" not in response.text.lower()
    assert response.status_code >= 400


def test_graphiql_in_development(backend: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    live, pg_url = start_server(backend, tmp_path_factory, demo=False, env="development")
    try:
        response = httpx.get(live.graphql_url, headers=HTML)
        assert response.status_code == 200
        assert "graphiql" in response.text.lower()
    finally:
        stop_server(live, pg_url)
