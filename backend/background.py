"""Background jobs of the server (the app's lifespan runs them while it serves)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Coroutine
from typing import Any


@contextlib.asynccontextmanager
async def running(name: str, job: Coroutine[Any, Any, None] | None) -> AsyncIterator[None]:
    """Run `job` as a task while the block runs, then cancel it; None runs nothing (the job
    is turned off in the settings)."""
    if job is None:
        yield
        return
    task = asyncio.create_task(job, name=name)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
