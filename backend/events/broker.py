"""Event fan-out: in-process (the default) or Redis pub/sub (several processes or hosts).

Messages carry ids only (request id, timeline event id); every subscriber reloads what it may
see through the policies. Delivery is best effort by design, and made whole by the reader:
when a subscriber may have missed messages (its queue overflowed, or the Redis connection
dropped and came back) it receives `RESYNC` and replays from the last event id it saw, from
the database. Nothing is silently dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from typing import Any, Final

log = logging.getLogger("frontdesk.events")


class _Resync:
    """Sentinel: messages may have been lost; replay from the database."""

    def __repr__(self) -> str:
        return "RESYNC"


RESYNC: Final = _Resync()
Delivery = dict[str, Any] | _Resync
QUEUE_SIZE = 10_000
# How long a new subscription waits for Redis to confirm it before reading on regardless.
SUBSCRIBE_CONFIRM_SECONDS = 5.0


class Subscriber:
    """One subscription's inbox. Overflow turns into a single RESYNC instead of unbounded
    memory: a slow reader catches up from the database."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[Delivery] = asyncio.Queue(QUEUE_SIZE)
        self._overflowed = False

    def deliver(self, item: Delivery) -> None:
        if self._overflowed:
            return
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            self._overflowed = True

    async def get(self) -> Delivery:
        if self._overflowed and self.queue.empty():
            self._overflowed = False
            return RESYNC
        return await self.queue.get()


class Broker(ABC):
    def __init__(self) -> None:
        self._subscribers: dict[str, set[Subscriber]] = {}

    async def start(self) -> None:
        """Connect (Redis); nothing to do in process."""
        return None

    async def stop(self) -> None:
        """Disconnect and release resources."""
        return None

    @abstractmethod
    async def publish(self, channel: str, message: dict[str, Any]) -> None: ...

    @contextlib.asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscriber]:
        subscriber = Subscriber()
        self._subscribers.setdefault(channel, set()).add(subscriber)
        try:
            # Returns once messages on `channel` will reach this process, so a reader that
            # subscribes and then reads the database misses nothing published after the read.
            await self._watch(channel)
            yield subscriber
        finally:
            subscribers = self._subscribers.get(channel)
            if subscribers is not None:
                subscribers.discard(subscriber)
                if not subscribers:
                    del self._subscribers[channel]
                    await self._unwatch(channel)

    @property
    def subscriber_count(self) -> int:
        return sum(len(s) for s in self._subscribers.values())

    def _dispatch(self, channel: str, item: Delivery) -> None:
        for subscriber in list(self._subscribers.get(channel, ())):
            subscriber.deliver(item)

    def _resync_all(self) -> None:
        for subscribers in list(self._subscribers.values()):
            for subscriber in list(subscribers):
                subscriber.deliver(RESYNC)

    async def _watch(self, channel: str) -> None:
        """Start receiving `channel` (Redis); the in-process broker receives everything."""
        return None

    async def _unwatch(self, channel: str) -> None:
        """Stop receiving `channel` once nobody here listens."""
        return None


class InProcessBroker(Broker):
    """For one server process: publish hands the message to local subscribers directly."""

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        self._dispatch(channel, message)


class RedisBroker(Broker):
    """Redis pub/sub: one publishing connection and one listening connection per process,
    fanning out to local subscribers. A lost connection is retried with exponential backoff;
    after it comes back every local subscriber gets RESYNC."""

    def __init__(self, url: str, *, prefix: str = "frontdesk:", name: str = "frontdesk") -> None:
        super().__init__()
        self.url = url
        # Channel prefix and connection name (CLIENT LIST) keep deployments sharing one Redis,
        # and test runs, apart.
        self.PREFIX = prefix
        self.name = name
        self._redis: Any = None
        self._pubsub: Any = None
        self._reader: asyncio.Task[None] | None = None
        # Channel -> set once Redis has confirmed the SUBSCRIBE on the current connection.
        self._watched: dict[str, asyncio.Event] = {}
        self._connected = asyncio.Event()

    async def start(self) -> None:
        import redis.asyncio as redis

        self._redis = redis.Redis.from_url(
            self.url, socket_connect_timeout=5, client_name=self.name
        )
        self._reader = asyncio.create_task(self._read_forever(), name="redis-broker-reader")

    async def stop(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._pubsub is not None:
            with contextlib.suppress(Exception):
                await self._pubsub.aclose()
        if self._redis is not None:
            await self._redis.aclose()

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        payload = json.dumps(message, separators=(",", ":"))
        try:
            await self._redis.publish(self.PREFIX + channel, payload)
        except Exception as error:  # Redis down: subscribers will RESYNC when it is back
            log.warning("publish to %s failed: %s", channel, error)
            # Local subscribers need not wait for Redis: give them the message now.
            self._dispatch(channel, message)

    async def wait_connected(self, seconds: float = 10) -> None:
        await asyncio.wait_for(self._connected.wait(), seconds)

    async def _watch(self, channel: str) -> None:
        confirmed = self._watched.get(channel)
        if confirmed is None:
            # The first local subscriber of a channel sends the one SUBSCRIBE; later ones wait
            # for the same confirmation.
            confirmed = self._watched[channel] = asyncio.Event()
            if self._pubsub is None or not self._connected.is_set():
                return  # (re)connecting subscribes every watched channel, then RESYNCs
            try:
                await self._pubsub.subscribe(self.PREFIX + channel)
            except Exception as error:
                log.warning("subscribe to %s failed: %s", channel, error)
                return  # the reader reconnects and RESYNCs
        if not self._connected.is_set():
            return
        try:
            await asyncio.wait_for(confirmed.wait(), SUBSCRIBE_CONFIRM_SECONDS)
        except TimeoutError:
            log.warning("redis did not confirm the subscription to %s in time", channel)

    async def _unwatch(self, channel: str) -> None:
        self._watched.pop(channel, None)
        if self._pubsub is not None and self._connected.is_set():
            with contextlib.suppress(Exception):
                await self._pubsub.unsubscribe(self.PREFIX + channel)

    async def _read_forever(self) -> None:
        delay = 0.1
        first = True
        while True:
            try:
                self._pubsub = self._redis.pubsub()
                for confirmed in self._watched.values():
                    confirmed.clear()
                # A placeholder channel keeps the connection in subscribed mode even when
                # nobody here listens yet.
                await self._pubsub.subscribe(
                    self.PREFIX + "_", *(self.PREFIX + c for c in self._watched)
                )
                self._connected.set()
                if not first:
                    log.info("redis broker reconnected")
                # Subscribers that came before this connection (at start-up, or while Redis
                # was down) may have missed messages: they replay from the database.
                self._resync_all()
                first = False
                delay = 0.1
                while True:
                    message = await self._pubsub.get_message(timeout=1.0)
                    if message is None:
                        continue
                    channel = message["channel"].decode().removeprefix(self.PREFIX)
                    if message["type"] == "message":
                        self._dispatch(channel, json.loads(message["data"]))
                    elif message["type"] == "subscribe" and channel in self._watched:
                        self._watched[channel].set()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self._connected.clear()
                log.warning("redis broker connection lost (%s); retrying in %.1f s", error, delay)
                with contextlib.suppress(Exception):
                    await self._pubsub.aclose()
                await asyncio.sleep(delay * (1 + random.random() / 4))
                delay = min(delay * 2, 5.0)


def make_broker(redis_url: str | None) -> Broker:
    return RedisBroker(redis_url) if redis_url else InProcessBroker()
