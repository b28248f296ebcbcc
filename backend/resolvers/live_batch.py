"""A loader shared by many streams: keys asked for in the same event-loop tick are loaded
with one call, and a key asked for again (by another stream, maybe later) gets the same
answer. Scoped by its owner (one per round of a request's live timeline, live_shared.py),
so nothing is remembered beyond the round it belongs to."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Mapping
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TickLoader(Generic[K, V]):
    """Unlike strawberry's DataLoader, every waiter waits on a future of its own, so one
    that is cancelled (its client went away) never cancels the answer other streams wait
    for; a known answer comes back without waiting at all (a thousand streams, one event:
    each saved task switch counts); a failed batch is not remembered (the next asks again)."""

    def __init__(self, load_many: Callable[[list[K]], Awaitable[Mapping[K, V]]]) -> None:
        self._load_many = load_many
        self._known: dict[K, V] = {}
        self._waiters: dict[K, list[asyncio.Future[V]]] = {}
        self._pending: list[K] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def load(self, key: K) -> V:
        if key in self._known:
            return self._known[key]
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[V] = loop.create_future()
        waiters = self._waiters.get(key)
        if waiters is None:  # not under way: into the next batch
            waiters = self._waiters[key] = []
            if self._pending is None:
                self._pending = []
                # After every stream woken in this tick has asked: they share the batch.
                loop.call_soon(self._dispatch)
            self._pending.append(key)
        waiters.append(waiter)
        return await waiter

    def _dispatch(self) -> None:
        keys, self._pending = self._pending or [], None
        task = asyncio.get_running_loop().create_task(self._run(keys))
        self._tasks.add(task)  # a reference, or the task may be collected mid-flight
        task.add_done_callback(self._tasks.discard)

    async def _run(self, keys: list[K]) -> None:
        try:
            values = await self._load_many(keys)
        except BaseException as error:
            for key in keys:
                for waiter in self._waiters.pop(key, ()):
                    if waiter.done():
                        continue
                    if isinstance(error, asyncio.CancelledError):
                        waiter.cancel()
                    else:
                        waiter.set_exception(error)
            if not isinstance(error, Exception):
                raise
            return
        for key in keys:
            value = self._known[key] = values[key]
            for waiter in self._waiters.pop(key, ()):
                if not waiter.done():  # a cancelled waiter: its stream has gone
                    waiter.set_result(value)
