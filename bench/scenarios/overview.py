"""Scenario 1: the requests overview of one organisation (50 newest open requests with
reporter, request type and the first 3 comments), rotating over the 20 organisations, as an
agent. In process (schema.execute with a real Context), over HTTP (wrk, concurrency 1 and 32),
the SQL statement count, and the raw SQL floor: the same rows by the synchronous driver."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from bench.common import (
    BENCH_DIR,
    BENCH_TOKEN,
    Target,
    ratio,
    summary_ms,
    timed_async,
    timed_sync,
)

QUERY = (BENCH_DIR / "queries" / "overview.graphql").read_text()
N_ORGS = 20
CLOSED = ("RESOLVED", "CLOSED", "CANCELLED")


def org_variables() -> list[dict[str, Any]]:
    from backend.domain.global_ids import encode

    return [{"org": encode("Organisation", i)} for i in range(1, N_ORGS + 1)]


# ---- the floor: the same rows by raw SQL, sequentially, as a hand-written endpoint would


def floor_sql(kind: str) -> tuple[str, ...]:
    p = "?" if kind == "sqlite" else "%s"
    closed = ",".join(f"'{s}'" for s in CLOSED)
    return (
        "SELECT id, reference, summary, status, priority_key, created_at, reporter_id, "
        f"request_type_id FROM requests WHERE organisation_id = {p} AND status NOT IN ({closed}) "
        "ORDER BY created_at DESC, id DESC LIMIT 50",
        "SELECT id, display_name, email FROM users WHERE id IN ({ids})",
        "SELECT id, name FROM request_types WHERE id IN ({ids})",
        "SELECT request_id, count(*) FROM comments WHERE request_id IN ({ids}) GROUP BY request_id",
        "SELECT request_id, id, body, created_at FROM (SELECT request_id, id, body, created_at, "
        "row_number() OVER (PARTITION BY request_id ORDER BY id) AS rn FROM comments "
        "WHERE request_id IN ({ids})) AS s WHERE rn <= 3 ORDER BY request_id, rn",
    )


class Floor:
    def __init__(self, target: Target) -> None:
        self.conn = target.connect()
        self.kind = target.kind
        self.sql = floor_sql(target.kind)
        self.orgs = itertools.cycle(range(1, N_ORGS + 1))

    def _ids(self, values: set[int]) -> str:
        return ",".join(str(int(v)) for v in sorted(values))  # integers from our own rows

    def once(self, org: int | None = None) -> dict[str, Any]:
        page_sql, users_sql, types_sql, counts_sql, first_sql = self.sql
        cur = self.conn.cursor()
        cur.execute(page_sql, (org or next(self.orgs),))
        page = cur.fetchall()
        request_ids = self._ids({r[0] for r in page})
        cur.execute(users_sql.format(ids=self._ids({r[6] for r in page})))
        users = cur.fetchall()
        cur.execute(types_sql.format(ids=self._ids({r[7] for r in page})))
        types = cur.fetchall()
        cur.execute(counts_sql.format(ids=request_ids))
        counts = cur.fetchall()
        cur.execute(first_sql.format(ids=request_ids))
        first = cur.fetchall()
        return {"page": page, "users": users, "types": types, "counts": counts, "first": first}


def floor(target: Target, iterations: int, warmup: int) -> dict[str, Any]:
    f = Floor(target)
    return summary_ms(timed_sync(f.once, iterations, warmup))


# ---- in process


# Blocks of in-process executions alternate with blocks of the floor: this virtual machine's
# speed moves by tens of percent within minutes, and the ratio must compare like with like.
_BLOCK = 10


async def inproc(target: Target, iterations: int, warmup: int) -> tuple[dict[str, Any], Any]:
    """(in-process figures, floor figures), measured interleaved in blocks."""
    from bench.inproc import InProcess

    app = InProcess(target)
    base = Floor(target)
    variables = itertools.cycle(org_variables())
    try:
        data = await app.execute(QUERY, next(variables))
        nodes = data["requests"]["nodes"]
        statements = await app.count_statements(QUERY, next(variables))

        async def once() -> None:
            await app.execute(QUERY, next(variables))

        await timed_async(once, 0, warmup)
        timed_sync(base.once, 0, warmup)
        samples: list[float] = []
        floor_samples: list[float] = []
        for start in range(0, iterations, _BLOCK):
            size = min(_BLOCK, iterations - start)
            floor_samples += timed_sync(base.once, size, 0)
            samples += await timed_async(once, size, 0)
        figures = {
            **summary_ms(samples),
            "statements": len(statements),
            "statement_sql": statements,
            "nodes": len(nodes),
            "comments_in_page": sum(len(n["comments"]["nodes"]) for n in nodes),
            "response_bytes": len(json.dumps({"data": data}, separators=(",", ":"))),
        }
        return figures, {**summary_ms(floor_samples), "interleaved_with_inproc": True}
    finally:
        base.conn.close()
        await app.close()


async def statement_counts(target: Target) -> dict[int, int]:
    """Statements per overview at page sizes 5, 50 and 100: must not grow with the page."""
    from bench.inproc import InProcess

    app = InProcess(target)
    org = org_variables()[0]
    try:
        out = {}
        for size in (5, 50, 100):
            query = QUERY.replace("first: 50", f"first: {size}")
            out[size] = len(await app.count_statements(query, org))
        return out
    finally:
        await app.close()


def check_shape(target: Target) -> dict[str, Any]:
    """Compare the GraphQL result with the floor's rows for every organisation (ids, order,
    comment totals and first comments): the two measure the same work."""
    import asyncio

    from bench.inproc import InProcess

    f = Floor(target)

    async def compare() -> dict[str, Any]:
        app = InProcess(target)
        try:
            sizes = []
            for org, variables in enumerate(org_variables(), start=1):
                data = await app.execute(QUERY, variables)
                rows = f.once(org)
                nodes = data["requests"]["nodes"]
                assert [n["reference"] for n in nodes] == [r[1] for r in rows["page"]], org
                totals = dict(rows["counts"])
                for node, row in zip(nodes, rows["page"], strict=True):
                    assert node["comments"]["totalCount"] == totals.get(row[0], 0), org
                    bodies = [c[2] for c in rows["first"] if c[0] == row[0]]
                    assert [c["body"] for c in node["comments"]["nodes"]] == bodies, org
                sizes.append(len(nodes))
            return {"organisations": len(sizes), "page_sizes": sorted(set(sizes))}
        finally:
            await app.close()

    return asyncio.run(compare())


# ---- over HTTP


def http(
    target: Target, seconds: float, warmup: float, connections: tuple[int, ...] = (1, 32)
) -> dict[str, Any]:
    from bench.server import frontdesk_server, post_json, rss_mib, write_bodies, wrk

    bodies = [{"query": QUERY, "variables": v} for v in org_variables()]
    bodies_file = write_bodies(BENCH_DIR / "data" / "overview-bodies.jsonl", bodies)
    log = BENCH_DIR / "data" / f"server-{target.label}-overview.log"
    results: dict[str, Any] = {}
    with frontdesk_server(target, log=log) as (url, pid):
        graphql = f"{url}/graphql"
        answer = post_json(graphql, bodies[0], BENCH_TOKEN)
        assert "errors" not in answer and len(answer["data"]["requests"]["nodes"]) > 0, answer
        results["rss_idle_mib"] = rss_mib(pid)
        for c in connections:
            wrk(graphql, bodies_file, BENCH_TOKEN, connections=c, seconds=warmup)
            samples: list[float] = []
            run = wrk(
                graphql,
                bodies_file,
                BENCH_TOKEN,
                connections=c,
                seconds=seconds,
                server_pid=pid,
                rss_samples=samples,
            )
            run["rss_max_mib"] = max(samples) if samples else rss_mib(pid)
            results[f"c{c}"] = run
    if "c1" in results and "c32" in results:
        results["c32_over_c1"] = ratio(results["c32"]["rps"], results["c1"]["rps"])
    for key in ("c1", "c32"):
        if key in results:
            results[key]["p99_over_p50"] = ratio(results[key]["p99_ms"], results[key]["p50_ms"])
    return results


def run(
    target: Target,
    *,
    iterations: int,
    warmup: int,
    seconds: float,
    http_warmup: float,
    modes: set[str],
) -> dict[str, Any]:
    import asyncio

    out: dict[str, Any] = {"query": QUERY}
    out["shape"] = check_shape(target)
    if "inproc" in modes:
        out["inproc"], out["floor"] = asyncio.run(inproc(target, iterations, warmup))
        out["inproc"]["ratio_to_floor"] = ratio(
            out["inproc"]["median_ms"], out["floor"]["median_ms"]
        )
        out["statements_by_page_size"] = asyncio.run(statement_counts(target))
    else:
        out["floor"] = floor(target, iterations, warmup)
    if "http" in modes:
        out["http"] = http(target, seconds, http_warmup)
        floor_rps = 1000 / out["floor"]["median_ms"]
        out["http"]["floor_rps"] = round(floor_rps, 1)
        for key in ("c1", "c32"):
            if key in out["http"]:
                out["http"][key]["ratio_to_floor_rps"] = ratio(out["http"][key]["rps"], floor_rps)
    return out


def write_query(path: Path) -> None:
    path.write_text(QUERY)
