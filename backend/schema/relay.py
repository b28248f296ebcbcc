"""Relay conventions: the Node interface, opaque global IDs, connections and cursors."""

from __future__ import annotations

import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import strawberry
from strawberry import Private

from backend.domain import global_ids
from backend.domain.errors import DomainError
from backend.schema.errors import BadUserInput

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_PK = global_ids.MAX_PK


@strawberry.interface(description="An object with a globally unique, opaque ID.")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque global ID; use with `node(id:)`.")


_b64encode = global_ids.b64encode
_b64decode = global_ids.b64decode
InvalidId = global_ids.InvalidId


decode_id = global_ids.decode


def encode_id(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(global_ids.encode(type_name, pk))


def expect_id(global_id: str, type_name: str, path: str | tuple[str, ...]) -> int:
    """The primary key of an input ID that must be of `type_name` (a UserError otherwise)."""
    try:
        actual, pk = decode_id(global_id)
    except InvalidId:
        raise DomainError.single(path, "INVALID_ID", "Not a valid ID.") from None
    if actual != type_name:
        raise DomainError.single(
            path, "INVALID_ID", f"Expected the ID of a {type_name}, got one of a {actual}."
        )
    return pk


def expect_argument_id(global_id: str, type_name: str, argument: str) -> int:
    """Like expect_id, for a query argument: a top-level BAD_USER_INPUT error."""
    try:
        actual, pk = decode_id(global_id)
    except InvalidId:
        raise BadUserInput(f"`{argument}` is not a valid ID.", argument) from None
    if actual != type_name:
        raise BadUserInput(f"`{argument}` must be the ID of a {type_name}.", argument)
    return pk


# ---- connections

NodeT = TypeVar("NodeT")


@strawberry.type(description="Where a page sits in its list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items precede this page.")
    start_cursor: str | None = strawberry.field(
        resolver=lambda root: root.cursor(0), description="Cursor of the first item."
    )
    end_cursor: str | None = strawberry.field(
        resolver=lambda root: root.cursor(-1),
        description="Cursor of the last item; pass as `after`.",
    )
    # Cursors are encoded only when asked for (lists of lists rarely select them).
    rows: Private[Sequence[Any]] = ()
    cursor_of: Private[Callable[[Any], Sequence[Any]] | None] = None

    def cursor(self, index: int) -> str | None:
        if not self.rows or self.cursor_of is None:
            return None
        return encode_cursor(self.cursor_of(self.rows[index]))


@strawberry.type(description="An item of a list with its cursor.")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(description="Opaque position of this item.")
    node: NodeT = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list that can grow: use `first` and `after` to page.")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(
        resolver=lambda root: make_edges(root.rows, root.nodes, root.cursor_of),
        description="Items with their cursors.",
    )
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="Number of items in the whole list.")
    nodes: list[NodeT] = strawberry.field(description="The items of this page, without cursors.")
    # Cursors are made only when `edges` is selected: most lists ask for `nodes` alone.
    rows: Private[Sequence[Any]] = ()
    cursor_of: Private[Callable[[Any], Sequence[Any]]] = tuple


def make_edges(
    rows: Sequence[Any], nodes: Sequence[Any], cursor_of: Callable[[Any], Sequence[Any]]
) -> list[Edge[Any]]:
    return [
        Edge(cursor=encode_cursor(cursor_of(r)), node=n) for r, n in zip(rows, nodes, strict=True)
    ]


def encode_cursor(values: Sequence[Any]) -> str:
    return _b64encode(json.dumps(list(values), separators=(",", ":"), default=str))


def decode_cursor(cursor: str, arity: int) -> list[Any]:
    try:
        values = json.loads(_b64decode(cursor))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadUserInput("`after` is not a valid cursor.", "after") from None
    if not isinstance(values, list) or len(values) != arity:
        raise BadUserInput("`after` is not a valid cursor for this list.", "after")
    return values


def check_first(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE_SIZE
    if first < 0 or first > MAX_PAGE_SIZE:
        raise BadUserInput(f"`first` must be between 0 and {MAX_PAGE_SIZE}.", "first")
    return first


def after_id(after: str | None) -> int | None:
    """Cursor of lists ordered by primary key: the last seen id."""
    if after is None:
        return None
    (value,) = decode_cursor(after, 1)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_PK:
        raise BadUserInput("`after` is not a valid cursor for this list.", "after")
    return value


@dataclass(frozen=True, slots=True)
class Page(Generic[NodeT]):
    """Rows of one page as the loaders return them: `rows` may hold one extra row."""

    rows: Sequence[Any]
    total: int


def to_connection(
    page: Page[Any],
    first: int,
    has_previous: bool,
    make_node: Callable[[Any], NodeT],
    cursor_of: Callable[[Any], Sequence[Any]],
) -> Connection[NodeT]:
    rows = page.rows[:first]
    return Connection(
        rows=rows,
        cursor_of=cursor_of,
        nodes=[make_node(r) for r in rows],
        page_info=PageInfo(
            has_next_page=len(page.rows) > first,
            has_previous_page=has_previous,
            rows=rows,
            cursor_of=cursor_of,
        ),
        total_count=page.total,
    )
