"""The requests overview: one filtered, ordered keyset page of requests, as SQL.

Built from plain values (no strawberry): the resolver decodes IDs and cursors, this module
decides what is selected and in which order. `policies.request_filter(viewer)` is ANDed into
every statement, so the overview never shows what `node` or `request` would hide.

Choices (documented in the schema too):
- statusCategory OPEN = every status but RESOLVED, CLOSED, CANCELLED; CLOSED = those three.
- ownership ME = the viewer reported it. COLLEAGUES = for customers, shared with one of their
  organisations (visibility ORGANISATION) and reported by someone else; agents and admins
  belong to no organisation, so for them COLLEAGUES = reported by someone else.
  PARTICIPATING = the viewer is a participant.
- Empty lists in the filter do not restrict; an empty `search` (no words) does not either.
- Order keys: REFERENCE = number, REQUESTER / ASSIGNEE = display name, PRIORITY = rank (1 =
  most urgent first in ASC), STATUS = STATUS_ORDER (open statuses in workflow order, then the
  closed ones), dates as stored. Nullable keys (ASSIGNEE, DUE_DATE) put NULLs last in both
  directions and on both databases: unassigned requests and those without a due date never
  push the ones that have one off the first page. The id is always the final tie-breaker, in
  the direction of the last key. Default order: CREATED_AT DESC; with `search` and no
  orderBy: requests whose own text matches, best rank first, then those found only through
  their comments, best rank first (see search.py), then id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import True_

from backend.auth import policies
from backend.auth.viewer import Viewer
from backend.db.models import Request, RequestParticipant, RequestStatus, User, Visibility
from backend.domain import search

MAX_FILTER_VALUES = 100
MAX_ORDER_KEYS = 3
MAX_SEARCH_LENGTH = 500
MAX_KEY_LENGTH = 40

CLOSED_STATUSES = (RequestStatus.RESOLVED, RequestStatus.CLOSED, RequestStatus.CANCELLED)
# STATUS sort order: open statuses in the order work flows through them, then closed ones.
STATUS_ORDER = (
    RequestStatus.WAITING_FOR_SUPPORT,
    RequestStatus.WAITING_FOR_CUSTOMER,
    RequestStatus.UNDER_INVESTIGATION,
    RequestStatus.UNDER_REVIEW,
    RequestStatus.ESCALATED,
    RequestStatus.REOPENED,
    RequestStatus.RESOLVED,
    RequestStatus.CLOSED,
    RequestStatus.CANCELLED,
)


class StatusCategory(StrEnum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"
    ANY = "ANY"


class Ownership(StrEnum):
    ME = "ME"
    COLLEAGUES = "COLLEAGUES"
    PARTICIPATING = "PARTICIPATING"
    ANY = "ANY"


class OrderField(StrEnum):
    REFERENCE = "REFERENCE"
    REQUESTER = "REQUESTER"
    DUE_DATE = "DUE_DATE"
    ASSIGNEE = "ASSIGNEE"
    PRIORITY = "PRIORITY"
    STATUS = "STATUS"
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"


class Direction(StrEnum):
    ASC = "ASC"
    DESC = "DESC"


class InvalidArgument(Exception):
    """A query argument the overview cannot use; the API answers BAD_USER_INPUT."""

    def __init__(self, argument: str, message: str) -> None:
        super().__init__(message)
        self.argument = argument
        self.message = message


@dataclass(frozen=True, slots=True)
class Filter:
    status_category: StatusCategory = StatusCategory.ANY
    statuses: Sequence[RequestStatus] = ()
    ownership: Ownership = Ownership.ANY
    request_type_ids: Sequence[int] = ()
    organisation_ids: Sequence[int] = ()
    priority_keys: Sequence[str] = ()
    assignee_ids: Sequence[int] = ()
    search: str | None = None


@dataclass(frozen=True, slots=True)
class Order:
    field: OrderField
    direction: Direction = Direction.ASC


DEFAULT_ORDER = (Order(OrderField.CREATED_AT, Direction.DESC),)

_reporter = aliased(User, name="fd_reporter")
_assignee = aliased(User, name="fd_assignee")


@dataclass(frozen=True, slots=True)
class _Key:
    name: str
    expr: ColumnElement[Any]
    descending: bool
    nullable: bool
    kind: type  # of the cursor value: int, str, float or datetime


def _key(order: Order) -> _Key:
    desc = order.direction == Direction.DESC
    f = order.field
    exprs: dict[OrderField, tuple[ColumnElement[Any], bool, type]] = {
        OrderField.REFERENCE: (Request.number, False, int),
        OrderField.REQUESTER: (_reporter.display_name, False, str),
        OrderField.ASSIGNEE: (_assignee.display_name, True, str),
        OrderField.DUE_DATE: (Request.due_at, True, datetime),
        OrderField.PRIORITY: (Request.priority_rank, False, int),
        OrderField.STATUS: (
            case({s.value: i for i, s in enumerate(STATUS_ORDER)}, value=Request.status),
            False,
            int,
        ),
        OrderField.CREATED_AT: (Request.created_at, False, datetime),
        OrderField.UPDATED_AT: (Request.updated_at, False, datetime),
    }
    expr, nullable, kind = exprs[f]
    return _Key(f.value, expr, desc, nullable, kind)


def _int4(value: Any) -> bool:
    # Cursors can be tampered with: an out-of-range integer must be refused, not sent to SQL.
    return type(value) is int and -(2**31) <= value < 2**31


def _check_filter(flt: Filter) -> None:
    lists = {
        "filter.statuses": flt.statuses,
        "filter.requestTypeIds": flt.request_type_ids,
        "filter.organisationIds": flt.organisation_ids,
        "filter.priorityKeys": flt.priority_keys,
        "filter.assigneeIds": flt.assignee_ids,
    }
    for argument, values in lists.items():
        if len(values) > MAX_FILTER_VALUES:
            raise InvalidArgument(argument, f"`{argument}` takes at most {MAX_FILTER_VALUES}.")
    if any(len(k) > MAX_KEY_LENGTH for k in flt.priority_keys):
        raise InvalidArgument("filter.priorityKeys", "`filter.priorityKeys` has a too long key.")
    if flt.search is not None and len(flt.search) > MAX_SEARCH_LENGTH:
        raise InvalidArgument(
            "filter.search", f"`filter.search` has at most {MAX_SEARCH_LENGTH} characters."
        )


def _ownership(viewer: Viewer, ownership: Ownership) -> ColumnElement[bool]:
    if ownership == Ownership.ME:
        return Request.reporter_id == viewer.user_id
    if ownership == Ownership.PARTICIPATING:
        return Request.id.in_(
            select(RequestParticipant.request_id).where(
                RequestParticipant.user_id == viewer.user_id
            )
        )
    if ownership == Ownership.COLLEAGUES:
        others = Request.reporter_id != viewer.user_id
        if viewer.is_staff:
            return others
        if not viewer.memberships:
            return false()
        return and_(
            others,
            Request.visibility == Visibility.ORGANISATION.value,
            Request.organisation_id.in_(list(viewer.memberships)),
        )
    return true()


@dataclass
class Plan:
    """What one `requests(...)` call selects: the WHERE clauses, the order and the search."""

    viewer: Viewer
    dialect: str
    where: list[ColumnElement[bool]]
    keys: list[_Key]
    signature: str
    query: search.SearchQuery | None = None
    ranked: bool = False

    # ---- cursors: [signature, key values..., id]

    @property
    def cursor_arity(self) -> int:
        return len(self.keys) + 2

    def cursor_values(self, row: Any) -> list[Any]:
        values: list[Any] = [self.signature]
        for i in range(len(self.keys)):
            value = getattr(row, f"fd_k{i}")
            values.append(value.isoformat() if isinstance(value, datetime) else value)
        values.append(row.id)
        return values

    def parse_cursor(self, values: Sequence[Any]) -> list[Any]:
        """The key values and id of a decoded cursor; refuses cursors of another order."""
        bad = InvalidArgument("after", "`after` is not a cursor of this order and search.")
        if len(values) != self.cursor_arity or values[0] != self.signature:
            raise bad
        parsed: list[Any] = []
        for key, value in zip(self.keys, values[1:-1], strict=True):
            if value is None and key.nullable:
                parsed.append(None)
            elif key.kind is datetime and isinstance(value, str):
                try:
                    parsed.append(datetime.fromisoformat(value))
                except ValueError:
                    raise bad from None
                if parsed[-1].tzinfo is None:
                    raise bad
            elif key.kind is float and type(value) in (int, float):
                parsed.append(float(value))
            elif key.kind is str and type(value) is str:
                parsed.append(value)
            elif key.kind is int and _int4(value):
                parsed.append(value)
            else:
                raise bad
        if not _int4(values[-1]):
            raise bad
        return [*parsed, values[-1]]

    # ---- statements

    def _after(self, values: Sequence[Any]) -> ColumnElement[bool]:
        """Rows strictly after the cursor in (keys..., id) order, NULLs last."""
        id_key = _Key("id", Request.id, self._id_descending, False, int)
        alternatives: list[ColumnElement[bool]] = []
        equal: list[ColumnElement[bool]] = []
        for key, value in zip([*self.keys, id_key], values, strict=True):
            if value is None:
                # Nothing sorts after a NULL except other NULLs, compared on later keys.
                equal.append(key.expr.is_(None))
                continue
            beyond = key.expr < value if key.descending else key.expr > value
            if key.nullable:
                beyond = or_(beyond, key.expr.is_(None))
            alternatives.append(and_(*equal, beyond))
            equal.append(key.expr == value)
        return or_(*alternatives) if alternatives else false()

    def _from(self, stmt: Select[Any]) -> Select[Any]:
        names = {k.name for k in self.keys}
        if OrderField.REQUESTER.value in names:
            stmt = stmt.join(_reporter, _reporter.id == Request.reporter_id)
        if OrderField.ASSIGNEE.value in names:
            stmt = stmt.outerjoin(_assignee, _assignee.id == Request.assignee_id)
        return stmt

    def _search_where(self) -> list[ColumnElement[bool]]:
        if self.query is None:
            return []
        return [search.match_filter(self.dialect, self.query, include_internal=self._internal)]

    @property
    def _id_descending(self) -> bool:
        # The id breaks ties in the direction of the last key.
        return self.keys[-1].descending if self.keys else False

    @property
    def _internal(self) -> bool:
        return policies.can_see_internal(self.viewer)

    def page(self, columns: Sequence[Any], limit: int, after: Sequence[Any] | None) -> Select[Any]:
        """Up to `limit` rows of `columns` (which must include requests.id) plus the key
        values fd_k0, fd_k1, ... the cursors are made of."""
        if self.ranked:
            raise ValueError("a ranked search is read with fetch_page")
        labelled = [k.expr.label(f"fd_k{i}") for i, k in enumerate(self.keys)]
        stmt = self._from(select(*columns, *labelled).select_from(Request))
        stmt = stmt.where(*self.where, *self._search_where())
        if after is not None:
            stmt = stmt.where(self._after(after))
        order: list[Any] = []
        for key in self.keys:
            term = key.expr.desc() if key.descending else key.expr.asc()
            order.append(term.nulls_last() if key.nullable else term)
        order.append(Request.id.desc() if self._id_descending else Request.id.asc())
        return stmt.order_by(*order).limit(limit)

    def _tier_page(
        self, tier: int, columns: Sequence[Any], limit: int, after: Sequence[Any] | None
    ) -> Select[Any]:
        """One search tier's best `limit` rows after (rank, id), keys as fd_k0 (the tier)
        and fd_k1 (the rank)."""
        assert self.query is not None
        found = search.tier_matches(
            self.dialect, self.query, include_internal=self._internal, tier=tier
        )
        keyset: list[ColumnElement[bool]] = []
        if after is not None:
            rank, last_id = after
            keyset.append(
                or_(
                    found.c.rank > rank,
                    and_(found.c.rank == rank, found.c.request_id > last_id),
                )
            )
        if all(isinstance(w, True_) for w in self.where):
            # Nothing to check on the request (staff, no filter): rank the matches, keep the
            # page, and only then read the page's requests, instead of reading every match's.
            found = (
                select(found.c.request_id, found.c.rank)
                .where(*keyset)
                .order_by(found.c.rank, found.c.request_id)
                .limit(limit)
                .subquery("search_page")
            )
            keyset = []
        stmt = (
            select(*columns, literal(tier).label("fd_k0"), found.c.rank.label("fd_k1"))
            .select_from(Request)
            .join(found, found.c.request_id == Request.id)
            .where(*self.where, *keyset)
        )
        # Ordered by the match's own columns, so PostgreSQL can rank the matches, then join
        # only the rows it keeps (a nested loop preserves the order).
        return stmt.order_by(found.c.rank, found.c.request_id).limit(limit)

    async def fetch_page(
        self,
        connection: AsyncConnection,
        columns: Sequence[Any],
        limit: int,
        after: Sequence[Any] | None,
        extend: Callable[[Select[Any]], Select[Any]] | None = None,
    ) -> list[Any]:
        """The rows `page` describes. A ranked search reads the head tier and, only when that
        does not fill the page, the rest tier: one statement, or two when the head runs out.
        `extend` adds to each statement what the columns need (the compiled overview's
        joined relations)."""

        async def rows_of(stmt: Select[Any]) -> list[Any]:
            return list((await connection.execute(extend(stmt) if extend else stmt)).all())

        if not self.ranked:
            return await rows_of(self.page(columns, limit, after))
        rows: list[Any] = []
        if after is None or after[0] == search.HEAD:
            rows = await rows_of(
                self._tier_page(search.HEAD, columns, limit, None if after is None else after[1:])
            )
            if len(rows) >= limit:
                return rows
            after = None
        rest = self._tier_page(
            search.REST, columns, limit - len(rows), None if after is None else after[1:]
        )
        return rows + await rows_of(rest)

    def ids(self, among: Collection[int] | None = None, limit: int | None = None) -> Select[Any]:
        """Ids of the requests in the list (optionally only `among` these), most recently
        updated first: what a live list subscription compares changes against."""
        stmt = select(Request.id).where(*self.where, *self._search_where())
        if among is not None:
            stmt = stmt.where(Request.id.in_(set(among)))
        stmt = stmt.order_by(Request.updated_at.desc(), Request.id.desc())
        return stmt.limit(limit) if limit is not None else stmt

    def count(self) -> Select[Any]:
        """The number of requests of the whole filtered list (no joins needed)."""
        return select(func.count()).select_from(Request).where(*self.where, *self._search_where())


def plan(viewer: Viewer, flt: Filter, orders: Sequence[Order], dialect: str) -> Plan:
    """Validate the filter and order and build the plan; raises InvalidArgument."""
    _check_filter(flt)
    if len(orders) > MAX_ORDER_KEYS:
        raise InvalidArgument("orderBy", f"`orderBy` takes at most {MAX_ORDER_KEYS} keys.")
    if len({o.field for o in orders}) != len(orders):
        raise InvalidArgument("orderBy", "`orderBy` names each field at most once.")

    where: list[ColumnElement[bool]] = [policies.request_filter(viewer)]
    if flt.status_category == StatusCategory.OPEN:
        where.append(Request.status.not_in([s.value for s in CLOSED_STATUSES]))
    elif flt.status_category == StatusCategory.CLOSED:
        where.append(Request.status.in_([s.value for s in CLOSED_STATUSES]))
    if flt.statuses:
        where.append(Request.status.in_(sorted({s.value for s in flt.statuses})))
    if flt.ownership != Ownership.ANY:
        where.append(_ownership(viewer, flt.ownership))
    if flt.request_type_ids:
        where.append(Request.request_type_id.in_(sorted(set(flt.request_type_ids))))
    if flt.organisation_ids:
        where.append(Request.organisation_id.in_(sorted(set(flt.organisation_ids))))
    if flt.priority_keys:
        where.append(Request.priority_key.in_(sorted(set(flt.priority_keys))))
    if flt.assignee_ids:
        where.append(Request.assignee_id.in_(sorted(set(flt.assignee_ids))))

    query = search.parse(flt.search) if flt.search else None
    if query is not None and query.empty:
        query = None
    result = Plan(viewer, dialect, where, [], "", query)
    if query is not None and not orders:
        # Ranked: best match first, by tier then rank (see fetch_page). The rank depends on
        # the words, so the cursor does too. The keys' expressions are never used.
        result.ranked = True
        result.keys = [
            _Key("TIER", literal(0), False, False, int),
            _Key("RANK", literal(0.0), False, False, float),
        ]
        words = (query.words, query.prefixes, query.phrases)
        digest = hashlib.sha256(repr(words).encode()).hexdigest()[:12]
        result.signature = f"RANKED:{digest}"
        return result
    result.keys = [_key(o) for o in (orders or DEFAULT_ORDER)]
    result.signature = ",".join(
        f"{k.name}:{'DESC' if k.descending else 'ASC'}" for k in result.keys
    )
    return result
