"""Scenario 4: full-text search, two words over the 200,000 requests, the 50 best ranked, as
an agent (public text and internal notes), in process, beside its floor: the same ranked rows
by raw SQL (SQLite FTS5 bm25 / PostgreSQL ts_rank over the stored, GIN-indexed head vector).
The rows are also compared with the floor's, in order."""

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
    """The first page's rows by raw SQL: the head tier (requests whose own text matches),
    best ranked; see backend/domain/search.py."""
    if kind == "sqlite":
        return (
            "SELECT r.reference, r.summary, r.status, r.created_at FROM request_search_head_fts f "
            "JOIN requests r ON r.id = f.rowid WHERE request_search_head_fts MATCH ? "
            "ORDER BY bm25(request_search_head_fts), r.id LIMIT 50"
        )
    # Ranked first, then only the page's requests read (as the portal does for staff).
    return (
        "SELECT r.reference, r.summary, r.status, r.created_at FROM (SELECT request_id, "
        "-ts_rank(head_vector, to_tsquery('simple', %s)) AS rank FROM request_search_documents "
        "WHERE head_vector @@ to_tsquery('simple', %s) ORDER BY 2, 1 LIMIT 50) d "
        "JOIN requests r ON r.id = d.request_id ORDER BY d.rank, d.request_id"
    )


def _floor_params(kind: str, words: str) -> tuple[Any, ...]:
    # Whole words, the last one a prefix: the portal's query syntax.
    *whole, last = words.split()
    if kind == "sqlite":
        return (" AND ".join([*(f'"{w}"' for w in whole), f'"{last}"*']),)
    query = " & ".join([*whole, f"{last}:*"])
    return (query, query)


def run(target: Target, *, iterations: int, warmup: int, **_: Any) -> dict[str, Any]:
    from bench.inproc import InProcess

    conn = target.connect()
    sql = floor_sql(target.kind)
    words = itertools.cycle(WORDS)

    def floor_rows(w: str) -> list[Any]:
        cur = conn.cursor()
        cur.execute(sql, _floor_params(target.kind, w))
        return cur.fetchall()

    expected = {w: [row[0] for row in floor_rows(w)] for w in WORDS}
    counts = {w: len(refs) for w, refs in expected.items()}
    floor = summary_ms(timed_sync(lambda: floor_rows(next(words)), iterations, warmup))

    async def inproc() -> dict[str, Any]:
        app = InProcess(target)
        try:
            found = {}
            for w in WORDS:
                data = await app.execute(QUERY, {"words": w})
                refs = [node["reference"] for node in data["requests"]["nodes"]]
                if refs != expected[w]:
                    raise AssertionError(
                        f"search {w!r}: {refs[:5]}... != floor {expected[w][:5]}..."
                    )
                found[w] = len(refs)
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
