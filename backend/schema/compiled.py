"""The requests overview compiled: rows straight into the response, no per-field machinery.

A query whose only root field is `requests` (the portal's overview and lists like it) is
worked out once per parsed operation (the parser cache hands the same document for the same
text) into a plan: which request columns to select, which relations to load, and for each
selected object a function, generated once, from a row to its JSON dict. Running it reads,
on one connection: the page with its to-one relations (reporter, assignee, request type,
organisation) and the priority scheme's key in one statement (a ranked search: one per
search tier it reads, see Plan.fetch_page), then one statement per selected `comments` (and
one for comment authors, one for totalCount, when selected). It
builds plain dicts and lists; global IDs and cursors are encoded only for fields that are
selected. The page statement itself is kept per viewer and argument values.

graphql-core still parses, validates and coerces the variables. Anything the compiler does
not know stays with the stock executor, whole: other root fields, directives (@skip,
@include, @defer), fragment arguments, field middleware, any field without a row table in
backend/schema/compiled_rows.py. A plan that meets something unusual while running (a bad
argument, a missing referenced row, a null in a non-null field, any exception) gives up and
the stock executor runs the operation again, so errors are reported exactly as before.
tests/test_fast_overview.py checks both paths give the same JSON.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from keyword import iskeyword
from operator import attrgetter
from typing import Any

from graphql import (
    ExecutionResult,
    GraphQLBoolean,
    GraphQLField,
    GraphQLID,
    GraphQLObjectType,
    GraphQLString,
    OperationType,
    get_argument_values,
    is_enum_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.collect_fields import collect_fields
from graphql.language import DirectiveNode, Node, OperationDefinitionNode
from graphql.pyutils import Undefined
from strawberry.types.arguments import convert_arguments

from backend.auth import policies
from backend.db.models import Request as RequestRow
from backend.db.models import User as UserRow
from backend.domain import overview
from backend.loaders import overview as loads
from backend.loaders.catalog import REQUEST_TYPE_COLUMNS
from backend.loaders.organisations import ORGANISATION_COLUMNS
from backend.loaders.users import USER_COLUMNS
from backend.schema.compiled_rows import ROW_TYPES, RowType
from backend.schema.relay import after_id, check_first, encode_cursor

_BACKREF = "strawberry-definition"
log = logging.getLogger("frontdesk.graphql")


class Fallback(Exception):
    """The compiled plan cannot answer this execution; the stock executor will."""


# ---- plans: what to build from a row, per selected field

Getter = Callable[[Any, "Run"], Any]  # (row or domain object, this execution) -> JSON value


@dataclass
class ObjectPlan:
    """An object's selected fields, built by one function generated for the selection:
    plain attribute leaves are read and checked inline, everything else is a getter call
    (a dict comprehension over getters costs a call and a frame per field and object)."""

    fields: list[tuple[str, Getter]]
    build: Callable[[Any, Run], dict[str, Any]] = field(init=False)

    def __post_init__(self) -> None:
        self.build = _generate(self.fields)


def _generate(fields: list[tuple[str, Getter]]) -> Callable[[Any, Run], dict[str, Any]]:
    """`def build(source, run)` returning {response name: value} for `fields`. Only names and
    attributes checked to be identifiers, and response names as literals, enter the code."""
    namespace: dict[str, Any] = {"datetime": datetime}
    lines = ["def build(source, run):"]
    items = []
    for i, (name, get) in enumerate(fields):
        inline = getattr(get, "inline", None)
        if inline is not None and inline[0].isidentifier() and not iskeyword(inline[0]):
            attribute, exact, slow = inline
            namespace[f"s{i}"] = slow
            lines.append(f"    v{i} = source.{attribute}")
            if exact is datetime:
                lines.append(
                    f"    v{i} = v{i}.isoformat() if v{i}.__class__ is datetime else s{i}(v{i})"
                )
            else:
                namespace[f"t{i}"] = exact
                lines.append(f"    if v{i}.__class__ is not t{i}:")
                lines.append(f"        v{i} = s{i}(v{i})")
        else:
            namespace[f"g{i}"] = get
            lines.append(f"    v{i} = g{i}(source, run)")
        items.append(f"{name!r}: v{i}")
    lines.append(f"    return {{{', '.join(items)}}}")
    exec(compile("\n".join(lines), "<compiled overview>", "exec"), namespace)
    return namespace["build"]


@dataclass
class CommentsField:
    """One selected `comments(first:, after:)` of requests: its arguments are read per
    execution (they may be variables), its pages loaded in one statement."""

    field_def: GraphQLField
    node: Any
    connection: ConnectionPlan
    authors: bool  # whether its comments' `author` is selected


@dataclass
class Needs:
    """What the page and its relations must load for the whole selection."""

    columns: dict[str, Any] = field(default_factory=dict)  # request columns, by key
    joined: list[loads.Joined] = field(default_factory=list)  # read with the page
    scheme: bool = False
    comments: list[CommentsField] = field(default_factory=list)
    count: bool = False


@dataclass
class ConnectionPlan:
    """nodes / edges { cursor node } / pageInfo / totalCount / __typename of a connection."""

    fields: list[tuple[str, str, Any]]  # response name, kind, sub-plan or constant

    def build(
        self,
        rows: Sequence[Any],
        size: int,
        has_previous: bool,
        total: int | None,
        cursor_of: Callable[[Any], Sequence[Any]],
        run: Run,
    ) -> dict[str, Any]:
        page = rows[:size]
        out: dict[str, Any] = {}
        for name, kind, sub in self.fields:
            if kind == "nodes":
                out[name] = [sub.build(row, run) for row in page]
            elif kind == "edges":
                out[name] = [_edge(sub, row, cursor_of, run) for row in page]
            elif kind == "pageInfo":
                out[name] = _page_info(sub, page, len(rows) > size, has_previous, cursor_of)
            elif kind == "totalCount":
                if total is None:
                    raise Fallback
                out[name] = total
            else:  # __typename
                out[name] = sub
        return out


def _edge(
    fields: list[tuple[str, str, Any]],
    row: Any,
    cursor_of: Callable[[Any], Sequence[Any]],
    run: Run,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, kind, sub in fields:
        if kind == "node":
            out[name] = sub.build(row, run)
        elif kind == "cursor":
            out[name] = encode_cursor(cursor_of(row))
        else:
            out[name] = sub
    return out


def _page_info(
    fields: list[tuple[str, str, Any]],
    page: Sequence[Any],
    has_next: bool,
    has_previous: bool,
    cursor_of: Callable[[Any], Sequence[Any]],
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, kind, sub in fields:
        if kind == "hasNextPage":
            out[name] = has_next
        elif kind == "hasPreviousPage":
            out[name] = has_previous
        elif kind == "startCursor":
            out[name] = encode_cursor(cursor_of(page[0])) if page else None
        elif kind == "endCursor":
            out[name] = encode_cursor(cursor_of(page[-1])) if page else None
        else:
            out[name] = sub
    return out


# ---- one execution


@dataclass
class Run:
    """What one execution loaded, read by the getters."""

    executor: Any
    users: dict[int, Any] = field(default_factory=dict)
    request_types: dict[int, Any] = field(default_factory=dict)
    organisations: dict[int, Any] = field(default_factory=dict)
    scheme: Any = None
    # Per `comments` field (by identity): the arguments and each request's page.
    comment_pages: dict[int, tuple[int, bool, dict[int, tuple[list[Any], int]]]] = field(
        default_factory=dict
    )


@dataclass
class CompiledOverview:
    root: list[tuple[str, str]]  # response name, "requests" or a constant (__typename)
    field_def: GraphQLField
    node: Any
    connection: ConnectionPlan
    needs: Needs
    # Per viewer and argument values: see _statement.
    _statements: dict[Any, tuple[Any, int, bool, Any, Any]] = field(default_factory=dict)

    @property
    def columns(self) -> list[Any]:
        return [RequestRow.id, *self.needs.columns.values()]

    async def execute(self, executor: Any) -> dict[str, Any]:
        run = Run(executor)
        context = executor.context_value
        needs = self.needs
        try:
            plan, size, has_after, position, stmt = self._statement(executor)
        except Exception as error:  # the field's own errors, reported by the stock path
            raise Fallback from error
        async with context.db.engine.connect() as connection:
            if stmt is None:  # a ranked search: read in tiers
                found = await loads.ranked_page_rows(
                    connection, plan, self.columns, size + 1, position, needs.joined, needs.scheme
                )
            else:
                found = await loads.page_rows(
                    connection, stmt, self.columns, needs.joined, needs.scheme
                )
            rows, page = found.rows, found.rows[:size]
            run.scheme = found.scheme
            for name, by_id in found.related.items():
                getattr(run, _RELATED_ROWS[name]).update(by_id)
            authors: set[int] = set()
            for comments in needs.comments:
                first, after, after_pk = self._comment_arguments(executor, comments)
                include = policies.can_see_internal(context.viewer)
                pages = await loads.comment_pages(
                    connection, [r.id for r in page], first, after_pk, include
                )
                run.comment_pages[id(comments)] = (first, after is not None, pages)
                if comments.authors:
                    authors.update(
                        c.author_id
                        for comment_rows, _ in pages.values()
                        for c in comment_rows[:first]
                        if c.author_id is not None and c.author_id not in run.users
                    )
            # Comment authors not already read as reporters or assignees: one statement.
            run.users.update(await loads.rows_of(connection, USER_COLUMNS, UserRow.id, authors))
            total = await loads.request_count(connection, plan) if needs.count else None
        connection_value = self.connection.build(
            rows, size, has_after, total, plan.cursor_values, run
        )
        return {name: connection_value if kind == "requests" else kind for name, kind in self.root}

    def _statement(self, executor: Any) -> tuple[overview.Plan, int, bool, Any, Any]:
        """The list's plan, page size, whether `after` was given, the position the page
        starts after, and the page statement (None for a ranked search, read in tiers).

        Building them (argument conversion, the filter's SQL, the statement's cache key) is a
        good part of an overview's work, and a viewer asks for the same lists again and again:
        they are kept per viewer and argument values (plans and statements are never changed
        once built; the viewer's whole state is in the key, so a changed membership or role
        makes a new entry)."""
        from backend.resolvers.overview import page_plan  # the resolvers import the schema

        raw = get_argument_values(self.field_def, self.node, executor.variable_values)
        context = executor.context_value
        viewer = context.viewer
        key = None
        if viewer is not None:
            # The dialect too: a search's plan holds its SQL (FTS5 or tsvector), and one
            # process may serve several databases (the tests, the benchmarks).
            key = (
                context.db.dialect,
                _viewer_key(viewer),
                json.dumps(raw, sort_keys=True, default=repr),
            )
            found = self._statements.get(key)
            if found is not None:
                return found
        definition = self.field_def.extensions[_BACKREF]
        schema = executor.schema._strawberry_schema
        arguments = convert_arguments(
            raw,
            definition.arguments,
            scalar_registry=schema.schema_converter.scalar_registry,
            config=schema.config,
        )
        plan, size, position = page_plan(context, **arguments)
        # A ranked search reads its page in tiers, a statement or two: none is kept.
        stmt = None
        if not plan.ranked:
            stmt = loads.page_statement(
                plan, self.columns, size + 1, position, self.needs.joined, self.needs.scheme
            )
        made = (plan, size, arguments.get("after") is not None, position, stmt)
        if key is not None:
            if len(self._statements) >= _CACHE_SIZE:
                self._statements.clear()
            self._statements[key] = made
        return made

    @staticmethod
    def _comment_arguments(executor: Any, comments: CommentsField) -> tuple[int, Any, int | None]:
        """`first`, `after` and the id `after` points to; bad values are the field's errors,
        reported by the stock path."""
        try:
            raw = get_argument_values(comments.field_def, comments.node, executor.variable_values)
            after = raw.get("after")
            return check_first(raw.get("first")), after, after_id(after)
        except Exception as error:
            raise Fallback from error


def _viewer_key(viewer: Any) -> tuple[Any, ...]:
    """Every field of the viewer, hashable (its memberships as sorted pairs)."""
    return tuple(
        tuple(sorted(value.items())) if isinstance(value, dict) else value
        for value in (getattr(viewer, f.name) for f in fields(viewer))
    )


# ---- the compiler


class _NotCompiled(Exception):
    """This selection has something the compiler does not handle."""


def _has_directives(node: Node) -> bool:
    """Directives anywhere below `node` (they may depend on variables, or defer)."""
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, DirectiveNode):
            return True
        for key in current.keys:
            value = getattr(current, key, None)
            if isinstance(value, Node):
                stack.append(value)
            elif isinstance(value, list | tuple):
                stack.extend(v for v in value if isinstance(v, Node))
    return False


class _Compiler:
    def __init__(self, executor: Any) -> None:
        self.executor = executor
        self.needs = Needs()

    def subfields(self, object_type: GraphQLObjectType, details: Any) -> Any:
        grouped, new_defer_usages, *_ = self.executor.collect_subfields(object_type, details)
        if new_defer_usages:
            raise _NotCompiled
        for field_details in grouped.values():
            for detail in field_details:
                if detail.defer_usage is not None or detail.fragment_variable_values:
                    raise _NotCompiled
        return grouped

    def field_def(self, parent: GraphQLObjectType, details: Any) -> tuple[str, GraphQLField]:
        name = details[0].node.name.value
        field_def = parent.fields.get(name)
        if field_def is None:
            raise _NotCompiled
        definition = (field_def.extensions or {}).get(_BACKREF)
        # Permission classes or field extensions must run: only the stock path runs them.
        if definition is None or definition.permission_classes or definition.extensions:
            raise _NotCompiled
        return definition.python_name, field_def

    # -- a connection (the requests list, or a request's comments)

    def connection(
        self, connection_type: Any, details: Any, item: Callable[[Any, Any], ObjectPlan]
    ) -> ConnectionPlan:
        connection_type = _object(connection_type)
        fields: list[tuple[str, str, Any]] = []
        for response_name, field_details in self.subfields(connection_type, details).items():
            name = field_details[0].node.name.value
            if name == "__typename":
                fields.append((response_name, "typename", connection_type.name))
                continue
            _, field_def = self.field_def(connection_type, field_details)
            if name == "nodes":
                item_type = _list_of_objects(field_def.type)
                fields.append((response_name, "nodes", item(item_type, field_details)))
            elif name == "edges":
                fields.append((response_name, "edges", self.edge(field_def, field_details, item)))
            elif name == "pageInfo":
                fields.append((response_name, "pageInfo", self.page_info(field_def, field_details)))
            elif name == "totalCount":
                fields.append((response_name, "totalCount", None))
            else:
                raise _NotCompiled
        return ConnectionPlan(fields)

    def edge(
        self,
        field_def: GraphQLField,
        details: Any,
        item: Callable[[Any, Any], ObjectPlan],
    ) -> list[tuple[str, str, Any]]:
        edge_type = _list_of_objects(field_def.type)
        fields: list[tuple[str, str, Any]] = []
        for response_name, field_details in self.subfields(edge_type, details).items():
            name = field_details[0].node.name.value
            if name == "__typename":
                fields.append((response_name, "typename", edge_type.name))
            elif name == "cursor":
                fields.append((response_name, "cursor", None))
            elif name == "node":
                _, node_def = self.field_def(edge_type, field_details)
                fields.append((response_name, "node", item(_object(node_def.type), field_details)))
            else:
                raise _NotCompiled
        return fields

    def page_info(self, field_def: GraphQLField, details: Any) -> list[tuple[str, str, Any]]:
        info_type = _object(field_def.type)
        fields: list[tuple[str, str, Any]] = []
        for response_name, field_details in self.subfields(info_type, details).items():
            name = field_details[0].node.name.value
            if name == "__typename":
                fields.append((response_name, "typename", info_type.name))
            elif name in ("hasNextPage", "hasPreviousPage", "startCursor", "endCursor"):
                fields.append((response_name, name, None))
            else:
                raise _NotCompiled
        return fields

    # -- objects read from rows

    def row_object(
        self,
        object_type: GraphQLObjectType,
        details: Any,
        relations: Callable[[str, GraphQLField, Any], Getter | None] | None = None,
    ) -> ObjectPlan:
        """An object whose fields are read from its row (compiled_rows), or come from
        `relations` (request relations, comment authors)."""
        row_type = ROW_TYPES.get(object_type.name)
        if row_type is None:
            raise _NotCompiled
        fields: list[tuple[str, Getter]] = []
        for response_name, field_details in self.subfields(object_type, details).items():
            name = field_details[0].node.name.value
            if name == "__typename":
                fields.append((response_name, _constant(object_type.name)))
                continue
            python_name, field_def = self.field_def(object_type, field_details)
            getter = relations(python_name, field_def, field_details) if relations else None
            if getter is None:
                getter = self.leaf(row_type, python_name, field_def)
            fields.append((response_name, getter))
        return ObjectPlan(fields)

    def leaf(self, row_type: RowType, python_name: str, field_def: GraphQLField) -> Getter:
        value_of = row_type.values.get(python_name)
        named, non_null = _unwrap(field_def.type)
        if value_of is None or field_def.args or not is_leaf_type(named):
            raise _NotCompiled
        for column in row_type.columns.get(python_name, ()):
            self.needs.columns[column.key] = column
        return _leaf(value_of, named, non_null)

    def request(self, request_type: GraphQLObjectType, details: Any) -> ObjectPlan:
        return self.row_object(request_type, details, self.request_relation)

    def request_relation(
        self, python_name: str, field_def: GraphQLField, details: Any
    ) -> Getter | None:
        needs = self.needs
        named, non_null = _unwrap(field_def.type)
        if python_name in _JOINED:
            relation = _JOINED[python_name]
            if relation not in needs.joined:
                needs.joined.append(relation)
            needs.columns[relation.foreign_key.key] = relation.foreign_key
            rows_of = _RELATED_ROWS[python_name]
            return _related(
                self.row_object(named, details), rows_of, relation.foreign_key.key, non_null
            )
        if python_name == "priority":
            needs.scheme = True
            needs.columns["priority_key"] = RequestRow.priority_key
            level_plan = self.row_object(named, details)

            def priority(row: Any, run: Run) -> Any:
                level = run.scheme.level(row.priority_key)
                return None if level is None else level_plan.build(level, run)

            return priority
        if python_name == "comments":
            return self.comments(field_def, details)
        if field_def.args or not is_leaf_type(named):
            raise _NotCompiled  # any other relation of a request
        return None

    def comments(self, field_def: GraphQLField, details: Any) -> Getter:
        authors = False

        def comment_author(python_name: str, author_def: GraphQLField, sub: Any) -> Getter | None:
            nonlocal authors
            if python_name != "author":
                return None
            authors = True
            named, non_null = _unwrap(author_def.type)
            # Comment.author is load_user: null when the id is null or the row is gone.
            plan = self.row_object(named, sub)
            if non_null:
                raise _NotCompiled

            def author(row: Any, run: Run) -> Any:
                user = run.users.get(row.author_id) if row.author_id is not None else None
                return None if user is None else plan.build(user, run)

            return author

        connection = self.connection(
            field_def.type,
            details,
            lambda item_type, sub: self.row_object(item_type, sub, comment_author),
        )
        comments = CommentsField(field_def, details[0].node, connection, authors)
        self.needs.comments.append(comments)

        def get(row: Any, run: Run) -> Any:
            first, has_previous, pages = run.comment_pages[id(comments)]
            rows, total = pages.get(row.id, ([], 0))
            return connection.build(rows, first, has_previous, total, _comment_cursor, run)

        return get


# Request relations read with the page, and where an execution keeps their rows.
_JOINED = {
    "reporter": loads.Joined("reporter", USER_COLUMNS, RequestRow.reporter_id),
    "assignee": loads.Joined("assignee", USER_COLUMNS, RequestRow.assignee_id),
    "request_type": loads.Joined("request_type", REQUEST_TYPE_COLUMNS, RequestRow.request_type_id),
    "organisation": loads.Joined("organisation", ORGANISATION_COLUMNS, RequestRow.organisation_id),
}
_RELATED_ROWS = {
    "reporter": "users",
    "assignee": "users",
    "request_type": "request_types",
    "organisation": "organisations",
}


def _comment_cursor(row: Any) -> tuple[int]:
    return (row.id,)


def _constant(value: Any) -> Getter:
    return lambda _source, _run: value


def _leaf(value_of: Callable[[Any], Any], named: Any, non_null: bool) -> Getter:
    """A scalar or enum field: its value serialized as graphql-core would. The common cases
    (a str or bool of that type, a datetime, an enum member seen before) skip the generic
    serializer; anything else goes through it."""
    serialize = named.coerce_output_value

    def slow(value: Any) -> Any:
        if value is None:
            if non_null:
                raise Fallback
            return None
        out = serialize(value)
        if out is None or out is Undefined:
            raise Fallback
        return out

    exact = _EXACT.get(named)
    if exact is not None:

        def plain(source: Any, _run: Run) -> Any:
            value = value_of(source)
            return value if value.__class__ is exact else slow(value)

        plain.inline = _inline(value_of, exact, slow)  # type: ignore[attr-defined]
        return plain
    if named.name == "DateTime" and serialize is _isoformat_serializer():

        def moment(source: Any, _run: Run) -> Any:
            value = value_of(source)
            return value.isoformat() if value.__class__ is datetime else slow(value)

        moment.inline = _inline(value_of, datetime, slow)  # type: ignore[attr-defined]
        return moment
    if is_enum_type(named):
        names: dict[Any, Any] = {}  # enum member -> its name, as serialized before

        def member(source: Any, _run: Run) -> Any:
            value = value_of(source)
            found = names.get(value)
            if found is None:
                found = slow(value)
                if value is not None:
                    names[value] = found
            return found

        return member
    return lambda source, _run: slow(value_of(source))


def _inline(value_of: Any, exact: type, slow: Any) -> tuple[str, type, Any] | None:
    """(attribute, class, slow path) when `value_of` reads one plain attribute
    (operator.attrgetter("name")), for _generate to read it inline."""
    if isinstance(value_of, attrgetter):
        attributes = value_of.__reduce__()[1]
        if len(attributes) == 1 and "." not in attributes[0]:
            return attributes[0], exact, slow
    return None


# GraphQL scalars whose serializer returns a value of exactly this class unchanged (not Int:
# it checks the 32-bit range).
_EXACT = {GraphQLString: str, GraphQLID: str, GraphQLBoolean: bool}


def _isoformat_serializer() -> Any:
    from strawberry.schema.types.base_scalars import isoformat

    return isoformat


def _related(plan: ObjectPlan, rows_of: str, attribute: str, non_null: bool) -> Getter:
    """An object loaded by id (reporter, assignee, request type, organisation). A missing row
    of a non-null field is an error only the stock path reports."""

    def get(row: Any, run: Run) -> Any:
        key = getattr(row, attribute)
        found = getattr(run, rows_of).get(key) if key is not None else None
        if found is None:
            if non_null:
                raise Fallback
            return None
        return plan.build(found, run)

    return get


def _unwrap(field_type: Any) -> tuple[Any, bool]:
    non_null = is_non_null_type(field_type)
    return (field_type.of_type if non_null else field_type), non_null


def _object(field_type: Any) -> GraphQLObjectType:
    named, _ = _unwrap(field_type)
    if not is_object_type(named):
        raise _NotCompiled
    return named


def _list_of_objects(field_type: Any) -> GraphQLObjectType:
    named, _ = _unwrap(field_type)
    if not is_list_type(named):
        raise _NotCompiled
    item, _ = _unwrap(named.of_type)
    if not is_object_type(item):
        raise _NotCompiled
    return item


def compile_operation(executor: Any) -> CompiledOverview | None:
    """The plan of the executor's operation, or None when the stock executor must run it."""
    operation: OperationDefinitionNode = executor.operation
    if operation.operation != OperationType.QUERY or _has_directives(operation):
        return None
    for fragment in executor.fragments.values():
        # Fragment arguments (experimental) make a fragment's fields depend on its spread.
        if fragment.variable_signatures or _has_directives(fragment.definition):
            return None
    schema = executor.schema
    query_type = schema.query_type
    try:
        grouped, new_defer_usages, *_ = collect_fields(
            schema, executor.fragments, executor.variable_values, query_type, operation
        )
        if new_defer_usages:
            return None
        compiler = _Compiler(executor)
        root: list[tuple[str, str]] = []
        found: tuple[GraphQLField, Any, ConnectionPlan] | None = None
        for response_name, details in grouped.items():
            name = details[0].node.name.value
            if name == "__typename":
                root.append((response_name, query_type.name))
            elif name == "requests" and found is None:
                _, field_def = compiler.field_def(query_type, details)
                connection = compiler.connection(field_def.type, details, compiler.request)
                found = (field_def, details[0].node, connection)
                root.append((response_name, "requests"))
            else:
                return None
    except _NotCompiled:
        return None
    if found is None:
        return None
    field_def, node, connection = found
    compiler.needs.count = any(kind == "totalCount" for _, kind, _ in connection.fields)
    return CompiledOverview(root, field_def, node, connection, compiler.needs)


