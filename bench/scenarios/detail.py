"""Scenario 2: the detail of the request with 100 comments and 100 timeline events, in process,
beside its floor (the same rows by raw SQL)."""

from __future__ import annotations

import asyncio
from typing import Any

from bench.common import Target, ratio, summary_ms, timed_async, timed_sync

QUERY = """query Detail($reference: String!) {
  request(reference: $reference) {
    reference summary description status createdAt updatedAt
    priority { key name }
    reporter { displayName email }
    assignee { displayName }
    requestType { name }
    fields { key label value }
    comments(first: 100) {
      totalCount
      nodes { body internal createdAt author { displayName } }
    }
    timeline(first: 100) {
      totalCount
      nodes {
        kind createdAt
        actor { displayName }
        ... on CommentAddedEvent { comment { body } }
      }
    }
  }
}"""


def detail_reference(target: Target) -> str:
    """The request with the most comments (the generator gives one exactly 100)."""
    from bench.generate import DETAIL_COMMENTS

    conn = target.connect()
    try:
        row = conn.execute(
            "SELECT r.reference FROM requests r WHERE (SELECT count(*) FROM comments c "
            f"WHERE c.request_id = r.id) = {DETAIL_COMMENTS} AND (SELECT count(*) FROM "
            f"timeline_events e WHERE e.request_id = r.id) = {DETAIL_COMMENTS} "
            "ORDER BY r.id LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    if row is None:
        raise SystemExit("no request with 100 comments and events: run bench.generate")
    return str(row[0])


def floor_queries(kind: str) -> tuple[str, str]:
    p = "?" if kind == "sqlite" else "%s"
    return (
        "SELECT r.id, r.reference, r.summary, r.description, r.status, r.priority_key, "
        "r.field_values, r.created_at, r.updated_at, u.display_name, u.email, a.display_name, "
        "t.name, v.fields FROM requests r JOIN users u ON u.id = r.reporter_id "
        "LEFT JOIN users a ON a.id = r.assignee_id JOIN request_types t "
        "ON t.id = r.request_type_id JOIN form_versions v ON v.id = r.form_version_id "
        f"WHERE r.number = {p}",
        "SELECT c.body, c.internal, c.created_at, u.display_name FROM comments c JOIN users u "
        f"ON u.id = c.author_id WHERE c.request_id = {p} ORDER BY c.id LIMIT 100",
    )


def _floor(target: Target) -> Any:
    conn = target.connect()
    p = "?" if target.kind == "sqlite" else "%s"
    comment_id = (
        "json_extract(e.data, '$.commentId')"
        if target.kind == "sqlite"
        else "(e.data->>'commentId')::int"
    )
    request_sql, comments_sql = floor_queries(target.kind)
    events_sql = (
        "SELECT e.kind, e.created_at, e.data, u.display_name, c.body FROM timeline_events e "
        "LEFT JOIN users u ON u.id = e.actor_id LEFT JOIN comments c "
        f"ON e.kind = 'COMMENTED' AND c.id = {comment_id} "
        f"WHERE e.request_id = {p} ORDER BY e.id LIMIT 100"
    )

    def once(number: int) -> tuple[Any, ...]:
        cur = conn.cursor()
        cur.execute(request_sql, (number,))
        request = cur.fetchone()
        cur.execute(comments_sql, (request[0],))
        comments = cur.fetchall()
        cur.execute(events_sql, (request[0],))
        events = cur.fetchall()
        return request, comments, events

    return once


async def _inproc(target: Target, reference: str, iterations: int, warmup: int) -> dict[str, Any]:
    from bench.inproc import InProcess

    app = InProcess(target)
    try:
        data = (await app.execute(QUERY, {"reference": reference}))["request"]
        statements = await app.count_statements(QUERY, {"reference": reference})
        samples = await timed_async(
            lambda: app.execute(QUERY, {"reference": reference}), iterations, warmup
        )
        return {
            **summary_ms(samples),
            "statements": len(statements),
            "comments": len(data["comments"]["nodes"]),
            "events": len(data["timeline"]["nodes"]),
        }
    finally:
        await app.close()


def run(target: Target, *, iterations: int, warmup: int, **_: Any) -> dict[str, Any]:
    reference = detail_reference(target)
    number = int(reference.split("-")[1])
    once = _floor(target)
    _, comments, events = once(number)
    assert len(comments) == 100 and len(events) == 100, (len(comments), len(events))
    floor = summary_ms(timed_sync(lambda: once(number), iterations, warmup))
    inproc = asyncio.run(_inproc(target, reference, iterations, warmup))
    assert inproc["comments"] == 100 and inproc["events"] == 100, inproc
    inproc["ratio_to_floor"] = ratio(inproc["median_ms"], floor["median_ms"])
    return {"query": QUERY, "reference": reference, "floor": floor, "inproc": inproc}
