"""The checks a live stream repeats on every event, for many streams at once: who its viewer
is now (backend.auth.sessions.refresh_viewer, batched) and whether they may still see the
request (policies.request_filter, one statement for every distinct viewer state)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from backend.auth import policies, sessions
from backend.auth.sessions import ViewerKey
from backend.auth.viewer import Viewer
from backend.db.engine import Database
from backend.db.models import Request as RequestRow

# Visibility columns per statement: the statement stays small however many viewers differ.
_VISIBILITY_CHUNK = 50


def viewer_key(viewer: Viewer) -> ViewerKey:
    return (viewer.session_id, viewer.api_token_id)


async def refresh_viewers(
    db: Database, keys: Iterable[ViewerKey]
) -> dict[ViewerKey, Viewer | None]:
    """sessions.refresh_viewers on a read session of its own."""
    async with db.read() as session:
        return await sessions.refresh_viewers(session, keys)


@dataclass(frozen=True, slots=True)
class Access:
    """What policies.request_filter looks at: viewers with equal Access see the same
    requests, so visibility is decided once for all of them."""

    staff: bool
    user_id: int
    organisations: tuple[int, ...]

    @classmethod
    def of(cls, viewer: Viewer) -> Access:
        if viewer.is_staff:  # staff see every request
            return cls(True, 0, ())
        return cls(False, viewer.user_id, tuple(sorted(viewer.memberships)))


async def visible_to(db: Database, request_id: int, viewers: list[Viewer]) -> list[bool]:
    """Whether each viewer may see the request (policies.request_filter), one EXISTS column
    per viewer in one statement (per _VISIBILITY_CHUNK viewers)."""
    answers: list[bool] = []
    async with db.read() as session:
        for start in range(0, len(viewers), _VISIBILITY_CHUNK):
            chunk = viewers[start : start + _VISIBILITY_CHUNK]
            columns = [
                select(RequestRow.id)
                .where(RequestRow.id == request_id, policies.request_filter(viewer))
                .exists()
                .label(f"v{i}")
                for i, viewer in enumerate(chunk)
            ]
            row = (await session.execute(select(*columns))).one()
            answers += [bool(value) for value in row]
    return answers
