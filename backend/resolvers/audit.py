"""`auditLog`: admin actions, newest first, keyset-paged by id; and its node resolution."""

from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy import ColumnElement, func, select

from backend.auth import policies
from backend.auth.viewer import Viewer
from backend.context import Context
from backend.db.models import AuditLogEntry as EntryRow
from backend.resolvers.common import require_viewer
from backend.schema.audit import AuditLogEntry, AuditLogFilter
from backend.schema.errors import BadUserInput, PublicError
from backend.schema.relay import (
    Connection,
    InvalidId,
    Page,
    after_id,
    check_first,
    decode_id,
    expect_argument_id,
    to_connection,
)

_COLUMNS = (
    EntryRow.id,
    EntryRow.actor_id,
    EntryRow.actor_label,
    EntryRow.action,
    EntryRow.target_type,
    EntryRow.target_id,
    EntryRow.before,
    EntryRow.after,
    EntryRow.request_id,
    EntryRow.created_at,
)
# Longer than any stored value: a longer filter cannot match and is refused as malformed.
_MAX_ACTION = 60
_MAX_TARGET_TYPE = 40


def _conditions(filter: AuditLogFilter | None) -> list[ColumnElement[bool]]:
    if filter is None:
        return []
    where: list[ColumnElement[bool]] = []
    if filter.action is not None:
        if len(filter.action) > _MAX_ACTION:
            raise BadUserInput("`filter.action` is too long.", "filter")
        where.append(EntryRow.action == filter.action)
    if filter.actor_id is not None:
        where.append(EntryRow.actor_id == expect_argument_id(filter.actor_id, "User", "filter"))
    if filter.target_id is not None:
        try:
            type_name, pk = decode_id(filter.target_id)
        except InvalidId:
            raise BadUserInput("`filter.targetId` is not a valid ID.", "filter") from None
        where += [EntryRow.target_type == type_name, EntryRow.target_id == pk]
    if filter.target_type is not None:
        if len(filter.target_type) > _MAX_TARGET_TYPE:
            raise BadUserInput("`filter.targetType` is too long.", "filter")
        where.append(EntryRow.target_type == filter.target_type)
    return where


async def audit_log(
    info: strawberry.Info, first: int | None, after: str | None, filter: AuditLogFilter | None
) -> Connection[AuditLogEntry]:
    context: Context = info.context
    viewer = require_viewer(context)
    if not policies.can_read_audit_log(viewer):
        raise PublicError("Only admins may read the audit log.", "FORBIDDEN")
    size = check_first(first)
    before_id = after_id(after)
    where = _conditions(filter)
    # One statement: the page (newest first, ids grow with time) and the filtered total.
    inner = select(*_COLUMNS, func.count().over().label("fd_total")).where(*where).subquery()
    stmt = select(inner)
    if before_id is not None:
        stmt = stmt.where(inner.c.id < before_id)
    stmt = stmt.order_by(inner.c.id.desc()).limit(size + 1)
    async with context.db.read() as session:
        rows = (await session.execute(stmt)).all()
        if rows or before_id is None:
            total = rows[0].fd_total if rows else 0
        else:
            total = await session.scalar(select(func.count()).select_from(EntryRow).where(*where))
    return to_connection(
        Page(rows, int(total or 0)),
        size,
        after is not None,
        AuditLogEntry.from_row,
        lambda r: (r.id,),
    )


async def audit_log_entry_node(context: Context, viewer: Viewer, pk: int) -> Any:
    if not policies.can_read_audit_log(viewer):
        return None
    async with context.db.read() as session:
        row = (await session.execute(select(*_COLUMNS).where(EntryRow.id == pk))).first()
    return AuditLogEntry.from_row(row) if row else None
