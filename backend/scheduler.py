"""Periodic jobs inside `frontdesk serve`, run by one worker across all workers and hosts.

A worker runs a job only while it holds the job's row in `scheduler_leases`: it takes the row
when it is missing, expired, or already its own, in one upsert statement (the database
decides the race), and renews it on every round. A crashed holder's lease expires after
`ttl`, then another worker takes over. The jobs are safe even if two ran at once (rows are
locked and re-checked), the lease only keeps the others from doing needless work.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth import throttle
from backend.background import running
from backend.config import Settings
from backend.db.base import utcnow
from backend.db.engine import Database
from backend.db.models import SchedulerLease
from backend.domain.workflow import close_resolved

log = logging.getLogger("frontdesk.scheduler")

AUTO_CLOSE = "auto-close"
# The first round waits a little, so start-up (and short-lived test servers) stay quiet.
FIRST_RUN_DELAY_SECONDS = 30.0


def new_holder() -> str:
    """host:pid:random, unique per process start (a restarted pid never inherits a lease)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


async def take_lease(
    session: AsyncSession, name: str, holder: str, ttl: timedelta, *, now: datetime | None = None
) -> bool:
    """Take or renew the lease `name` for `holder` until now + ttl; False when someone else
    holds an unexpired one. One statement: INSERT .. ON CONFLICT DO UPDATE WHERE expired or
    ours, RETURNING the row only when it was written."""
    now = now or utcnow()
    values = {"name": name, "holder": holder, "expires_at": now + ttl}
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    table = SchedulerLease.__table__
    stmt = insert(table).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.name],
        set_={"holder": stmt.excluded.holder, "expires_at": stmt.excluded.expires_at},
        where=(table.c.expires_at < now) | (table.c.holder == holder),
    ).returning(table.c.holder)
    taken = (await session.execute(stmt)).scalar_one_or_none()
    return taken == holder


async def release_lease(session: AsyncSession, name: str, holder: str) -> None:
    """Give the lease up (on shutdown), so another worker takes over at once."""
    await session.execute(
        delete(SchedulerLease).where(SchedulerLease.name == name, SchedulerLease.holder == holder)
    )


async def lease_holder(session: AsyncSession, name: str) -> str | None:
    return await session.scalar(select(SchedulerLease.holder).where(SchedulerLease.name == name))


async def auto_close_round(settings: Settings, db: Database, holder: str, ttl: timedelta) -> int:
    """One round: renew or take the lease, and if ours, close what is due."""
    async with db.transaction() as session:
        if not await take_lease(session, AUTO_CLOSE, holder, ttl):
            return 0
    async with db.transaction() as session:
        closed = await close_resolved(session, utcnow(), settings.auto_close_working_days)
    # The same holder forgets sign-in failures and reset requests past their windows, so
    # the throttle tables stay small.
    async with db.transaction() as session:
        now = utcnow()
        await throttle.prune(
            session,
            login_before=now - timedelta(seconds=settings.login_window_seconds),
            reset_before=now - timedelta(seconds=settings.password_reset_window_seconds),
        )
    return closed


async def _auto_close_forever(settings: Settings, db: Database, interval: float) -> None:
    holder = new_holder()
    # Long enough to survive a slow round, short enough for a quick take-over after a crash.
    ttl = timedelta(seconds=max(3 * interval, 60))
    await asyncio.sleep(min(FIRST_RUN_DELAY_SECONDS, interval))
    try:
        while True:
            try:
                closed = await auto_close_round(settings, db, holder, ttl)
                if closed:
                    log.info("closed %d resolved requests", closed)
            except Exception:  # a failed round (database down) must not end the loop
                log.exception("auto-close failed; retrying in %.0f s", interval)
            await asyncio.sleep(interval)
    finally:
        with contextlib.suppress(Exception):
            async with db.transaction() as session:
                await release_lease(session, AUTO_CLOSE, holder)


def scheduler(settings: Settings, db: Database) -> AbstractAsyncContextManager[None]:
    """Run the periodic jobs in the background while the block runs (the app's lifespan)."""
    interval = settings.auto_close_interval_seconds
    job = _auto_close_forever(settings, db, interval) if interval > 0 else None
    return running("auto-close", job)
