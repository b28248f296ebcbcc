"""`frontdesk serve` in a subprocess, for tests of what only the real command sets up:
logging (JSON lines on stderr), uvicorn's options, production mode end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

FRONTDESK = Path(sys.executable).with_name("frontdesk")


def frontdesk_env(**settings: str) -> dict[str, str]:
    """This process's environment without FRONTDESK_* variables, plus `settings`
    (`env="production"` becomes FRONTDESK_ENV=production)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTDESK_")}
    return env | {f"FRONTDESK_{key.upper()}": value for key, value in settings.items()}


def run_command(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [str(FRONTDESK), *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr


class ServeProcess:
    """One `frontdesk serve` on `port`; stdout and stderr go to `log`."""

    def __init__(self, env: dict[str, str], port: int, log: Path, *extra: str) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [str(FRONTDESK), "serve", "--port", str(port), *extra],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait_healthy(self, seconds: float = 45) -> ServeProcess:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"{self.url} exited {self.process.returncode}:\n{self.output()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        pytest.fail(f"{self.url} did not become healthy:\n{self.output()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def json_lines(self) -> list[dict[str, Any]]:
        """Every log line as JSON (fails on a line that is not: JSON logs are all JSON)."""
        lines = []
        for line in self.output().splitlines():
            if line.startswith("Frontdesk on http"):  # the command's own banner on stdout
                continue
            try:
                lines.append(json.loads(line))
            except json.JSONDecodeError:
                pytest.fail(f"not a JSON log line: {line!r}")
        return lines

    def wait_for_log(self, predicate: Any, seconds: float = 10) -> dict[str, Any]:
        """The first JSON line matching `predicate`; lines written after the response was
        sent (the access log) may need a moment to arrive."""
        deadline = time.monotonic() + seconds
        while True:
            found = [line for line in self.json_lines() if predicate(line)]
            if found:
                return found[0]
            if time.monotonic() > deadline:
                pytest.fail(f"no such log line in:\n{self.output()}")
            time.sleep(0.05)
