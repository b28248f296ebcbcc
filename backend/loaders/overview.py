"""The requests overview's per-user settings, and the statements of the compiled overview."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased

from backend.db.engine import Database
from backend.db.models import Comment, PortalSettings, User
from backend.domain import overview
from backend.domain.catalog import scheme_by_key
from backend.domain.priority import DEFAULT, PriorityScheme
from backend.loaders.detail import COMMENT_COLUMNS
from backend.loaders.queries import fetch_all, rows_by_id, windowed_pages


async def load_overview_columns(db: Database, user_ids: Sequence[int]) -> list[list[str] | None]:
    """users.overview_columns per user (None: unset, the defaults apply)."""
    async with db.read() as session:
        result = await session.execute(
            select(User.id, User.overview_columns).where(User.id.in_(set(user_ids)))
        )
        found = {row.id: row.overview_columns for row in result}
    return [found.get(i) for i in user_ids]


# ---- the compiled overview (backend/schema/compiled.py): its statements, one after another
# on one connection (a pool checkout and reset per statement cost more than the statement).


@dataclass(frozen=True)
class Joined:
    """A to-one relation read in the page's own statement: the target's columns (as its
    loader reads them), labelled `fd_rel_<name>_<key>`, left-joined on the request's column."""

    name: str
    columns: tuple[Any, ...]  # ORM attributes of one entity, the first its id
    foreign_key: Any  # the Request column holding the target's id

    @cached_property
    def target(self) -> Any:
        return aliased(self.columns[0].class_, name=f"fd_rel_{self.name}")

    @cached_property
    def labelled(self) -> list[Any]:
        return [
            getattr(self.target, c.key).label(f"fd_rel_{self.name}_{c.key}") for c in self.columns
        ]

    @cached_property
    def row(self) -> Callable[[Sequence[Any]], Any]:
        # Rows of the relation as named tuples with the loader's attribute names.
        return namedtuple(f"{self.name}_row", [c.key for c in self.columns])._make  # type: ignore[misc]


# The active priority scheme's key, read with the page (the portal settings row, id 1).
SCHEME_KEY = (
    select(PortalSettings.priority_scheme_key)
    .where(PortalSettings.id == 1)
    .scalar_subquery()
    .label("fd_scheme_key")
)


@dataclass
class Page:
    rows: list[Row[Any]]
    related: dict[str, dict[int, Any]]  # per Joined name: its rows by id
    scheme: PriorityScheme | None


def _selected(columns: Sequence[Any], joined: Sequence[Joined], scheme: bool) -> list[Any]:
    selected = [*columns, *(c for j in joined for c in j.labelled)]
    if scheme:
        selected.append(SCHEME_KEY)
    return selected


def _with_relations(joined: Sequence[Joined], stmt: Select[Any]) -> Select[Any]:
    for relation in joined:
        target = relation.target
        stmt = stmt.outerjoin(target, target.id == relation.foreign_key)
    return stmt


def page_statement(
    plan: overview.Plan,
    columns: Sequence[Any],
    limit: int,
    position: Sequence[Any] | None,
    joined: Sequence[Joined] = (),
    scheme: bool = False,
) -> Select[Any]:
    """Up to `limit` rows of the list (the overview resolver's statement with only the given
    request columns), with the `joined` relations and the priority scheme's key in the same
    statement: one statement where the loaders issue one per relation. Not for a ranked
    search, whose page is read in tiers: see ranked_page_rows."""
    return _with_relations(joined, plan.page(_selected(columns, joined, scheme), limit, position))


async def page_rows(
    connection: AsyncConnection,
    stmt: Select[Any],
    columns: Sequence[Any],
    joined: Sequence[Joined] = (),
    scheme: bool = False,
) -> Page:
    """The rows of a `page_statement` made with the same arguments, and its relations."""
    return _page(await fetch_all(connection, stmt), columns, joined, scheme)


async def ranked_page_rows(
    connection: AsyncConnection,
    plan: overview.Plan,
    columns: Sequence[Any],
    limit: int,
    position: Sequence[Any] | None,
    joined: Sequence[Joined] = (),
    scheme: bool = False,
) -> Page:
    """A ranked search's page as page_rows gives a list's: each tier's statement (see
    Plan.fetch_page) with the same relations and scheme key."""
    rows = await plan.fetch_page(
        connection,
        _selected(columns, joined, scheme),
        limit,
        position,
        partial(_with_relations, joined),
    )
    return _page(rows, columns, joined, scheme)


def _page(rows: list[Any], columns: Sequence[Any], joined: Sequence[Joined], scheme: bool) -> Page:
    related: dict[str, dict[int, Any]] = {}
    start = len(columns)
    for relation in joined:
        end = start + len(relation.columns)
        found = related[relation.name] = {}
        make = relation.row
        for row in rows:
            pk = row[start]
            if pk is not None and pk not in found:
                found[pk] = make(row[start:end])
        start = end
    level = None
    if scheme and rows:
        key = rows[0].fd_scheme_key
        level = scheme_by_key(key if key is not None else DEFAULT.key)
    return Page(rows, related, level)


async def rows_of(
    connection: AsyncConnection, columns: Sequence[Any], id_column: Any, ids: Collection[int]
) -> dict[int, Row[Any]]:
    """Rows by id, as the users, request types and organisations loaders read them."""
    if not ids:
        return {}
    rows = await rows_by_id(connection, columns, id_column, sorted(ids))
    return {row.id: row for row in rows if row is not None}


async def comment_pages(
    connection: AsyncConnection,
    request_ids: Sequence[int],
    first: int,
    after: int | None,
    include_internal: bool,
) -> dict[int, tuple[list[Row[Any]], int]]:
    """`comments(first:, after:)` of each request: up to first + 1 rows and the total, as the
    comment page loader reads them (internal notes only for `include_internal`)."""
    if not request_ids:
        return {}
    return await windowed_pages(
        connection,
        columns=COMMENT_COLUMNS,
        parent_column=Comment.request_id,
        parent_ids=request_ids,
        id_column=Comment.id,
        first=first,
        after_id=after,
        where=[] if include_internal else [Comment.internal.is_(False)],
        where_key=include_internal,
    )


async def request_count(connection: AsyncConnection, plan: overview.Plan) -> int:
    """`totalCount` of the list."""
    return int((await connection.execute(plan.count())).scalar() or 0)
