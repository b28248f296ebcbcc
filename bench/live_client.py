"""Many graphql-transport-ws subscribers of one request's timeline, in a process of their own.

    python -m bench.live_client URL TOKEN REQUEST_ID COUNT

Opens COUNT WebSocket connections (one subscription each), prints READY when all are
subscribed, records time.monotonic() (the same clock in every process of the machine) for each
CommentAddedEvent a subscriber receives, keyed by the comment's body, and when a line "DONE"
arrives on stdin prints one JSON line {body: [receive times]} and exits.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import defaultdict
from typing import Any

import websockets

SUBSCRIPTION = """subscription($requestId: ID!) {
  requestTimeline(requestId: $requestId) {
    __typename kind createdAt
    ... on CommentAddedEvent { comment { body } }
  }
}"""


async def subscriber(
    url: str,
    token: str,
    request_id: str,
    received: dict[str, list[float]],
    ready: asyncio.Event,
    subscribed: list[int],
    count: int,
    stop: asyncio.Event,
) -> None:
    async with websockets.connect(
        url,
        subprotocols=["graphql-transport-ws"],
        open_timeout=60,
        max_queue=None,
        ping_interval=None,
    ) as ws:
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        )
        ack = json.loads(await ws.recv())
        if ack.get("type") != "connection_ack":
            raise RuntimeError(f"not acknowledged: {ack}")
        await ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": SUBSCRIPTION, "variables": {"requestId": request_id}},
                }
            )
        )
        subscribed[0] += 1
        if subscribed[0] == count:
            ready.set()
        while not stop.is_set():
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout=0.5)
            except TimeoutError:
                continue
            now = time.monotonic()
            message: dict[str, Any] = json.loads(raw)
            if message.get("type") == "ping":
                await ws.send(json.dumps({"type": "pong"}))
                continue
            if message.get("type") != "next":
                continue
            event = message["payload"].get("data", {}).get("requestTimeline") or {}
            body = (event.get("comment") or {}).get("body")
            if body:
                received[body].append(now)


async def main(url: str, token: str, request_id: str, count: int) -> None:
    received: dict[str, list[float]] = defaultdict(list)
    ready, stop = asyncio.Event(), asyncio.Event()
    subscribed = [0]
    tasks = []
    for i in range(count):
        tasks.append(
            asyncio.create_task(
                subscriber(url, token, request_id, received, ready, subscribed, count, stop)
            )
        )
        if i % 50 == 49:
            await asyncio.sleep(0.05)  # do not open a thousand handshakes in one burst
    waiter = asyncio.create_task(ready.wait())
    await asyncio.wait([waiter, *tasks], return_when=asyncio.FIRST_COMPLETED, timeout=180)
    if not ready.is_set():
        failed = [t for t in tasks if t.done() and t.exception()]
        print(
            json.dumps(
                {
                    "error": repr(failed[0].exception()) if failed else "timeout",
                    "subscribed": subscribed[0],
                }
            ),
            flush=True,
        )
        stop.set()
        return
    print("READY", flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.readline)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    print(json.dumps({"subscribed": subscribed[0], "received": received}), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