# ---- per parsed operation, once

_CACHE_SIZE = 512
# id(operation node) -> (the node, kept alive so its id is not reused; its plan or None)
_plans: dict[int, tuple[OperationDefinitionNode, CompiledOverview | None]] = {}


def plan_for(executor: Any) -> CompiledOverview | None:
    operation = executor.operation
    found = _plans.get(id(operation))
    if found is not None and found[0] is operation:
        return found[1]
    compiled = compile_operation(executor)
    if len(_plans) >= _CACHE_SIZE:
        _plans.clear()  # documents come from a cache of 512: a full one is rare and cheap
    _plans[id(operation)] = (operation, compiled)
    return compiled


async def execute_compiled(
    plan: CompiledOverview, executor: Any, stock: Callable[[], Any]
) -> ExecutionResult:
    """The plan's result, or the stock executor's (`stock`) when the plan gives up."""
    try:
        data = await plan.execute(executor)
    except Fallback:
        pass
    except Exception:
        # Unexpected (a bug here, or the database failing): logged, so a compiled path that
        # keeps falling back is noticed; the stock path answers (or reports) as it always did.
        log.warning("compiled overview fell back to the stock executor", exc_info=True)
    else:
        return ExecutionResult(data, None)
    result = stock()
    return await result if executor.is_awaitable(result) else result
