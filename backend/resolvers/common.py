"""Helpers every resolver uses: require a viewer, run a write transaction into a payload."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.viewer import Viewer
from backend.context import Context
from backend.domain.audit import Actor
from backend.domain.errors import DomainError, Problem
from backend.observability.request_id import current_request_id
from backend.schema.errors import Unauthenticated

T = TypeVar("T")


def require_viewer(context: Context) -> Viewer:
    if context.viewer is None:
        raise Unauthenticated()
    return context.viewer


def audit_actor(context: Context) -> Actor:
    """The signed-in viewer as the actor of audit log entries, with the request's id."""
    viewer = require_viewer(context)
    return Actor(viewer.user_id, viewer.email, request_id=current_request_id())


CONFLICT = Problem(
    (), "CONFLICT", "Someone else changed the same thing at the same moment; please try again."
)


async def in_transaction(
    context: Context,
    work: Callable[[AsyncSession], Awaitable[T]],
    *,
    raise_conflicts: bool = False,
    inline_writes: bool = False,
) -> tuple[T | None, list[Problem]]:
    """Run `work` in one write transaction. A DomainError rolls everything back and comes
    back as problems; nothing is half-written. A unique constraint hit by a concurrent write
    (two admins creating the same name at once) is a CONFLICT problem, not a server error,
    unless the caller handles it (`raise_conflicts`). `inline_writes`: see
    Database.transaction."""
    try:
        async with context.db.transaction(inline_writes=inline_writes) as session:
            result = await work(session)
    except DomainError as error:
        return None, error.problems
    except IntegrityError:
        if raise_conflicts:
            raise
        return None, [CONFLICT]
    # Loaders may hold rows read earlier in this request (several mutations in one document);
    # the payload must show what was just written.
    context.reset_loaders()
    return result, []
