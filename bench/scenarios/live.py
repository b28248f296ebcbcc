"""Scenario 5 (and the memory part of 6): 1,000 graphql-transport-ws subscribers of one
request's timeline (bench/live_client.py, a separate process); the time from a comment's commit
until every subscriber has its CommentAddedEvent, and the server's RSS holding them.

The commit happens inside the `requestCommentAdd` HTTP call, so each delivery is timed from
just before the call was sent (an upper bound: `from_send`) and from its response (a lower
bound: `from_response`); the commit lies between."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

from bench.common import BENCH_DIR, BENCH_TOKEN, Target, percentile, summary_ms

COMMENT = """mutation($input: RequestCommentAddInput!) {
  requestCommentAdd(input: $input) { comment { id } userErrors { code message } }
}"""


def live_request(target: Target) -> int:
    """An old open request of the last organisation: never on an overview's first page."""
    conn = target.connect()
    try:
        row = conn.execute(
            "SELECT id FROM requests WHERE organisation_id = 20 AND status = "
            "'WAITING_FOR_SUPPORT' ORDER BY created_at, id LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    return int(row[0])


def run(
    target: Target, *, subscribers: int = 1000, events: int = 5, settle: float = 15, **_: Any
) -> dict[str, Any]:
    from backend.domain.global_ids import encode
    from bench.server import frontdesk_server, post_json, rss_mib

    request_id = encode("Request", live_request(target))
    log = BENCH_DIR / "data" / f"server-{target.label}-live.log"
    with frontdesk_server(target, log=log) as (url, pid):
        rss_idle = rss_mib(pid)
        client = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.live_client",
                url.replace("http", "ws") + "/graphql",
                BENCH_TOKEN,
                request_id,
                str(subscribers),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=BENCH_DIR.parent,
        )
        try:
            assert client.stdout is not None and client.stdin is not None
            started = time.monotonic()
            line = client.stdout.readline().strip()
            if line != "READY":
                raise RuntimeError(f"subscribers not ready: {line}")
            connect_seconds = round(time.monotonic() - started, 1)
            time.sleep(2)  # let every subscription reach the broker
            rss_holding = rss_mib(pid)
            sent: dict[str, tuple[float, float]] = {}
            for i in range(events):
                body = f"bench live event {i} {time.time_ns()}"
                t0 = time.monotonic()
                answer = post_json(
                    f"{url}/graphql",
                    {
                        "query": COMMENT,
                        "variables": {"input": {"requestId": request_id, "body": body}},
                    },
                    BENCH_TOKEN,
                )
                t1 = time.monotonic()
                assert not answer["data"]["requestCommentAdd"]["userErrors"], answer
                sent[body] = (t0, t1)
                time.sleep(1.5)
            time.sleep(settle)  # late deliveries still count (and show in the tail)
            rss_after = rss_mib(pid)
            client.stdin.write("DONE\n")
            client.stdin.flush()
            output = json.loads(client.stdout.readline())
        finally:
            if client.poll() is None:
                client.terminate()
                client.wait(timeout=10)
    received = output["received"]
    per_event = []
    from_send: list[float] = []
    from_response: list[float] = []
    for body, (t0, t1) in sent.items():
        times = received.get(body, [])
        from_send += [t - t0 for t in times]
        from_response += [t - t1 for t in times]
        per_event.append(
            {
                "delivered": len(times),
                "all_within_ms_from_send": round((max(times) - t0) * 1000, 1) if times else None,
                "http_call_ms": round((t1 - t0) * 1000, 1),
            }
        )
    return {
        "subscribers": output["subscribed"],
        "events": events,
        "connect_seconds": connect_seconds,
        "delivered": sum(len(v) for v in received.values()),
        "expected": subscribers * events,
        "latency_from_send": {
            **summary_ms(from_send),
            "p50_ms": round(percentile(from_send, 50) * 1000, 1),
        },
        "latency_from_response": summary_ms(from_response),
        "per_event": per_event,
        "rss_idle_mib": rss_idle,
        "rss_holding_mib": rss_holding,
        "rss_after_events_mib": rss_after,
    }
