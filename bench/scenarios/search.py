"""Scenario 4: full-text search, two words over the 200,000 requests, the 50 best ranked, as
an agent (public text and internal notes), in process, beside its floor: the same ranked ids
by raw SQL (SQLite FTS5 bm25 / PostgreSQL ts_rank over the GIN-indexed expression)."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from bench.common import Target, ratio, summary_ms, timed_async, timed_sync

QUERY = """query Search($words: String!) {
  requests(filter: { search: $words }, first: 50) {
    nodes { reference summary status createdAt }
  }
}"""
WORDS = ["printer error", "invoice refund", "sso mfa", "vpn timeout", "laptop battery"]


def floor_sql(kind: str) -> str:
    if kind == "sqlite":
        return (
            "SELECT r.reference, r.summary, r.status, r.created_at FROM request_search_fts f "
            "JOIN requests r ON r.id = f.rowid WHERE request_search_fts MATCH ? "
            "ORDER BY bm25(request_search_fts), r.id LIMIT 50"
        )
    return (
        "SELECT r.reference, r.summary, r.status, r.created_at FROM request_search_documents d "
        "JOIN requests r ON r.id = d.request_id "
        "WHERE to_tsvector('simple', d.public_text || ' ' || d.internal_text) "
        "@@ to_tsquery('simple', %s) ORDER BY -ts_rank(to_tsvector('simple', "
        "d.public_text || ' ' || d.internal_text), to_tsquery('simple', %s)), r.id LIMIT 50"
    )


def _floor_params(kind: str, words: str) -> tuple[Any, ...]:
    parts = words.split()
    if kind == "sqlite":
        return (" AND ".join(f'"{w}"*' for w in parts),)
    query = " & ".join(f"({w}:*)" for w in parts)
    return (query, query)


def run(target: Target, *, iterations: int, warmup: int, **_: Any) -> dict[str, Any]:
    from bench.inproc import InProcess

    conn = target.connect()
    sql = floor_sql(target.kind)
    words = itertools.cycle(WORDS)

    def floor_once() -> list[Any]:
        cur = conn.cursor()
        cur.execute(sql, _floor_params(target.kind, next(words)))
        return cur.fetchall()

    counts = {w: len(floor_once()) for w in WORDS}
    floor = summary_ms(timed_sync(floor_once, iterations, warmup))

    async def inproc() -> dict[str, Any]:
        app = InProcess(target)
        try:
            found = {}
            for w in WORDS:
                data = await app.execute(QUERY, {"words": w})
                found[w] = len(data["requests"]["nodes"])
            statements = await app.count_statements(QUERY, {"words": WORDS[0]})
            samples = await timed_async(
                lambda: app.execute(QUERY, {"words": next(words)}), iterations, warmup
            )
            return {**summary_ms(samples), "statements": len(statements), "rows": found}
        finally:
            await app.close()

    result = asyncio.run(inproc())
    result["ratio_to_floor"] = ratio(result["median_ms"], floor["median_ms"])
    return {"query": QUERY, "words": WORDS, "floor_rows": counts, "floor": floor, "inproc": result}
