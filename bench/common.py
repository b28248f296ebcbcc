"""Shared by the generator and the scenarios: database URLs, the benchmark viewer, statistics,
machine facts and result files."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_SQLITE = BENCH_DIR / "data" / "bench.sqlite3"
DEFAULT_PG = "postgresql://127.0.0.1:5432/frontdesk_bench"
# The API token the scenarios authenticate with: an agent's, stored hashed like any other.
BENCH_TOKEN = "fdt_benchmark-agent-token-not-a-secret-0000000000"
BENCH_AGENT_EMAIL = "agent1@provider.example"
SUBMIT_TYPE_NAME = "Onboard new employee"  # the request type with the 10-field form


@dataclass(frozen=True)
class Target:
    """One benchmark database, reachable by the app (async URL) and by raw SQL (sync)."""

    kind: str  # "sqlite" or "postgresql"
    async_url: str
    sqlite_path: Path | None = None
    pg_dsn: str | None = None

    @classmethod
    def parse(cls, url: str) -> Target:
        if url in ("sqlite", ""):
            url = f"sqlite:///{DEFAULT_SQLITE}"
        if url in ("pg", "postgresql"):
            url = DEFAULT_PG
        scheme, _, rest = url.partition("://")
        base = scheme.split("+")[0]
        if base == "sqlite":
            # SQLAlchemy's form: sqlite:///relative/path or sqlite:////absolute/path
            path = Path(rest[1:] if rest.startswith("/") else rest).resolve()
            return cls("sqlite", f"sqlite+aiosqlite:///{path}", sqlite_path=path)
        if base in ("postgresql", "postgres"):
            return cls("postgresql", f"postgresql+asyncpg://{rest}", pg_dsn=f"postgresql://{rest}")
        raise SystemExit(f"unsupported database URL: {url}")

    @property
    def label(self) -> str:
        return "sqlite" if self.kind == "sqlite" else "pg"

    def connect(self) -> Any:
        """A synchronous DB-API connection (sqlite3 or psycopg): the floor's driver."""
        if self.sqlite_path is not None:
            conn = sqlite3.connect(self.sqlite_path, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            return conn
        import psycopg

        assert self.pg_dsn is not None
        return psycopg.connect(self.pg_dsn, autocommit=True)

    def settings_env(self, data_dir: Path | None = None) -> dict[str, str]:
        """Environment for a Frontdesk server or Settings on this database."""
        env = {
            "FRONTDESK_DATABASE_URL": self.async_url,
            "FRONTDESK_ENV": "production",
            "FRONTDESK_DATA_DIR": str(data_dir or (BENCH_DIR / "data" / "var")),
            # No background sweeps or auto-close during a measurement.
            "FRONTDESK_ATTACHMENT_SWEEP_INTERVAL_SECONDS": "0",
            "FRONTDESK_AUTO_CLOSE_INTERVAL_SECONDS": "0",
        }
        return env

    def settings(self) -> Any:
        from backend.config import Settings

        env = self.settings_env()
        return Settings(
            database_url=env["FRONTDESK_DATABASE_URL"],
            env=env["FRONTDESK_ENV"],
            data_dir=Path(env["FRONTDESK_DATA_DIR"]),
            attachment_sweep_interval_seconds=0,
            auto_close_interval_seconds=0,
        )


# ---- statistics


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of unsorted values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary_ms(samples_s: Sequence[float]) -> dict[str, float]:
    ms = [s * 1000 for s in samples_s]
    return {
        "n": len(ms),
        "median_ms": round(statistics.median(ms), 3) if ms else float("nan"),
        "p99_ms": round(percentile(ms, 99), 3),
        "mean_ms": round(statistics.fmean(ms), 3) if ms else float("nan"),
        "max_ms": round(max(ms), 3) if ms else float("nan"),
    }


def ratio(value: float, floor: float) -> float | None:
    return round(value / floor, 2) if floor and floor == floor else None


def timed_sync(fn: Any, iterations: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


async def timed_async(fn: Any, iterations: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        await fn()
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        await fn()
        samples.append(time.perf_counter() - start)
    return samples


# ---- machine facts and result files


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def machine_facts() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        (
            int(line.split()[1])
            for line in _read("/proc/meminfo").splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    facts: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "loadavg_at_start": os.getloadavg(),
    }
    try:
        facts["git_commit"] = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=BENCH_DIR.parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
    except OSError:
        pass
    return facts


def write_result(db_label: str, scenario: str, payload: dict[str, Any]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC)
    path = RESULTS_DIR / f"{stamp:%Y-%m-%d}-{db_label}-{scenario}.json"
    document = {
        "scenario": scenario,
        "db": db_label,
        "at": stamp.isoformat(timespec="seconds"),
        "machine": machine_facts(),
        **payload,
    }
    path.write_text(json.dumps(document, indent=2, default=str) + "\n")
    return path


@contextmanager
def stopwatch(label: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    print(f"  {label}: {time.perf_counter() - start:.1f}s", flush=True)


def run(coro: Any) -> Any:
    return asyncio.run(coro)
