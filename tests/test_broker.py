"""The event broker: in process and over a real Redis, publication only after commit."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
import redis.asyncio as aioredis
from sqlalchemy import text

from backend.config import Settings
from backend.db.engine import Database
from backend.events import broker as broker_module
from backend.events.broker import RESYNC, Broker, InProcessBroker, RedisBroker
from backend.events.publish import queue
from tests.support.services import require_redis


async def _collect(subscriber: Any, count: int, seconds: float = 10) -> list[Any]:
    async with asyncio.timeout(seconds):
        return [await subscriber.get() for _ in range(count)]


def _redis_pair(url: str) -> tuple[RedisBroker, RedisBroker]:
    """Two brokers as two server processes would have them, apart from other test runs."""
    prefix = f"fdtest-{uuid.uuid4().hex[:8]}:"
    return (
        RedisBroker(url, prefix=prefix, name=f"{prefix}a"),
        RedisBroker(url, prefix=prefix, name=f"{prefix}b"),
    )


async def test_in_process_delivers_in_order() -> None:
    broker = InProcessBroker()
    async with broker.subscribe("request:1") as first, broker.subscribe("request:1") as second:
        async with broker.subscribe("request:2") as other:
            for i in range(1000):
                await broker.publish("request:1", {"eventId": i})
            assert [m["eventId"] for m in await _collect(first, 1000)] == list(range(1000))
            assert [m["eventId"] for m in await _collect(second, 1000)] == list(range(1000))
            assert other.queue.empty()
    assert broker.subscriber_count == 0


async def test_overflow_turns_into_resync(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(broker_module, "QUEUE_SIZE", 3)
    broker = InProcessBroker()
    async with broker.subscribe("c") as subscriber:
        for i in range(10):
            await broker.publish("c", {"eventId": i})
        received = await _collect(subscriber, 4)
        assert [m["eventId"] for m in received[:3]] == [0, 1, 2]
        assert received[3] is RESYNC  # the reader replays from the database
        await broker.publish("c", {"eventId": 10})
        assert (await subscriber.get()) == {"eventId": 10}


async def test_redis_crosses_processes_complete_and_in_order() -> None:
    url = require_redis()
    publisher, listener = _redis_pair(url)
    await publisher.start()
    await listener.start()
    try:
        await listener.wait_connected()
        async with listener.subscribe("request:7") as subscriber:
            for i in range(1000):
                await publisher.publish("request:7", {"eventId": i})
            received = await _collect(subscriber, 1000)
        assert [m["eventId"] for m in received] == list(range(1000))
    finally:
        await publisher.stop()
        await listener.stop()


async def test_redis_subscription_is_live_when_subscribe_returns() -> None:
    """A stream subscribes, then reads the database: whatever is published after subscribe
    returns must arrive, for the first subscriber of a channel and for later ones."""
    url = require_redis()
    publisher, listener = _redis_pair(url)
    await publisher.start()
    await listener.start()
    try:
        await listener.wait_connected()
        for n in range(50):
            channel = f"request:{n}"
            async with listener.subscribe(channel) as first:
                await publisher.publish(channel, {"eventId": n})
                async with listener.subscribe(channel) as second:
                    await publisher.publish(channel, {"eventId": -n})
                    # The first message may still have been in flight: readers dedupe by id.
                    got = await _collect(second, 1, seconds=5)
                    if got == [{"eventId": n}]:
                        got = await _collect(second, 1, seconds=5)
                    assert got == [{"eventId": -n}]
                assert await _collect(first, 2, seconds=5) == [{"eventId": n}, {"eventId": -n}]
    finally:
        await publisher.stop()
        await listener.stop()


async def test_redis_reconnects_and_tells_subscribers_to_resync() -> None:
    url = require_redis()
    publisher, listener = _redis_pair(url)
    await publisher.start()
    await listener.start()
    admin = aioredis.Redis.from_url(url)
    try:
        await listener.wait_connected()
        async with listener.subscribe("request:9") as subscriber:
            await asyncio.sleep(0.2)
            await publisher.publish("request:9", {"eventId": 1})
            assert (await _collect(subscriber, 1))[0] == {"eventId": 1}
            # Drop the listener's pub/sub connection, as a network failure would.
            clients = await admin.client_list(_type="pubsub")
            ours = [c["id"] for c in clients if c.get("name") == listener.name]
            assert ours
            for client_id in ours:
                await admin.client_kill_filter(_id=client_id)
            assert await subscriber.get() is RESYNC
            await listener.wait_connected()
            await asyncio.sleep(0.2)
            await publisher.publish("request:9", {"eventId": 2})
            assert (await _collect(subscriber, 1))[0] == {"eventId": 2}
    finally:
        await admin.aclose()
        await publisher.stop()
        await listener.stop()


@pytest.mark.parametrize("kind", ["in-process", "redis"])
async def test_messages_are_published_only_after_commit(tmp_path: Any, kind: str) -> None:
    broker: Broker = InProcessBroker() if kind == "in-process" else _redis_pair(require_redis())[0]
    await broker.start()
    db = Database.from_settings(Settings(data_dir=tmp_path))
    db.publisher = broker.publish
    try:
        if isinstance(broker, RedisBroker):
            await broker.wait_connected()
        async with broker.subscribe("request:1") as subscriber:
            await asyncio.sleep(0.2)
            with pytest.raises(RuntimeError):
                async with db.transaction() as session:
                    await session.execute(text("SELECT 1"))
                    queue(session, "request:1", {"eventId": "rolled back"})
                    raise RuntimeError("abort")
            async with db.transaction() as session:
                queue(session, "request:1", {"eventId": "committed"})
                # Nothing is out before the commit.
                await asyncio.sleep(0.1)
                assert subscriber.queue.empty()
            assert (await _collect(subscriber, 1))[0] == {"eventId": "committed"}
            await asyncio.sleep(0.2)
            assert subscriber.queue.empty()
    finally:
        await broker.stop()
        await db.dispose()
