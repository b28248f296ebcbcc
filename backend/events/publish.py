"""Queue messages in a write transaction; the database publishes them after the commit.

Channels: `request:<id>` for one request's timeline, `requests` for list changes. Messages
carry ids only: subscribers reload what they may see.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.engine import PENDING_MESSAGES

REQUESTS_CHANNEL = "requests"


def request_channel(request_id: int) -> str:
    return f"request:{request_id}"


def queue(session: AsyncSession, channel: str, message: dict[str, Any]) -> None:
    session.info.setdefault(PENDING_MESSAGES, []).append((channel, message))


def timeline_event(session: AsyncSession, *, request_id: int, event_id: int, kind: str) -> None:
    """Announce a committed timeline event to the request's stream and to list watchers."""
    message = {"requestId": request_id, "eventId": event_id, "kind": kind}
    queue(session, request_channel(request_id), message)
    queue(session, REQUESTS_CHANNEL, message)
