"""Render the latest bench/results/*.json into BENCHMARKS.md (between the results markers).

python -m bench.report [--date 2026-11-22]
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from bench.common import BENCH_DIR, RESULTS_DIR

BENCHMARKS = BENCH_DIR.parent / "BENCHMARKS.md"
START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"


def latest(date: str | None) -> dict[tuple[str, str], dict[str, Any]]:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for path in sorted(RESULTS_DIR.glob("*.json")):
        if date and not path.name.startswith(date):
            continue
        doc = json.loads(path.read_text())
        key = (doc["db"], doc["scenario"])
        if key not in found or doc["at"] >= found[key]["at"]:
            found[key] = doc
    return found


def _f(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _ratio(a: Any, b: Any) -> str:
    try:
        return f"{a / b:.2f}"
    except (TypeError, ZeroDivisionError):
        return "-"


def render(found: dict[tuple[str, str], dict[str, Any]]) -> str:
    out: list[str] = []
    any_doc = next(iter(found.values()), None)
    if any_doc is None:
        return "No results yet: run `python -m bench.run`.\n"
    machine = any_doc["machine"]
    dates = sorted({d["at"][:16] for d in found.values()})
    out.append(
        f"Measured {dates[0]}-{dates[-1]} UTC on {machine['cpus']} x {machine['cpu_model']}, "
        f"{machine['memory_gib']} GiB, Linux {machine['kernel']}, Python {machine['python']}, "
        f"SQLite {machine['sqlite']}; commit {machine.get('git_commit', '?')}; load average at "
        f"start {', '.join(_f(x, 2) for x in machine['loadavg_at_start'])}.\n"
    )
    peers = found.get(("peers", "load"))
    peer_rps: dict[str, dict[str, float]] = {}
    if peers:
        out.append("### Peers (same session, ../shared/bench-peer, its own load script)\n")
        out.append("| peer | c=1 req/s | p50 ms | p99 ms | c=32 req/s | p50 ms | p99 ms |")
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for name, runs in peers.items():
            if not isinstance(runs, dict) or "c1" not in runs:
                continue
            c1, c32 = runs.get("c1", {}), runs.get("c32", {})
            peer_rps[name] = {"c1": c1.get("rps"), "c32": c32.get("rps")}
            out.append(
                f"| {name} | {_f(c1.get('rps'))} | {_f(c1.get('p50_ms'), 2)} | "
                f"{_f(c1.get('p99_ms'), 2)} | {_f(c32.get('rps'))} | {_f(c32.get('p50_ms'), 2)} "
                f"| {_f(c32.get('p99_ms'), 2)} |"
            )
        out.append("")

    out.append("### 1. Overview (50 newest open requests of an organisation, rotating over 20)\n")
    out.append(
        "| db | in-process median / p99 ms | raw SQL floor median ms | ratio (target <= 6) | "
        "SQL statements (page 5 / 50 / 100; target <= 6) |"
    )
    out.append("| --- | ---: | ---: | ---: | --- |")
    for db in ("sqlite", "pg"):
        doc = found.get((db, "overview"))
        if not doc or "inproc" not in doc:
            continue
        i, f = doc["inproc"], doc["floor"]
        counts = doc.get("statements_by_page_size", {})
        out.append(
            f"| {db} | {_f(i['median_ms'], 2)} / {_f(i['p99_ms'], 2)} | {_f(f['median_ms'], 3)} "
            f"| {_f(i.get('ratio_to_floor'), 1)} | "
            f"{' / '.join(str(counts.get(k, '-')) for k in ('5', '50', '100'))} |"
        )
    out.append("")
    out.append(
        "| db | c=1 req/s | p50 / p99 ms | c=32 req/s | p50 / p99 ms | c32 / c1 (>= 0.9) | "
        "p99 / p50 at c=1 (<= 3) | / naive c=1 (>= 3) | / PostGraphile c=1 (>= 0.3) | "
        "server CPU ms/req c=1 |"
    )
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for db in ("sqlite", "pg"):
        doc = found.get((db, "overview"))
        if not doc or "http" not in doc:
            continue
        h = doc["http"]
        c1, c32 = h.get("c1", {}), h.get("c32", {})
        naive = peer_rps.get(f"naive-{db}", {}).get("c1")
        graphile = peer_rps.get("postgraphile-pg", {}).get("c1")
        out.append(
            f"| {db} | {_f(c1.get('rps'))} | {_f(c1.get('p50_ms'), 2)} / {_f(c1.get('p99_ms'), 2)}"
            f" | {_f(c32.get('rps'))} | {_f(c32.get('p50_ms'), 1)} / {_f(c32.get('p99_ms'), 1)} "
            f"| {_f(h.get('c32_over_c1'), 2)} | {_f(c1.get('p99_over_p50'), 2)} | "
            f"{_ratio(c1.get('rps'), naive)} | {_ratio(c1.get('rps'), graphile)} | "
            f"{_f(c1.get('server_cpu_ms_per_request'), 2)} |"
        )
    out.append("")

    out.append("### 2-4. Detail, submit, search\n")
    out.append("| db | scenario | median / p99 ms | floor median ms | ratio | other |")
    out.append("| --- | --- | ---: | ---: | ---: | --- |")
    for db in ("sqlite", "pg"):
        d = found.get((db, "detail"))
        if d:
            i = d["inproc"]
            out.append(
                f"| {db} | detail (100 comments + 100 events), in process | "
                f"{_f(i['median_ms'], 2)} / {_f(i['p99_ms'], 2)} | {_f(d['floor']['median_ms'], 3)}"
                f" | {_f(i.get('ratio_to_floor'))} | {i['statements']} statements |"
            )
        s = found.get((db, "submit"))
        if s:
            h = s["http_c8"]
            out.append(
                f"| {db} | requestSubmit, 10 fields, HTTP c=8 | {_f(h['p50_ms'], 1)} / "
                f"{_f(h['p99_ms'], 1)} | {_f(s['floor']['median_ms'], 3)} | "
                f"{_f(s.get('ratio_to_floor_rps'), 2)} of floor req/s | **{_f(h['rps'])} req/s** "
                f"(one worker; target >= 300; floor {_f(s['floor']['rps'])}/s, one connection) |"
            )
            w = s.get("http_c8_workers")
            if w:
                label = f"{w['workers']} workers" + (", Redis broker" if w.get("redis") else "")
                out.append(
                    f"| {db} | requestSubmit, 10 fields, HTTP c=8, {label} | "
                    f"{_f(w['p50_ms'], 1)} / {_f(w['p99_ms'], 1)} | | | **{_f(w['rps'])} req/s** "
                    f"({_f(w.get('server_cpu_ms_per_request'), 2)} ms CPU per request) |"
                )
        q = found.get((db, "search"))
        if q:
            i = q["inproc"]
            out.append(
                f"| {db} | search, 2 words, 50 best ranked, in process | "
                f"**{_f(i['median_ms'], 1)}** / {_f(i['p99_ms'], 1)} | "
                f"{_f(q['floor']['median_ms'], 2)} | "
                f"{_f(i.get('ratio_to_floor'), 2)} | target p50 <= 15 ms; matches per pair: "
                f"see JSON |"
            )
    out.append("")

    out.append("### 5-6. Live updates and memory\n")
    out.append(
        "| db | subscribers | delivered | p50 / p99 / max ms from send (target p99 <= 250) | "
        "RSS idle / during overview c=32 / holding subscribers MiB (target <= 300) |"
    )
    out.append("| --- | ---: | ---: | ---: | ---: |")
    for db in ("sqlite", "pg"):
        live, mem = found.get((db, "live")), found.get((db, "memory"), {})
        if not live:
            continue
        lat = live["latency_from_send"]
        holding = next(
            (v for k, v in mem.items() if k.startswith("rss_holding")), live.get("rss_holding_mib")
        )
        out.append(
            f"| {db} | {live['subscribers']} | {live['delivered']} / {live['expected']} | "
            f"{_f(lat.get('p50_ms'))} / {_f(lat.get('p99_ms'))} / {_f(lat.get('max_ms'))} | "
            f"{_f(mem.get('rss_idle_mib', live.get('rss_idle_mib')))} / "
            f"{_f(mem.get('rss_during_overview_c32_mib'))} / {_f(holding)} |"
        )
    out.append("")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--date", help="only results of this day (YYYY-MM-DD)")
    args = parser.parse_args()
    table = render(latest(args.date))
    text = BENCHMARKS.read_text() if BENCHMARKS.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    if START not in text:
        text += f"\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    BENCHMARKS.write_text(f"{head}{START}\n{table}\n{END}{tail}")
    print(f"updated {BENCHMARKS}")


if __name__ == "__main__":
    main()
