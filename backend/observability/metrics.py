"""Prometheus metrics, one registry per app (several apps may run in one process, as in the
tests): HTTP requests and latencies, GraphQL errors by code, open WebSockets and
subscriptions. Served at /metrics when FRONTDESK_METRICS_ENABLED is true.

With `frontdesk serve --workers N` every worker process counts on its own and a scrape
reaches one of them: scrape each worker (one per port or container) for exact totals.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

# Anything else a client sends is counted as OTHER: labels must stay a small, fixed set.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "frontdesk_http_requests",
            "HTTP requests answered, by route template, method and status",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "frontdesk_http_request_duration_seconds",
            "Time from request to the end of the response, by route template and method",
            ["route", "method"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.graphql_errors = Counter(
            "frontdesk_graphql_errors",
            "GraphQL errors returned, by extensions.code",
            ["code"],
            registry=self.registry,
        )
        self.subscriptions = Gauge(
            "frontdesk_graphql_subscriptions_open",
            "GraphQL operations (subscriptions) running over WebSocket",
            registry=self.registry,
        )
        self.websockets = Gauge(
            "frontdesk_websocket_connections_open",
            "Open graphql-transport-ws connections",
            registry=self.registry,
        )
        # Label lookups take a lock and build tuples; the hot path reuses the children.
        self._request_children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}
        self._error_children: dict[str, Counter] = {}

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        if method not in _METHODS:
            method = "OTHER"
        key = (route, method, status)
        children = self._request_children.get(key)
        if children is None:
            children = self._request_children[key] = (
                self.requests.labels(route, method, str(status)),
                self.latency.labels(route, method),
            )
        children[0].inc()
        children[1].observe(seconds)

    def count_graphql_error(self, code: str) -> None:
        child = self._error_children.get(code)
        if child is None:
            child = self._error_children[code] = self.graphql_errors.labels(code)
        child.inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def metrics_endpoint(
    metrics: Metrics, token: str | None
) -> Callable[[Request], Awaitable[Response]]:
    expected = f"Bearer {token}".encode() if token else None

    async def endpoint(request: Request) -> Response:
        if expected is not None:
            given = request.headers.get("authorization", "").encode()
            if not hmac.compare_digest(given, expected):
                return JSONResponse(
                    {"error": "A valid `Authorization: Bearer <metrics token>` is required."},
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return endpoint
