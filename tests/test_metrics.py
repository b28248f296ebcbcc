"""Prometheus metrics at /metrics (FRONTDESK_METRICS_ENABLED, here with a bearer token):
requests by route template, method and status; latencies; GraphQL errors by code; open
WebSockets and subscriptions, followed through a real graphql-transport-ws subscription.
Off by default. Every scrape reads the real endpoint of a real server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from backend.app import create_app
from backend.domain.global_ids import decode
from tests.conftest import start_server, stop_server
from tests.support.live import Http, Timeline, add_request_type, connect, wait_live
from tests.support.server import LiveServer

TOKEN = "metrics-secret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture(scope="module")
def metered(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live, pg_url = start_server(
        backend, tmp_path_factory, metrics_enabled=True, metrics_token=TOKEN
    )
    yield live
    stop_server(live, pg_url)


def scrape(live: LiveServer) -> Samples:
    response = httpx.get(f"{live.url}/metrics", headers=AUTH, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def wait_for(live: LiveServer, name: str, expected: float) -> None:
    """Gauges change in the server's own time (a WebSocket closing); poll until they do."""
    deadline = time.monotonic() + 10
    while (current := value(scrape(live), name)) != expected:
        assert time.monotonic() < deadline, f"{name} is {current}, expected {expected}"
        time.sleep(0.05)


def graphql(live: LiveServer, query: str) -> httpx.Response:
    return httpx.post(f"{live.url}/graphql", json={"query": query}, timeout=30)


def test_a_token_is_required_when_configured(metered: LiveServer) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        response = httpx.get(f"{metered.url}/metrics", headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert "frontdesk_" not in response.text
    assert httpx.get(f"{metered.url}/metrics", headers=AUTH).status_code == 200


def test_requests_and_latencies_are_counted_by_route_template(metered: LiveServer) -> None:
    before = scrape(metered)
    for _ in range(3):
        assert graphql(metered, "{ __typename }").status_code == 200
    for attachment in ("QXR0YWNobWVudDox", "nope", "QXR0YWNobWVudDoy"):
        assert httpx.get(f"{metered.url}/files/{attachment}").status_code == 401
    after = scrape(metered)

    ok = {"route": "/graphql", "method": "POST", "status": "200"}
    assert value(after, "frontdesk_http_requests_total", **ok) - value(
        before, "frontdesk_http_requests_total", **ok
    ) == pytest.approx(3)
    latency = {"route": "/graphql", "method": "POST"}
    count = "frontdesk_http_request_duration_seconds_count"
    assert value(after, count, **latency) - value(before, count, **latency) == pytest.approx(3)
    # Every request falls in the +Inf bucket; the sum is a duration, not a count.
    bucket = "frontdesk_http_request_duration_seconds_bucket"
    assert value(after, bucket, **latency, le="+Inf") == value(after, count, **latency)
    assert value(after, "frontdesk_http_request_duration_seconds_sum", **latency) > 0
    # Three different file IDs are one series: labels carry the template, never the path.
    files = {"route": "/files/{id}", "method": "GET", "status": "401"}
    assert value(after, "frontdesk_http_requests_total", **files) - value(
        before, "frontdesk_http_requests_total", **files
    ) == pytest.approx(3)
    assert not any("nope" in str(labels) for _, labels in after)


def test_graphql_errors_are_counted_by_code(metered: LiveServer) -> None:
    name = "frontdesk_graphql_errors_total"
    before = scrape(metered)
    graphql(metered, "{ noSuchField }")
    graphql(metered, "{ noSuchField }")
    graphql(metered, "{ __typename")  # a syntax error
    after = scrape(metered)
    for code, expected in (("GRAPHQL_VALIDATION_FAILED", 2), ("GRAPHQL_PARSE_FAILED", 1)):
        assert value(after, name, code=code) - value(before, name, code=code) == expected


async def test_the_subscription_gauge_follows_a_real_subscription(metered: LiveServer) -> None:
    subscriptions = "frontdesk_graphql_subscriptions_open"
    sockets = "frontdesk_websocket_connections_open"
    await asyncio.to_thread(wait_for, metered, subscriptions, 0)
    async with Http(metered.url) as alice:
        await alice.login("alice@acme.example")
        request_type = await asyncio.to_thread(add_request_type, metered.settings)
        request = await alice.raise_request(request_type, await alice.org_id("Acme Exams"))
        rid, pk = request["id"], decode(request["id"])[1]
        async with connect(metered.url, cookie=alice.session_cookie) as session:
            await asyncio.to_thread(wait_for, metered, sockets, 1)
            first, second = Timeline(session, rid), Timeline(session, rid)
            await wait_live(metered, pk, first, second)
            await asyncio.to_thread(wait_for, metered, subscriptions, 2)
            await first.close()  # `complete` from the client
            await asyncio.to_thread(wait_for, metered, subscriptions, 1)
            await alice.comment(rid, "still counted")
            assert (await second.next())["kind"] == "COMMENTED"
        # Leaving the connection ends the other subscription and the socket.
        await asyncio.to_thread(wait_for, metered, subscriptions, 0)
        await asyncio.to_thread(wait_for, metered, sockets, 0)


def test_off_by_default(server: LiveServer) -> None:
    assert server.settings.metrics_enabled is False
    response = httpx.get(f"{server.url}/metrics", headers=AUTH)
    assert "frontdesk_http_requests" not in response.text
    assert server.app.state.metrics is None


def test_each_app_has_its_own_registry(metered: LiveServer) -> None:
    """Several apps in one process (tests, or an embedding host) must not collide in
    prometheus_client's global registry."""
    one, two = create_app(metered.settings), create_app(metered.settings)
    try:
        assert one.state.metrics.registry is not two.state.metrics.registry
        assert one.state.metrics.registry is not metered.app.state.metrics.registry
    finally:
        for app in (one, two):
            asyncio.run(app.state.db.dispose())
