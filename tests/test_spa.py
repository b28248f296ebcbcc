"""The built SPA at `/`: client routes get index.html (never cached), hashed assets are cached
for a year, missing files are 404, and no backend path is ever shadowed by the catch-all.

A server per backend (SQLite and PostgreSQL) serves a fake build from a temporary directory;
one more serves a directory without a build.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from backend.spa import IMMUTABLE, NO_CACHE
from tests.conftest import start_server, stop_server
from tests.support.server import LiveServer

INDEX = "<!doctype html><html><body><div id=root></div>fake-spa-index</body></html>"
ASSET = "console.log('fake asset');"
ASSET_PATH = "/assets/index-AbC123.js"


@pytest.fixture(scope="module")
def spa_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("spa")
    (root / "index.html").write_text(INDEX)
    (root / "assets").mkdir()
    (root / ASSET_PATH.lstrip("/")).write_text(ASSET)
    (root / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (root / ".env").write_text("SECRET=1")  # dotfiles are never served
    return root


@pytest.fixture(scope="module")
def spa_server(
    backend: str, spa_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    live, pg_url = start_server(backend, tmp_path_factory, demo=False, spa_dir=spa_dir)
    yield live
    stop_server(live, pg_url)


def get(server: LiveServer, path: str, **kw: object) -> httpx.Response:
    return httpx.get(f"{server.url}{path}", timeout=30, follow_redirects=False, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "path", ["/", "/login", "/requests", "/requests/UmVxdWVzdDox", "/create/abc?x=1", "/a/b/c"]
)
def test_client_routes_get_index_without_caching(spa_server: LiveServer, path: str) -> None:
    response = get(spa_server, path)
    assert response.status_code == 200
    assert "fake-spa-index" in response.text
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == NO_CACHE


def test_hashed_assets_are_cached_for_a_year(spa_server: LiveServer) -> None:
    response = get(spa_server, ASSET_PATH)
    assert response.status_code == 200
    assert response.text == ASSET
    assert "javascript" in response.headers["content-type"]
    assert response.headers["cache-control"] == IMMUTABLE
    # Revalidation works (FileResponse sends an ETag).
    again = get(spa_server, ASSET_PATH, headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


def test_other_files_are_revalidated(spa_server: LiveServer) -> None:
    response = get(spa_server, "/favicon.svg")
    assert response.status_code == 200
    assert response.headers["cache-control"] == NO_CACHE


@pytest.mark.parametrize(
    "path",
    ["/assets/missing-123.js", "/missing.css", "/assets/", "/.env", "/assets/../.env"],
)
def test_missing_files_are_404_not_index(spa_server: LiveServer, path: str) -> None:
    response = get(spa_server, path)
    assert response.status_code == 404
    assert "fake-spa-index" not in response.text
    assert "SECRET" not in response.text


def test_head_of_a_client_route(spa_server: LiveServer) -> None:
    response = httpx.head(f"{spa_server.url}/requests", timeout=30)
    assert response.status_code == 200
    assert response.headers["cache-control"] == NO_CACHE


def test_backend_routes_are_not_shadowed(spa_server: LiveServer) -> None:
    health = get(spa_server, "/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"

    query = httpx.post(spa_server.graphql_url, json={"query": "{ __typename }"}, timeout=30).json()
    assert query == {"data": {"__typename": "Query"}}

    # Downloads answer from the download endpoint (signed out: 401), never from the SPA.
    files = get(spa_server, "/files/QXR0YWNobWVudDo5OTk5OTk=")
    assert files.status_code == 401
    assert "fake-spa-index" not in files.text


@pytest.mark.parametrize(
    "path", ["/graphql/", "/graphql/extra", "/files/", "/files/a/b", "/healthz/x", "/metrics"]
)
def test_backend_prefixes_never_get_the_spa(spa_server: LiveServer, path: str) -> None:
    response = get(spa_server, path)
    assert response.status_code in (307, 404), response.status_code
    assert "fake-spa-index" not in response.text


def test_only_get_and_head(spa_server: LiveServer) -> None:
    response = httpx.post(f"{spa_server.url}/requests", content=b"x", timeout=30)
    assert response.status_code == 405


def test_without_a_build_pages_explain_how_to_build(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    empty = tmp_path_factory.mktemp("no-spa")
    live, pg_url = start_server("sqlite", tmp_path_factory, demo=False, spa_dir=empty)
    try:
        response = get(live, "/requests")
        assert response.status_code == 503
        assert "not built" in response.text
        assert "scripts/setup-frontend" in response.text
        assert response.headers["cache-control"] == NO_CACHE
        assert get(live, "/healthz").status_code == 200
    finally:
        stop_server(live, pg_url)
