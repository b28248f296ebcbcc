"""What the request detail shows: comment and timeline pages, files, the viewer's
notification choice and the workflow rows. One statement per batch (and per page shape)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, or_, select, tuple_
from sqlalchemy.engine import Row

from backend.db.engine import Database
from backend.db.models import (
    Attachment,
    Comment,
    RequestNotificationSetting,
    TimelineEvent,
    WorkflowTransition,
)
from backend.loaders.lazy import LoaderGroup, loader
from backend.loaders.queries import rows_by_id, rows_grouped, windowed_pages

COMMENT_COLUMNS = (
    Comment.id,
    Comment.request_id,
    Comment.author_id,
    Comment.body,
    Comment.internal,
    Comment.created_at,
)
EVENT_COLUMNS = (
    TimelineEvent.id,
    TimelineEvent.request_id,
    TimelineEvent.kind,
    TimelineEvent.actor_id,
    TimelineEvent.data,
    TimelineEvent.internal,
    TimelineEvent.created_at,
)
ATTACHMENT_COLUMNS = (
    Attachment.id,
    Attachment.request_id,
    Attachment.comment_id,
    Attachment.field_key,
    Attachment.filename,
    Attachment.size,
    Attachment.content_type,
    Attachment.created_at,
)

# request id, first, after id, include internal
PageKey = tuple[int, int, int | None, bool]


async def _pages(
    db: Database,
    keys: Sequence[PageKey],
    *,
    columns: Sequence[Any],
    parent: Any,
    id_column: Any,
    internal: Any,
) -> list[tuple[list[Row[Any]], int]]:
    groups: dict[tuple[int, int | None, bool], list[int]] = {}
    for request_id, first, after, include_internal in keys:
        groups.setdefault((first, after, include_internal), []).append(request_id)
    results: dict[PageKey, tuple[list[Row[Any]], int]] = {}
    for (first, after, include_internal), request_ids in groups.items():
        # Internal rows are filtered in SQL, so customers' counts and cursors never see them.
        where = [] if include_internal else [internal.is_(False)]
        pages = await windowed_pages(
            db,
            columns=columns,
            parent_column=parent,
            parent_ids=request_ids,
            id_column=id_column,
            first=first,
            after_id=after,
            where=where,
            where_key=include_internal,
        )
        for request_id in request_ids:
            results[(request_id, first, after, include_internal)] = pages.get(request_id, ([], 0))
    return [results[k] for k in keys]


async def load_comment_pages(
    db: Database, keys: Sequence[PageKey]
) -> list[tuple[list[Row[Any]], int]]:
    return await _pages(
        db,
        keys,
        columns=COMMENT_COLUMNS,
        parent=Comment.request_id,
        id_column=Comment.id,
        internal=Comment.internal,
    )


async def load_event_pages(
    db: Database, keys: Sequence[PageKey]
) -> list[tuple[list[Row[Any]], int]]:
    return await _pages(
        db,
        keys,
        columns=EVENT_COLUMNS,
        parent=TimelineEvent.request_id,
        id_column=TimelineEvent.id,
        internal=TimelineEvent.internal,
    )


async def load_comments(db: Database, ids: Sequence[int]) -> list[Row[Any] | None]:
    return await rows_by_id(db, COMMENT_COLUMNS, Comment.id, ids)


async def load_attachments_by_id(db: Database, ids: Sequence[int]) -> list[Row[Any] | None]:
    return await rows_by_id(db, ATTACHMENT_COLUMNS, Attachment.id, ids)


async def load_attachments_of_comments(
    db: Database, comment_ids: Sequence[int]
) -> list[list[Row[Any]]]:
    stmt = (
        select(*ATTACHMENT_COLUMNS)
        .where(Attachment.comment_id.in_(set(comment_ids)))
        .order_by(Attachment.comment_id, Attachment.id)
    )
    return await rows_grouped(db, stmt, "comment_id", comment_ids)


def _not_internal_note() -> ColumnElement[bool]:
    internal_notes = select(Comment.id).where(Comment.internal.is_(True))
    return or_(Attachment.comment_id.is_(None), Attachment.comment_id.not_in(internal_notes))


async def load_request_attachments(
    db: Database, keys: Sequence[tuple[int, bool]]
) -> list[list[Row[Any]]]:
    """Files of requests (fields, direct, comments); without internal notes' files unless
    the key says so. Keys: (request id, include internal)."""
    results: dict[tuple[int, bool], list[Row[Any]]] = {}
    for include_internal in (True, False):
        ids = [r for r, inc in keys if inc is include_internal]
        if not ids:
            continue
        stmt = (
            select(*ATTACHMENT_COLUMNS)
            .where(Attachment.request_id.in_(set(ids)))
            .order_by(Attachment.request_id, Attachment.id)
        )
        if not include_internal:
            stmt = stmt.where(_not_internal_note())
        for request_id, group in zip(
            ids, await rows_grouped(db, stmt, "request_id", ids), strict=True
        ):
            results[(request_id, include_internal)] = group
    return [results[k] for k in keys]


async def load_notification_settings(
    db: Database, keys: Sequence[tuple[int, int]]
) -> list[bool | None]:
    """The stored choice per (request id, user id); None: no row (the default)."""
    stmt = select(
        RequestNotificationSetting.request_id,
        RequestNotificationSetting.user_id,
        RequestNotificationSetting.enabled,
    ).where(
        tuple_(RequestNotificationSetting.request_id, RequestNotificationSetting.user_id).in_(
            list(set(keys))
        )
    )
    async with db.read() as session:
        found = {(r.request_id, r.user_id): r.enabled for r in await session.execute(stmt)}
    return [found.get(k) for k in keys]


async def load_transitions_from(db: Database, statuses: Sequence[str]) -> list[list[Row[Any]]]:
    stmt = (
        select(
            WorkflowTransition.id,
            WorkflowTransition.from_status,
            WorkflowTransition.to_status,
            WorkflowTransition.actor,
            WorkflowTransition.name,
        )
        .where(WorkflowTransition.from_status.in_(set(statuses)))
        .order_by(WorkflowTransition.id)
    )
    async with db.read() as session:
        grouped: dict[str, list[Row[Any]]] = {}
        for row in await session.execute(stmt):
            grouped.setdefault(row.from_status, []).append(row)
    return [grouped.get(s, []) for s in statuses]


class DetailLoaders(LoaderGroup):
    comment_page = loader(load_comment_pages)
    event_page = loader(load_event_pages)
    comment = loader(load_comments)
    attachment = loader(load_attachments_by_id)
    attachments_of_comment = loader(load_attachments_of_comments)
    request_attachments = loader(load_request_attachments)
    notification_setting = loader(load_notification_settings)
    transitions_from = loader(load_transitions_from)
