"""Batch query helpers shared by the loaders: rows by id, and windowed pages per parent.

Each helper issues exactly one SQL statement, on a connection of its own (given a Database):
DataLoader batches of one tick run concurrently and a connection must not be shared between
them. Given an open connection instead, they run on it: a caller that issues its statements
one after another (the compiled overview) saves a pool checkout and reset per statement.
They run Core statements on a plain connection (no ORM session: these rows become API objects
directly), and the statements are built once per shape with bound parameters, so a batch costs
binding values, not rebuilding SQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from backend.db.engine import Database

# Where a helper runs its statement: a pooled connection of its own, or this open one.
Source = Database | AsyncConnection

_BY_ID: dict[tuple[Any, ...], Select[Any]] = {}
_WINDOWED: dict[tuple[Any, ...], Select[Any]] = {}


async def fetch_all(db: Source, stmt: Any, params: dict[str, Any] | None = None) -> list[Any]:
    """All rows of one Core statement, on `db` when it is a connection, else on a pooled
    connection of its own."""
    if isinstance(db, AsyncConnection):
        return list((await db.execute(stmt, params or {})).all())
    async with db.engine.connect() as connection:
        return list((await connection.execute(stmt, params or {})).all())


async def rows_by_id(
    db: Source, columns: Sequence[Any], id_column: Any, ids: Sequence[int]
) -> list[Row[Any] | None]:
    key = (*columns, id_column)
    stmt = _BY_ID.get(key)
    if stmt is None:
        stmt = _BY_ID[key] = select(*columns).where(
            id_column.in_(bindparam("fd_ids", expanding=True))
        )
    by_id = {row.id: row for row in await fetch_all(db, stmt, {"fd_ids": list(set(ids))})}
    return [by_id.get(i) for i in ids]


async def rows_grouped(
    db: Source, stmt: Select[Any], key_column: str, keys: Sequence[int]
) -> list[list[Row[Any]]]:
    grouped: dict[int, list[Row[Any]]] = defaultdict(list)
    for row in await fetch_all(db, stmt):
        grouped[getattr(row, key_column)].append(row)
    return [grouped.get(k, []) for k in keys]


def _windowed_statement(
    columns: Sequence[Any],
    parent_column: Any,
    id_column: Any,
    where: Sequence[ColumnElement[bool]],
    with_after: bool,
) -> Select[Any]:
    # Numbered by (parent, id) alone, which an index on the pair covers, and only the rows
    # kept are read whole: carrying every row's columns (a comment's body) through the
    # window's sort cost SQLite 0.75 ms for a page of 50 requests' comments, this 0.45.
    keys = (
        select(
            parent_column.label("fd_parent"),
            id_column.label("fd_id"),
            func.count().over(partition_by=parent_column).label("fd_total"),
        )
        .where(parent_column.in_(bindparam("fd_parents", expanding=True)), *where)
        .subquery()
    )
    numbered = select(
        keys,
        func.row_number().over(partition_by=keys.c.fd_parent, order_by=keys.c.fd_id).label("fd_rn"),
    )
    if with_after:
        numbered = numbered.where(keys.c.fd_id > bindparam("fd_after"))
    kept = numbered.subquery()
    return (
        select(*columns, kept.c.fd_parent, kept.c.fd_id, kept.c.fd_total, kept.c.fd_rn)
        .select_from(kept)
        .join(id_column.class_, id_column == kept.c.fd_id)
        .where(kept.c.fd_rn <= bindparam("fd_limit"))
        .order_by(kept.c.fd_parent, kept.c.fd_rn)
    )


async def windowed_pages(
    db: Source,
    *,
    columns: Sequence[Any],
    parent_column: Any,
    parent_ids: Sequence[int],
    id_column: Any,
    first: int,
    after_id: int | None,
    where: Sequence[ColumnElement[bool]] = (),
    where_key: Hashable | None = None,
) -> dict[int, tuple[list[Row[Any]], int]]:
    """Up to first + 1 rows (the extra one tells whether a next page exists) per parent,
    ordered by id after `after_id`, with each parent's total, in one statement.

    The statement is built once per shape and cached; a non-empty `where` is cached only
    under the caller's `where_key`, which must name everything the conditions depend on."""
    cacheable = not where or where_key is not None
    key = (*columns, parent_column, id_column, where_key, after_id is not None)
    stmt = _WINDOWED.get(key) if cacheable else None
    if stmt is None:
        stmt = _windowed_statement(columns, parent_column, id_column, where, after_id is not None)
        if cacheable:
            _WINDOWED[key] = stmt
    params: dict[str, Any] = {"fd_parents": list(set(parent_ids)), "fd_limit": first + 1}
    if after_id is not None:
        params["fd_after"] = after_id
    pages: dict[int, tuple[list[Row[Any]], int]] = {}
    for row in await fetch_all(db, stmt, params):
        parent = row.fd_parent
        page = pages.get(parent)
        if page is None:
            pages[parent] = ([row], row.fd_total)
        else:
            page[0].append(row)
    if after_id is not None:
        # Parents whose rows all precede the cursor still need their total.
        missing = [p for p in set(parent_ids) if p not in pages]
        if missing:
            totals = await fetch_all(
                db,
                select(parent_column, func.count())
                .where(parent_column.in_(missing), *where)
                .group_by(parent_column),
            )
            for parent, total in totals:
                pages[parent] = ([], total)
    return pages
