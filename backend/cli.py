"""The `frontdesk` command: serve, migrate, demo data, user and organisation admin, schema."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.config import Settings, get_settings
from backend.db.engine import Database
from backend.db.migrate import upgrade
from backend.db.models import MembershipRole, Organisation, Team, UserRole
from backend.domain import audit, organisations, teams, users
from backend.domain.audit import Action, cli_actor, target_of
from backend.domain.errors import DomainError
from backend.observability.logging import configure_logging, logging_config

app = typer.Typer(help="Frontdesk, a customer service portal.", no_args_is_help=True)
user_app = typer.Typer(help="Manage users.", no_args_is_help=True)
org_app = typer.Typer(help="Manage organisations.", no_args_is_help=True)
team_app = typer.Typer(help="Manage teams of agents.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(org_app, name="org")
app.add_typer(team_app, name="team")

T = TypeVar("T")


def _fail(message: str) -> typer.Exit:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(1)


def _run(work: Callable[[Database, Settings], Awaitable[T]], *, migrate: bool = True) -> T:
    """Run `work` against the configured database, turning failures into clear messages."""
    settings = get_settings()

    async def main() -> T:
        db = Database.from_settings(settings)
        try:
            if migrate:
                await upgrade(db.engine)
            return await work(db, settings)
        finally:
            await db.dispose()

    try:
        return asyncio.run(main())
    except DomainError as error:
        raise _fail("; ".join(f"{p.message}" for p in error.problems)) from None
    except (OperationalError, OSError) as error:
        raise _fail(
            f"cannot reach the database ({settings.resolved_database_url.split('@')[-1]}): "
            f"{getattr(error, 'orig', error)}"
        ) from None
    except SQLAlchemyError as error:
        raise _fail(f"database error: {error}") from None


@app.command()
def migrate() -> None:
    """Apply pending database migrations."""

    async def work(db: Database, settings: Settings) -> None:
        return None

    _run(work)
    typer.echo("database is up to date")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1)] = 1,
) -> None:
    """Apply pending migrations, then serve the portal with uvicorn."""
    import uvicorn

    settings = get_settings()
    configure_logging(settings)  # JSON or text lines with request ids (FRONTDESK_LOG_FORMAT)

    async def work(db: Database, settings: Settings) -> None:
        return None

    _run(work)
    if workers > 1 and not settings.redis_url:
        typer.secho(
            "warning: several workers without FRONTDESK_REDIS_URL: live updates reach only "
            "subscribers of the worker that made the change",
            fg=typer.colors.YELLOW,
            err=True,
        )
    typer.echo(f"Frontdesk on http://{host}:{port}/graphql ({settings.env.value} mode)")
    uvicorn.run(
        "backend.tuned_app:create_tuned_app",  # gc.freeze() and tuned thresholds
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=logging_config(settings),  # applied again in every worker process
        log_level=settings.log_level.lower(),
        access_log=False,  # the app logs each request itself, with its request id
        proxy_headers=True,
        # Protocol-level pings find dead WebSocket peers (graphql-transport-ws has its own).
        ws_ping_interval=settings.ws_ping_interval_seconds,
        ws_ping_timeout=settings.ws_ping_timeout_seconds,
        # Messages are small JSON: compressing each copy per subscriber costs the event loop
        # CPU (a share of the fan-out to 1,000 subscribers in the profiles) for little gain.
        ws_per_message_deflate=False,
    )


@app.command()
def demo() -> None:
    """Load the demo data (safe to run twice) and print the logins."""
    from backend.demo import DEMO_PASSWORD, seed

    logins = _run(seed)
    typer.echo(f"Demo data loaded. Every account's password: {DEMO_PASSWORD}")
    for email, label in logins:
        typer.echo(f"  {email:<28} {label}")


@app.command("export-schema")
def export_schema(
    check: Annotated[
        bool, typer.Option("--check", help="Fail when the committed file differs.")
    ] = False,
    path: Annotated[Path | None, typer.Option(help="Where to write the SDL.")] = None,
) -> None:
    """Write the GraphQL schema (SDL) to backend/schema/schema.graphql, or check it."""
    from backend.schema import SCHEMA_FILE, build_schema, export_sdl

    target = path or SCHEMA_FILE
    sdl = export_sdl(build_schema(Settings()))
    if check:
        current = target.read_text() if target.exists() else ""
        if current != sdl:
            raise _fail(f"{target} is out of date; run `frontdesk export-schema`.")
        typer.echo(f"{target} is up to date")
        return
    target.write_text(sdl)
    typer.echo(f"wrote {target}")


# ---- users


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Option(help="E-mail address.")],
    name: Annotated[str, typer.Option(help="Display name.")],
    role: Annotated[UserRole, typer.Option(help="Role.", case_sensitive=False)] = UserRole.CUSTOMER,
    password: Annotated[
        str | None,
        typer.Option(help="Password (default: prompt; FRONTDESK_PASSWORD also works)."),
    ] = None,
) -> None:
    """Create a user."""
    import os

    password = password or os.environ.get("FRONTDESK_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise _fail("give --password (or FRONTDESK_PASSWORD) when not on a terminal")
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)

    async def work(db: Database, settings: Settings) -> str:
        async with db.transaction() as session:
            user = await users.create_user(
                session,
                email=email,
                display_name=name,
                role=role,
                password=password,
                password_min_length=settings.password_min_length,
            )
            await audit.record(
                session,
                cli_actor(),
                Action.USER_CREATE,
                target_of(user),
                None,
                audit.user_snapshot(user),
            )
            return user.email

    typer.echo(f"created {role.value.lower()} {_run(work)}")


# ---- organisations


async def _organisation(session: AsyncSession, name_or_id: str) -> Organisation:
    stmt = select(Organisation)
    if name_or_id.isdigit():
        stmt = stmt.where(Organisation.id == int(name_or_id))
    else:
        stmt = stmt.where(Organisation.name == name_or_id)
    org = await session.scalar(stmt)
    if org is None:
        raise DomainError.single("org", "NOT_FOUND", f"no organisation {name_or_id!r}")
    return org


@org_app.command("create")
def org_create(
    name: Annotated[str, typer.Option(help="Organisation name.")],
    super_user_cap: Annotated[
        int | None, typer.Option(help="Most super users (default: FRONTDESK_SUPER_USER_CAP).")
    ] = None,
) -> None:
    """Create an organisation."""

    async def work(db: Database, settings: Settings) -> str:
        async with db.transaction() as session:
            org = await organisations.create_organisation(
                session,
                name=name,
                super_user_cap=settings.super_user_cap
                if super_user_cap is None
                else super_user_cap,
            )
            await audit.record(
                session,
                cli_actor(),
                Action.ORGANISATION_CREATE,
                target_of(org),
                None,
                audit.organisation_snapshot(org),
            )
            return org.name

    typer.echo(f"created organisation {_run(work)}")


@org_app.command("add-member")
def org_add_member(
    org: Annotated[str, typer.Option(help="Organisation name or id.")],
    email: Annotated[str, typer.Option(help="E-mail address of an existing customer.")],
    role: Annotated[
        MembershipRole, typer.Option(help="Role in the organisation.", case_sensitive=False)
    ] = MembershipRole.MEMBER,
) -> None:
    """Add an existing customer to an organisation."""

    async def work(db: Database, settings: Settings) -> str:
        async with db.transaction() as session:
            organisation = await _organisation(session, org)
            user = await users.find_by_email(session, email)
            if user is None:
                raise DomainError.single("email", "NOT_FOUND", f"no user {email!r}")
            await organisations.lock_organisation(session, organisation.id)
            membership = await organisations.add_member(session, organisation, user, role)
            await audit.record(
                session,
                cli_actor(),
                Action.MEMBERSHIP_ADD,
                target_of(membership),
                None,
                audit.membership_snapshot(membership),
            )
            return f"added {user.email} to {organisation.name} as {role.value.lower()}"

    typer.echo(_run(work))


# ---- teams


@team_app.command("create")
def team_create(
    name: Annotated[str, typer.Option(help="Team name.")],
    description: Annotated[str, typer.Option(help="What the team handles.")] = "",
) -> None:
    """Create a team of agents."""

    async def work(db: Database, settings: Settings) -> str:
        async with db.transaction() as session:
            team = await teams.create_team(session, name=name, description=description)
            await audit.record(
                session,
                cli_actor(),
                Action.TEAM_CREATE,
                target_of(team),
                None,
                await audit.team_snapshot(session, team),
            )
            return team.name

    typer.echo(f"created team {_run(work)}")


@team_app.command("add-agent")
def team_add_agent(
    team: Annotated[str, typer.Option(help="Team name.")],
    email: Annotated[str, typer.Option(help="E-mail address of an agent.")],
) -> None:
    """Add an agent to a team."""

    async def work(db: Database, settings: Settings) -> str:
        async with db.transaction() as session:
            row = await session.scalar(select(Team).where(Team.name == team))
            if row is None:
                raise DomainError.single("team", "NOT_FOUND", f"no team {team!r}")
            user = await users.find_by_email(session, email)
            if user is None:
                raise DomainError.single("email", "NOT_FOUND", f"no user {email!r}")
            before = await audit.team_snapshot(session, row)
            await teams.add_agent(session, row, user)
            await audit.record(
                session,
                cli_actor(),
                Action.TEAM_ADD_AGENT,
                target_of(row),
                before,
                await audit.team_snapshot(session, row),
            )
            return f"added {user.email} to {row.name}"

    typer.echo(_run(work))


# ---- attachments

attachments_app = typer.Typer(help="Manage uploaded files.", no_args_is_help=True)
app.add_typer(attachments_app, name="attachments")


@attachments_app.command("sweep")
def attachments_sweep(
    older_than_hours: Annotated[
        int | None,
        typer.Option(
            help="Age of uploads to delete (default: FRONTDESK_ATTACHMENT_UNREFERENCED_TTL_HOURS).",
            min=0,
        ),
    ] = None,
) -> None:
    """Delete uploads no request references, and content files no upload uses."""
    from datetime import timedelta

    from backend.domain.attachments import sweep_unreferenced

    async def work(db: Database, settings: Settings) -> str:
        hours = older_than_hours
        if hours is None:
            hours = settings.attachment_unreferenced_ttl_hours
        async with db.transaction() as session:
            result = await sweep_unreferenced(session, settings.data_dir, timedelta(hours=hours))
        return (
            f"removed {result.rows_deleted} unreferenced uploads "
            f"and {result.files_deleted} content files"
        )

    typer.echo(_run(work))


def main() -> None:
    app()
