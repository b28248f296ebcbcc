"""A Frontdesk server under test (one uvicorn worker, `frontdesk serve`), wrk runs against it,
and /proc readings of its CPU time and memory."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.common import BENCH_DIR, Target

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
WRK_SCRIPT = BENCH_DIR / "wrk" / "graphql.lua"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def redis_reachable(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found += [int(child), *_descendants(int(child))]
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, its children that were waited for, and its live
    descendants (uvicorn's worker processes with --workers)."""
    total = 0.0
    for i, each in enumerate([pid, *_descendants(pid)]):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # ended meanwhile
            continue
        # utime, stime (and, for the server itself, cutime, cstime of waited-for children)
        total += sum(int(v) for v in fields[11 : 15 if i == 0 else 13]) / CLOCK_TICKS
    return total


@contextmanager
def frontdesk_server(
    target: Target,
    extra_env: dict[str, str] | None = None,
    log: Path | None = None,
    args: Sequence[str] = (),
) -> Iterator[tuple[str, int]]:
    """`frontdesk serve [args]` on a free port; yields (base URL, pid); always stopped by its
    pid."""
    port = free_port()
    env = {**os.environ, **target.settings_env(), **(extra_env or {})}
    Path(env["FRONTDESK_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    out = open(log or os.devnull, "ab")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "frontdesk"), "serve", "--port", str(port), *args],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        cwd=BENCH_DIR.parent,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode} (log: {log})")
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start within 60 s")
            time.sleep(0.2)
        yield url, process.pid
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        out.close()


def post_json(url: str, body: dict[str, Any], token: str | None = None) -> dict[str, Any]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    return path


def wrk(
    url: str,
    bodies_file: Path,
    token: str,
    *,
    connections: int,
    seconds: float,
    server_pid: int | None = None,
    rss_samples: list[float] | None = None,
) -> dict[str, Any]:
    """One bounded wrk run; requests per second, latency percentiles and server CPU/request."""
    threads = 1 if connections == 1 else 2
    command = [
        require_wrk(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(WRK_SCRIPT),
        url,
        "--",
        str(bodies_file),
        token,
    ]
    cpu_before = cpu_seconds(server_pid) if server_pid else 0.0
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while process.poll() is None and server_pid and rss_samples is not None:
        rss_samples.append(rss_mib(server_pid))
        time.sleep(0.5)
    out, err = process.communicate(timeout=seconds + 60)
    line = next((x for x in out.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {out}\n{err}")
    raw = json.loads(line[len("WRKJSON ") :])
    duration = raw["duration_us"] / 1e6
    result = {
        "connections": connections,
        "seconds": round(duration, 2),
        "requests": raw["requests"],
        "rps": round(raw["requests"] / duration, 1),
        "p50_ms": raw["lat_p50_us"] / 1000,
        "p90_ms": raw["lat_p90_us"] / 1000,
        "p99_ms": raw["lat_p99_us"] / 1000,
        "max_ms": raw["lat_max_us"] / 1000,
        "errors": sum(raw[k] for k in raw if k.startswith("errors_")),
        "bad_responses": raw["bad_responses"],
        "bytes_per_response": round(raw["bytes"] / max(1, raw["requests"])),
    }
    if server_pid:
        spent = cpu_seconds(server_pid) - cpu_before
        result["server_cpu_ms_per_request"] = round(spent * 1000 / max(1, raw["requests"]), 3)
    return result


def write_bodies(path: Path, bodies: Sequence[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(b, separators=(",", ":")) + "\n" for b in bodies))
    return path
