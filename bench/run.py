"""Run benchmark scenarios and write bench/results/<date>-<db>-<scenario>.json.

    python -m bench.run --db sqlite --db pg --scenarios all --peers
    python -m bench.run --db sqlite --scenarios overview --seconds 5 --warmup 2 --iterations 100

Scenarios: overview (in process, statement counts, HTTP c=1 and c=32), detail, submit, search,
live (1,000 subscribers), memory (RSS idle, during the overview load, holding the
subscribers: taken from the overview and live runs of the same invocation). `--peers` also
runs ../shared/bench-peer's PostGraphile and naive-prototype servers with that harness's load
script (results as <date>-peers-load.json). Then `python -m bench.report` updates
BENCHMARKS.md. Generate the data first: `python -m bench.generate --db ... --scale 1.0`.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

from bench.common import Target, write_result

ALL = ("overview", "detail", "submit", "search", "live", "memory")


def _overview_memory(label: str) -> dict[str, Any]:
    """RSS figures of the newest overview result of this database (an earlier invocation)."""
    import json

    from bench.common import RESULTS_DIR

    for path in sorted(RESULTS_DIR.glob(f"*-{label}-overview.json"), reverse=True):
        http = json.loads(path.read_text()).get("http")
        if http:
            return {
                "rss_idle_mib": http["rss_idle_mib"],
                "rss_during_overview_c32_mib": http["c32"]["rss_max_mib"],
                "overview_from": path.name,
            }
    return {}


def settle(targets: list[Target]) -> None:
    """Write out what the generator (or anything before) left dirty: PostgreSQL's buffers
    (CHECKPOINT) and the kernel's page cache (sync). Otherwise the first scenarios' commits
    wait behind that writeback (seen: submit p99 over 2 s, right after generating)."""
    for target in targets:
        if target.kind == "postgresql":
            conn = target.connect()
            try:
                conn.execute("CHECKPOINT")
            finally:
                conn.close()
    os.sync()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db",
        action="append",
        default=[],
        help="sqlite, pg, sqlite:///path or postgresql://host/db (repeatable)",
    )
    parser.add_argument("--scenarios", default="all", help=f"comma list of {', '.join(ALL)}")
    parser.add_argument("--seconds", type=float, default=20, help="measured seconds per load run")
    parser.add_argument("--warmup", type=float, default=5, help="warm-up seconds per load run")
    parser.add_argument("--iterations", type=int, default=500, help="in-process iterations")
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--peers", action="store_true", help="also measure the peer harness")
    parser.add_argument("--no-http", action="store_true", help="overview in process only")
    args = parser.parse_args()
    wanted = ALL if args.scenarios == "all" else tuple(args.scenarios.split(","))
    started = time.monotonic()
    settle([Target.parse(url) for url in args.db or ["sqlite"]])
    if args.peers:
        from bench import peers

        print("peers: PostGraphile (pg), naive prototype (sqlite, pg)", flush=True)
        path = write_result("peers", "load", peers.run(int(args.seconds), int(args.warmup)))
        print(f"  -> {path}", flush=True)
    for url in args.db or ["sqlite"]:
        target = Target.parse(url)
        common: dict[str, Any] = {
            "iterations": args.iterations,
            "warmup": max(10, args.iterations // 10),
            "seconds": args.seconds,
            "http_warmup": args.warmup,
        }
        memory: dict[str, Any] = {}
        for scenario in wanted:
            if scenario == "memory":
                continue
            print(f"{target.label}: {scenario}", flush=True)
            if scenario == "overview":
                from bench.scenarios import overview

                modes = {"inproc"} if args.no_http else {"inproc", "http"}
                result = overview.run(target, modes=modes, **common)
                if "http" in result:
                    memory["rss_idle_mib"] = result["http"]["rss_idle_mib"]
                    memory["rss_during_overview_c32_mib"] = result["http"]["c32"]["rss_max_mib"]
            elif scenario == "detail":
                from bench.scenarios import detail

                result = detail.run(target, **common)
            elif scenario == "submit":
                from bench.scenarios import submit

                result = submit.run(target, **common)
            elif scenario == "search":
                from bench.scenarios import search

                # Each ranked search scores every match (100 ms and more): fewer iterations.
                result = search.run(
                    target, **{**common, "iterations": min(args.iterations, 60), "warmup": 5}
                )
            elif scenario == "live":
                from bench.scenarios import live

                result = live.run(target, subscribers=args.subscribers)
                memory["rss_idle_before_subscribers_mib"] = result["rss_idle_mib"]
                memory[f"rss_holding_{result['subscribers']}_subscribers_mib"] = result[
                    "rss_holding_mib"
                ]
            else:
                raise SystemExit(f"unknown scenario {scenario}")
            print(f"  -> {write_result(target.label, scenario, result)}", flush=True)
        if "memory" in wanted and "rss_idle_mib" not in memory:
            memory.update(_overview_memory(target.label))
        if "memory" in wanted and memory:
            print(f"  -> {write_result(target.label, 'memory', memory)}", flush=True)
    print(f"done in {time.monotonic() - started:.0f}s; now: python -m bench.report", flush=True)


if __name__ == "__main__":
    main()
