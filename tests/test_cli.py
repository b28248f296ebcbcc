"""The `frontdesk` command, run for real in subprocesses against SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Select, func, select

from backend.config import Settings
from backend.db.engine import Database
from backend.db.models import Membership, Organisation, Team, TeamMember, User
from backend.demo import ORGANISATIONS, STAFF
from tests.support.services import create_pg_database, drop_pg_database

FRONTDESK = Path(sys.executable).parent / "frontdesk"
UNREACHABLE = "postgresql+asyncpg://127.0.0.1:1/x"


@dataclass
class Cli:
    """The command with its environment: one database per test."""

    env: dict[str, str]
    settings: Settings

    def __call__(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(FRONTDESK), *args],
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )

    def ok(self, *args: str) -> str:
        result = self(*args)
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        assert_clean(result)
        return result.stdout

    def fails(self, *args: str, env: dict[str, str] | None = None) -> str:
        """Run a command that must fail cleanly: exit 1, one `error:` line, no traceback."""
        result = self(*args, env=env)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert_clean(result)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
        return lines[0]

    def scalar(self, statement: Select[Any]) -> Any:
        async def main() -> Any:
            db = Database.from_settings(self.settings)
            try:
                async with db.read() as session:
                    return await session.scalar(statement)
            finally:
                await db.dispose()

        return asyncio.run(main())


def assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert 'File "' not in output, output


def base_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTDESK_")}
    env["FRONTDESK_DATA_DIR"] = str(tmp_path / "data")
    env["FRONTDESK_ENV"] = "test"
    return env


@pytest.fixture(params=["sqlite", "postgresql"])
def cli(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Cli]:
    env = base_env(tmp_path)
    if request.param == "sqlite":
        yield Cli(env, Settings(env="test", data_dir=tmp_path / "data"))
        return
    url = create_pg_database()
    try:
        env["FRONTDESK_DATABASE_URL"] = url
        yield Cli(env, Settings(env="test", data_dir=tmp_path / "data", database_url=url))
    finally:
        drop_pg_database(url)


def count(model: Any) -> Select[Any]:
    return select(func.count()).select_from(model)


def test_the_command_is_installed() -> None:
    assert FRONTDESK.exists(), f"{FRONTDESK} missing: `pip install -e .`"
    result = subprocess.run([str(FRONTDESK), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for command in ("migrate", "demo", "user", "org", "export-schema"):
        assert command in result.stdout


def test_migrate_and_demo_twice(cli: Cli) -> None:
    assert "database is up to date" in cli.ok("migrate")
    assert "database is up to date" in cli.ok("migrate")

    output = cli.ok("demo")
    assert "frontdesk-demo" in output and "alice@acme.example" in output
    people = len(STAFF) + sum(len(p) for p in ORGANISATIONS.values())
    counts = [cli.scalar(count(m)) for m in (User, Organisation, Membership, Team, TeamMember)]
    assert counts[:3] == [people, len(ORGANISATIONS), people - len(STAFF)]

    cli.ok("demo")  # safe to run twice: nothing new
    assert [
        cli.scalar(count(m)) for m in (User, Organisation, Membership, Team, TeamMember)
    ] == counts


def test_users_organisations_and_members(cli: Cli) -> None:
    out = cli.ok(
        "user",
        "create",
        "--email",
        "Zoe@Example.com",
        "--name",
        "Zoe",
        "--password",
        "long-enough-pw",
    )
    assert out.strip() == "created customer zoe@example.com"
    out = cli.ok(
        "user",
        "create",
        "--email",
        "ops@example.com",
        "--name",
        "Ops",
        "--role",
        "agent",
        "--password",
        "long-enough-pw",
    )
    assert "created agent ops@example.com" in out

    # A duplicate address (in any case) is refused with a clear message, nothing written.
    line = cli.fails(
        "user",
        "create",
        "--email",
        "ZOE@example.com",
        "--name",
        "Twin",
        "--password",
        "long-enough-pw",
    )
    assert "already exists" in line
    assert cli.scalar(count(User).where(User.email == "zoe@example.com")) == 1
    line = cli.fails(
        "user", "create", "--email", "x@example.com", "--name", "X", "--password", "short"
    )
    assert "at least 10 characters" in line
    # Not on a terminal and no password: refuse rather than wait for input.
    line = cli.fails("user", "create", "--email", "y@example.com", "--name", "Y")
    assert "--password" in line
    assert cli.scalar(count(User)) == 2

    assert cli.ok("org", "create", "--name", "Initech").strip() == "created organisation Initech"
    assert (
        cli.scalar(select(Organisation.super_user_cap).where(Organisation.name == "Initech")) == 4
    )
    cli.ok("org", "create", "--name", "Tiny", "--super-user-cap", "1")
    assert cli.scalar(select(Organisation.super_user_cap).where(Organisation.name == "Tiny")) == 1
    assert "exists" in cli.fails("org", "create", "--name", "initech")
    assert "between 1 and 1000" in cli.fails(
        "org", "create", "--name", "Zero", "--super-user-cap", "0"
    )
    assert cli.scalar(count(Organisation)) == 2

    out = cli.ok("org", "add-member", "--org", "Initech", "--email", "zoe@example.com")
    assert out.strip() == "added zoe@example.com to Initech as member"
    assert "already a member" in cli.fails(
        "org", "add-member", "--org", "Initech", "--email", "zoe@example.com"
    )
    assert "no organisation" in cli.fails(
        "org", "add-member", "--org", "Nowhere", "--email", "zoe@example.com"
    )
    assert "no user" in cli.fails(
        "org", "add-member", "--org", "Initech", "--email", "nobody@example.com"
    )
    assert "Only customer" in cli.fails(
        "org", "add-member", "--org", "Initech", "--email", "ops@example.com"
    )
    # By id, and into several organisations.
    tiny = cli.scalar(select(Organisation.id).where(Organisation.name == "Tiny"))
    cli.ok(
        "org",
        "add-member",
        "--org",
        str(tiny),
        "--email",
        "zoe@example.com",
        "--role",
        "super_user",
    )
    assert cli.scalar(count(Membership)) == 2


def test_the_super_user_cap_holds_on_the_command_line(cli: Cli) -> None:
    cli.ok("org", "create", "--name", "Capped")
    for i in range(5):
        cli.ok(
            "user",
            "create",
            "--email",
            f"su{i}@example.com",
            "--name",
            f"SU {i}",
            "--password",
            "long-enough-pw",
        )
    for i in range(4):
        out = cli.ok(
            "org",
            "add-member",
            "--org",
            "Capped",
            "--email",
            f"su{i}@example.com",
            "--role",
            "SUPER_USER",
        )
        assert "as super_user" in out
    line = cli.fails(
        "org", "add-member", "--org", "Capped", "--email", "su4@example.com", "--role", "super_user"
    )
    assert "already has 4 super users" in line
    assert cli.scalar(count(Membership)) == 4
    cli.ok("org", "add-member", "--org", "Capped", "--email", "su4@example.com")  # as a member
    assert cli.scalar(count(Membership)) == 5


def test_export_schema_check_passes(tmp_path: Path) -> None:
    cli = Cli(base_env(tmp_path), Settings(env="test", data_dir=tmp_path / "data"))
    assert "is up to date" in cli.ok("export-schema", "--check")
    stale = tmp_path / "schema.graphql"
    stale.write_text("type Query { old: String }\n")
    line = cli.fails("export-schema", "--check", "--path", str(stale))
    assert "out of date" in line
    out = cli.ok("export-schema", "--path", str(stale))
    assert "wrote" in out
    assert "is up to date" in cli.ok("export-schema", "--check", "--path", str(stale))
    assert not (tmp_path / "data").exists()  # no database needed


@pytest.mark.parametrize(
    "args",
    [
        ("migrate",),
        ("demo",),
        (
            "user",
            "create",
            "--email",
            "a@example.com",
            "--name",
            "A",
            "--password",
            "long-enough-pw",
        ),
        ("org", "create", "--name", "Nowhere"),
        ("org", "add-member", "--org", "Nowhere", "--email", "a@example.com"),
    ],
)
def test_unreachable_database_gives_a_clear_error(tmp_path: Path, args: tuple[str, ...]) -> None:
    cli = Cli(base_env(tmp_path), Settings(env="test", database_url=UNREACHABLE))
    line = cli.fails(*args, env={"FRONTDESK_DATABASE_URL": UNREACHABLE})
    assert line.startswith("error: cannot reach the database (") and "127.0.0.1:1/x" in line, line
    assert "Connect call failed" in line or "refused" in line.lower(), line


def test_unreachable_database_error_does_not_show_the_password(tmp_path: Path) -> None:
    url = "postgresql+asyncpg://frontdesk:s3cret-pw@127.0.0.1:1/x"
    cli = Cli(base_env(tmp_path), Settings(env="test", database_url=url))
    line = cli.fails("migrate", env={"FRONTDESK_DATABASE_URL": url})
    assert "cannot reach the database (127.0.0.1:1/x)" in line
    assert "s3cret" not in line
