"""The server's periodic sweep of uploads no request references (see domain/attachments)."""

from __future__ import annotations

import asyncio
import logging
from contextlib import AbstractAsyncContextManager
from datetime import timedelta

from backend.background import running
from backend.config import Settings
from backend.db.engine import Database
from backend.domain.attachments import SweepResult, sweep_unreferenced

log = logging.getLogger("frontdesk.attachments")

# The first sweep waits a little, so start-up (and short-lived test servers) stay quiet.
FIRST_SWEEP_DELAY_SECONDS = 60.0


async def sweep_once(settings: Settings, db: Database) -> SweepResult:
    older_than = timedelta(hours=settings.attachment_unreferenced_ttl_hours)
    async with db.transaction() as session:
        return await sweep_unreferenced(session, settings.data_dir, older_than)


async def _sweep_forever(settings: Settings, db: Database, interval: float) -> None:
    await asyncio.sleep(min(FIRST_SWEEP_DELAY_SECONDS, interval))
    while True:
        try:
            result = await sweep_once(settings, db)
            if result.rows_deleted or result.files_deleted:
                log.info(
                    "removed %d unreferenced uploads and %d content files",
                    result.rows_deleted,
                    result.files_deleted,
                )
        except Exception:  # a failed sweep (database down, disk error) must not end the loop
            log.exception("attachment sweep failed; retrying in %.0f s", interval)
        await asyncio.sleep(interval)


def attachment_sweeper(settings: Settings, db: Database) -> AbstractAsyncContextManager[None]:
    """Run the sweep in the background while the block runs (the app's lifespan)."""
    interval = settings.attachment_sweep_interval_seconds
    job = _sweep_forever(settings, db, interval) if interval > 0 else None
    return running("attachment-sweep", job)
