"""Batch query helpers shared by the loaders: rows by id, and windowed pages per parent.

Each helper issues exactly one SQL statement, in a session of its own: DataLoader batches of
one tick run concurrently and an AsyncSession must not be shared between them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.engine import Row

from backend.db.engine import Database


async def rows_by_id(
    db: Database, columns: Sequence[Any], id_column: Any, ids: Sequence[int]
) -> list[Row[Any] | None]:
    async with db.read() as session:
        result = await session.execute(select(*columns).where(id_column.in_(set(ids))))
        by_id = {row.id: row for row in result}
    return [by_id.get(i) for i in ids]


async def rows_grouped(
    db: Database, stmt: Select[Any], key_column: str, keys: Sequence[int]
) -> list[list[Row[Any]]]:
    async with db.read() as session:
        result = await session.execute(stmt)
        grouped: dict[int, list[Row[Any]]] = defaultdict(list)
        for row in result:
            grouped[getattr(row, key_column)].append(row)
    return [grouped.get(k, []) for k in keys]


async def windowed_pages(
    db: Database,
    *,
    columns: Sequence[Any],
    parent_column: Any,
    parent_ids: Sequence[int],
    id_column: Any,
    first: int,
    after_id: int | None,
    where: Sequence[ColumnElement[bool]] = (),
) -> dict[int, tuple[list[Row[Any]], int]]:
    """Up to first + 1 rows (the extra one tells whether a next page exists) per parent,
    ordered by id after `after_id`, with each parent's total, in one statement."""
    inner = (
        select(
            *columns,
            parent_column.label("fd_parent"),
            id_column.label("fd_id"),
            func.count().over(partition_by=parent_column).label("fd_total"),
        )
        .where(parent_column.in_(set(parent_ids)), *where)
        .subquery()
    )
    middle = select(
        inner,
        func.row_number()
        .over(partition_by=inner.c.fd_parent, order_by=inner.c.fd_id)
        .label("fd_rn"),
    )
    if after_id is not None:
        middle = middle.where(inner.c.fd_id > after_id)
    middle_sq = middle.subquery()
    stmt = (
        select(middle_sq)
        .where(middle_sq.c.fd_rn <= first + 1)
        .order_by(middle_sq.c.fd_parent, middle_sq.c.fd_rn)
    )
    pages: dict[int, tuple[list[Row[Any]], int]] = {}
    async with db.read() as session:
        for row in await session.execute(stmt):
            rows, _ = pages.get(row.fd_parent, ([], 0))
            rows.append(row)
            pages[row.fd_parent] = (rows, row.fd_total)
    if after_id is not None:
        # Parents whose rows all precede the cursor still need their total.
        missing = [p for p in set(parent_ids) if p not in pages]
        if missing:
            async with db.read() as session:
                totals = await session.execute(
                    select(parent_column, func.count())
                    .where(parent_column.in_(missing), *where)
                    .group_by(parent_column)
                )
                for parent, total in totals:
                    pages[parent] = ([], total)
    return pages
