"""Scenario 3: `requestSubmit` with a 10-field form over HTTP at concurrency 8 (wrk), with one
worker process and with one per core (as deployed: `frontdesk serve --workers N`, Redis as
the live-updates broker when it is reachable), beside its floor: the same rows (counter,
request, first timeline event, search document) written by raw SQL in one transaction each,
sequentially, with the synchronous driver."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import Any

from bench.common import BENCH_DIR, BENCH_TOKEN, SUBMIT_TYPE_NAME, Target, ratio, summary_ms

MUTATION = """mutation Submit($input: RequestSubmitInput!) {
  requestSubmit(input: $input) {
    request { reference status priority { key } }
    userErrors { field code message }
  }
}"""
FIELDS = [
    {"key": "employee", "value": "Jamie Doe"},
    {"key": "notes", "value": "Starts in the Berlin office, needs the usual accounts."},
    {"key": "desks", "value": 1},
    {"key": "start", "value": "2026-12-01"},
    {"key": "office", "value": "ber"},
    {"key": "apps", "value": ["mail", "vpn"]},
    {"key": "laptop", "value": True},
    {"key": "manager", "value": "manager@example.com"},
    {"key": "profile", "value": "https://example.com/p/jamie"},
    {"key": "meeting", "value": "2026-12-01T09:00:00+00:00"},
]


def submit_body(target: Target) -> dict[str, Any]:
    from backend.domain.global_ids import encode

    conn = target.connect()
    p = "?" if target.kind == "sqlite" else "%s"
    try:
        cur = conn.cursor()
        cur.execute(f"SELECT id FROM request_types WHERE name = {p}", (SUBMIT_TYPE_NAME,))
        type_id = cur.fetchone()[0]
    finally:
        conn.close()
    return {
        "query": MUTATION,
        "variables": {
            "input": {
                "requestTypeId": encode("RequestType", type_id),
                "organisationId": encode("Organisation", 1),
                "summary": "New starter: laptop, accounts and a desk",
                "description": "Please prepare everything for the first day.",
                "fields": FIELDS,
                "visibility": "ORGANISATION",
            }
        },
    }


def _floor(target: Target, iterations: int) -> dict[str, Any]:
    """Sequential transactions writing what a submission writes, by raw SQL."""
    import time

    conn = target.connect()
    kind = target.kind
    p = "?" if kind == "sqlite" else "%s"
    values = json.dumps({f["key"]: f["value"] for f in FIELDS})
    cur = conn.cursor()
    cur.execute(
        f"SELECT t.id, v.id, t.team_id FROM request_types t JOIN form_versions v ON "
        f"v.request_type_id = t.id AND v.version = t.form_version WHERE t.name = {p}",
        (SUBMIT_TYPE_NAME,),
    )
    type_id, version_id, team_id = cur.fetchone()
    samples = []
    for _ in range(iterations):
        now = datetime.now(UTC)
        stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f") if kind == "sqlite" else now
        start = time.perf_counter()
        cur.execute("BEGIN IMMEDIATE" if kind == "sqlite" else "BEGIN")
        cur.execute("UPDATE counters SET value = value + 1 WHERE name = 'request' RETURNING value")
        number = cur.fetchone()[0]
        cur.execute(
            "INSERT INTO requests (number, reference, request_type_id, form_version_id, "
            "organisation_id, reporter_id, created_by_id, summary, description, field_values, "
            "priority_key, priority_rank, status, visibility, team_id, created_at, updated_at) "
            f"VALUES ({p}, {p}, {p}, {p}, 1, 1, 1, {p}, {p}, {p}, 'P3', 3, "
            f"'WAITING_FOR_SUPPORT', 'ORGANISATION', {p}, {p}, {p}) RETURNING id",
            (
                number,
                f"FD-{number}",
                type_id,
                version_id,
                "New starter",
                "Please prepare",
                values,
                team_id,
                stamp,
                stamp,
            ),
        )
        request_id = cur.fetchone()[0]
        cur.execute(
            "INSERT INTO timeline_events (request_id, kind, actor_id, data, internal, "
            f"created_at) VALUES ({p}, 'CREATED', 1, {p}, {p}, {p})",
            (request_id, json.dumps({"reference": f"FD-{number}"}), False, stamp),
        )
        cur.execute(
            "INSERT INTO request_search_documents (request_id, public_text, internal_text) "
            f"VALUES ({p}, {p}, '')",
            (request_id, f"FD-{number}\nNew starter\nPlease prepare\nJamie Doe"),
        )
        cur.execute("COMMIT")
        samples.append(time.perf_counter() - start)
    conn.close()
    return summary_ms(samples)


def run(
    target: Target, *, iterations: int, seconds: float, http_warmup: float, **_: Any
) -> dict[str, Any]:
    from bench.server import (
        frontdesk_server,
        post_json,
        redis_reachable,
        rss_mib,
        write_bodies,
        wrk,
    )

    body = submit_body(target)
    bodies_file = write_bodies(BENCH_DIR / "data" / "submit-bodies.jsonl", [body])

    def load(workers: int) -> dict[str, Any]:
        log = BENCH_DIR / "data" / f"server-{target.label}-submit-w{workers}.log"
        env = {}
        if workers > 1 and redis_reachable():
            # As deployed with several workers: live updates go through Redis.
            env["FRONTDESK_REDIS_URL"] = "redis://127.0.0.1:6379/0"
        args = ("--workers", str(workers))
        with frontdesk_server(target, env, log=log, args=args) as (url, pid):
            graphql = f"{url}/graphql"
            answer = post_json(graphql, body, BENCH_TOKEN)
            payload = answer["data"]["requestSubmit"]
            assert not payload["userErrors"] and payload["request"], answer
            wrk(graphql, bodies_file, BENCH_TOKEN, connections=8, seconds=http_warmup)
            result = wrk(
                graphql, bodies_file, BENCH_TOKEN, connections=8, seconds=seconds, server_pid=pid
            )
            result["rss_after_mib"] = rss_mib(pid)
            return {**result, "workers": workers, "redis": "FRONTDESK_REDIS_URL" in env}

    one = load(1)
    # One worker process per core, as the portal is deployed (README: --workers).
    per_core = load(os.cpu_count() or 1) if (os.cpu_count() or 1) > 1 else None
    floor = _floor(target, iterations)
    floor_rps = 1000 / floor["median_ms"]
    return {
        "query": MUTATION,
        "fields": len(FIELDS),
        "http_c8": one,
        "http_c8_workers": per_core,
        "floor": {**floor, "rps": round(floor_rps, 1)},
        "ratio_to_floor_rps": ratio(one["rps"], floor_rps),
    }
