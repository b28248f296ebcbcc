"""A leaner field executor for graphql-core, same results and errors as the stock one.

Profiles of list queries (the requests overview: 50 requests x 20 fields) show most of the
time in graphql-core's per-field machinery, not in our code: for every field it builds a
ResolveInfo, a strawberry Info, parses arguments and walks the completion chain, even when the
field only reads an attribute. Shortcuts, each falling back to the stock path whenever anything
is unusual (errors, nulls in non-null fields, arguments, abstract types, introspection,
field middleware):

- Plain attribute fields (strawberry "basic" fields without arguments): a scalar or enum is
  read and serialized directly; an object, or a list of objects, whose own selection is made
  only of such fields is executed directly (no ResolveInfo, no completion chain). If anything
  in such a subtree fails, the field is executed again the stock way, which reports it
  exactly as before (reading attributes twice has no side effects).
- Values a parent resolver already computed for its children (see `preresolve`): a list
  resolver that loads the reporters, request types or comment pages of a whole page in one
  batch stores each item's value under the field's response name, and the field's own
  resolver (which would give the same value through a DataLoader) is skipped.

Plans are worked out once per selection set of an operation (graphql-core hands the same
selection set for every item of a list).

Before all that, a query shaped like the requests overview runs compiled: rows straight into
the response (backend/schema/compiled.py); this executor runs whatever that does not handle.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLList,
    GraphQLObjectType,
    OperationType,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.nodes import SelectedField

_BACKREF = "strawberry-definition"
# Attribute of a result object holding {response name: (field name, value)}.
PRERESOLVED = "fd_preresolved"
# Attribute of a subscription event holding its results (see _shared_event_result).
SHARED_RESULTS = "fd_shared_results"
_UNSET = object()
_LEAF, _OBJECT, _LIST, _TYPENAME = "leaf", "object", "list", "typename"


def preresolve(obj: Any, response_name: str, field_name: str, value: Any) -> None:
    """Give `obj`'s field `field_name`, selected as `response_name`, its value in advance.

    Only for values the field's resolver would return for this object and these arguments;
    the executor then skips the resolver."""
    found = obj.__dict__.get(PRERESOLVED)
    if found is None:
        found = obj.__dict__[PRERESOLVED] = {}
    found[response_name] = (field_name, value)


def _attribute(field_def: GraphQLField) -> str | None:
    """The Python attribute a field reads, when it is a plain attribute without arguments."""
    found = field_def.__dict__.get("_fd_attribute", _UNSET)
    if found is not _UNSET:
        return found
    found = None
    definition = (field_def.extensions or {}).get(_BACKREF)
    if (
        definition is not None
        and not field_def.args
        and getattr(field_def.resolve, "_is_default", False)
        and getattr(definition, "is_basic_field", False)
        and not getattr(definition, "base_resolver", None)
        and definition.default_resolver is getattr
    ):
        found = definition.python_name
    field_def.__dict__["_fd_attribute"] = found
    return found


def _unwrap(field_type: Any) -> tuple[Any, bool]:
    non_null = is_non_null_type(field_type)
    return (field_type.of_type if non_null else field_type), non_null


def _origin(object_type: GraphQLObjectType) -> type | None:
    definition = (object_type.extensions or {}).get(_BACKREF)
    origin = getattr(definition, "origin", None)
    return origin if isinstance(origin, type) else None


class FastExecutor(StrawberryGraphQLCoreExecutionContext):
    # Whether overview-shaped queries run compiled (tests compare with a subclass without).
    compile_queries = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        # Field middleware (strawberry extensions with a `resolve` hook) must see every field.
        self._fd_middleware = manager is not None and bool(manager.middlewares)
        self._fd_plans: dict[tuple[str, int], tuple[Any, tuple]] = {}
        # False once a field resolver ran below the root: see _shared_event_result.
        self._fd_pure = True

    def _middleware(self) -> bool:
        return self._fd_middleware

    def execute_operation(self, serially: bool | None = None) -> Any:
        if serially is False and self.operation.operation is OperationType.SUBSCRIPTION:
            return self._shared_event_result()
        # Overview-shaped queries run compiled (backend/schema/compiled.py), which falls back
        # to this executor for anything it does not handle.
        if self.compile_queries and not self._fd_middleware and serially is None:
            from backend.schema import compiled  # imports the resolvers, which import this

            plan = compiled.plan_for(self)
            if plan is not None:
                return compiled.execute_compiled(
                    plan, self, lambda: super(FastExecutor, self).execute_operation(serially)
                )
        return super().execute_operation(serially)

    def _shared_event_result(self) -> Any:
        """One subscription event for one subscriber, executed once for all subscribers who
        receive the same event object with the same document and variables.

        Live streams hand the same event object to every subscriber who may see it as it is
        (backend/resolvers/live_payload.py: one copy for staff, one for everybody else), with
        its related objects pre-resolved. When a result was made of plain attributes and
        those pre-resolved values only (no resolver ran, so nothing depended on the viewer
        or the context), the next subscriber gets the same result instead of running graphql
        again: with 1,000 subscribers that execution was the largest cost of an event."""
        event = self.root_value
        shared = getattr(event, "__dict__", None)
        if shared is None:
            return super().execute_operation(False)
        key = (id(self.operation), repr(sorted(self.variable_values.coerced.items())))
        results = shared.setdefault(SHARED_RESULTS, {})
        found = results.get(key)
        if found is not None and found[0] is self.operation:
            return found[1]

        def keep(result: Any) -> Any:
            if self._fd_pure and not result.errors:
                # The operation is kept alive with it, so its id cannot be reused meanwhile.
                results[key] = (self.operation, result)
            return result

        result = super().execute_operation(False)
        if not self.is_awaitable(result):
            return keep(result)

        async def awaited() -> Any:
            return keep(await result)

        return awaited()

    def _plans_for(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> tuple:
        """(plans, all fast) for a selection set: per response name its fields and plan."""
        cache = self._fd_plans
        key = (parent_type.name, id(grouped_field_set))
        found = cache.get(key)
        if found is not None and found[0] is grouped_field_set:
            return found[1]
        fields = parent_type.fields
        plans: list[tuple[str, Any, tuple | None]] = []
        for response_name, field_details_list in grouped_field_set.items():
            node = field_details_list[0].node
            name = node.name.value
            plan = None
            if name == "__typename" and not node.arguments:
                plan = (_TYPENAME,)
            elif not node.arguments and (field_def := fields.get(name)) is not None:
                plan = self._field_plan(field_def, field_details_list)
            plans.append((response_name, field_details_list, plan))
        result = (plans, all(p[2] is not None for p in plans))
        # The set is kept alive with its plans, so its id cannot be reused meanwhile.
        cache[key] = (grouped_field_set, result)
        return result

    def _field_plan(self, field_def: GraphQLField, field_details_list: Any) -> tuple | None:
        attribute = _attribute(field_def)
        if attribute is None:
            return None
        named, non_null = _unwrap(field_def.type)
        if is_leaf_type(named):
            return (_LEAF, attribute, named.coerce_output_value, non_null)
        item_non_null = False
        if is_list_type(named):
            item, item_non_null = _unwrap(named.of_type)
            if not is_object_type(item):
                return None
            sub = self._object_plan(item, field_details_list)
            if sub is None:
                return None
            return (_LIST, attribute, item, non_null, item_non_null, *sub)
        if is_object_type(named):
            sub = self._object_plan(named, field_details_list)
            if sub is None:
                return None
            return (_OBJECT, attribute, named, non_null, *sub)
        return None

    def _object_plan(
        self, object_type: GraphQLObjectType, field_details_list: Any
    ) -> tuple[type, Any] | None:
        """(Python class, selection set) when the object's selection is all fast fields."""
        origin = _origin(object_type)
        if origin is None:
            return None
        grouped, new_defer_usages, _ = self.collect_subfields(object_type, field_details_list)
        if new_defer_usages:
            return None
        _, all_fast = self._plans_for(object_type, grouped)
        return (origin, grouped) if all_fast else None

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        if self._fd_middleware:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        plans, _ = self._plans_for(parent_type, grouped_field_set)
        results: dict[str, Any] = {}
        slow: dict[str, Any] | None = None
        pending: list[str] | None = None
        is_awaitable = self.is_awaitable
        for response_name, field_details_list, plan in plans:
            if plan is not None:
                kind = plan[0]
                if kind is _LEAF:
                    _, attribute, serialize, non_null = plan
                    value = getattr(source_value, attribute, Undefined)
                    if value is None:
                        if not non_null:
                            results[response_name] = None
                            continue
                    elif value is not Undefined:
                        try:
                            coerced = serialize(value)
                        except Exception:  # the stock path reports it
                            coerced = None
                        if coerced is not None and coerced is not Undefined:
                            results[response_name] = coerced
                            continue
                elif kind is _TYPENAME:
                    results[response_name] = parent_type.name
                    continue
                else:
                    value = getattr(source_value, plan[1], Undefined)
                    if value is None:
                        if not plan[3]:
                            results[response_name] = None
                            continue
                    elif value is not Undefined:
                        done = self._fast_value(
                            plan, value, Path(path, response_name, parent_type.name)
                        )
                        if done is not _UNSET:
                            results[response_name] = done
                            if is_awaitable(done):
                                pending = [*(pending or []), response_name]
                            continue
            # Everything else (and preresolved values, see execute_field) the stock way.
            if slow is None:
                slow = {}
            slow[response_name] = field_details_list
        if slow is None and pending is None:
            return results
        rest = (
            super().execute_fields(parent_type, source_value, path, slow, position_context)
            if slow is not None
            else {}
        )
        if pending is None and not is_awaitable(rest):
            if not results:
                return rest
            return {
                k: rest[k] if k in rest else results[k]
                for k in grouped_field_set
                if k in rest or k in results
            }

        async def merge() -> dict[str, Any]:
            done = await rest if is_awaitable(rest) else rest
            for name in pending or ():
                results[name] = await results[name]
            return {
                k: done[k] if k in done else results[k]
                for k in grouped_field_set
                if k in done or k in results
            }

        return merge()

    def _fast_value(self, plan: tuple, value: Any, path: Path) -> Any:
        """An object or list field's value executed directly; _UNSET: do it the stock way."""
        try:
            if plan[0] is _OBJECT:
                _, _, object_type, _, origin, grouped = plan
                if not isinstance(value, origin):
                    return _UNSET
                return self.execute_fields(object_type, value, path, grouped, None)
            _, _, item_type, _, item_non_null, origin, grouped = plan
            if not isinstance(value, list | tuple):
                return _UNSET
            items: list[Any] = []
            awaitable = False
            for index, item in enumerate(value):
                if item is None:
                    if item_non_null:
                        return _UNSET
                    items.append(None)
                    continue
                if not isinstance(item, origin):
                    return _UNSET
                done = self.execute_fields(item_type, item, Path(path, index, None), grouped, None)
                awaitable = awaitable or self.is_awaitable(done)
                items.append(done)
        except Exception:  # redone the stock way, which reports it properly
            return _UNSET
        if not awaitable:
            return items

        async def gather_items() -> list[Any]:
            return [await i if self.is_awaitable(i) else i for i in items]

        return gather_items()

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        own = getattr(source, "__dict__", None)
        preresolved = own.get(PRERESOLVED) if own is not None else None
        if preresolved is not None and not self._fd_middleware:
            node = field_details_list[0].node
            found = preresolved.get(path.key)
            if found is not None and found[0] == node.name.value:
                return self._complete_preresolved(
                    parent_type, field_details_list, path, found[1], position_context
                )
        if path.prev is not None:
            self._fd_pure = False  # a resolver runs: its answer may depend on the viewer
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def _complete_preresolved(
        self,
        parent_type: GraphQLObjectType,
        field_details_list: Any,
        path: Path,
        value: Any,
        position_context: Any,
    ) -> Any:
        field_def = parent_type.fields[field_details_list[0].node.name.value]
        if value is not None:
            named, non_null = _unwrap(field_def.type)
            if is_object_type(named) and not isinstance(named, GraphQLList):
                sub = self._object_plan(named, field_details_list)
                if sub is not None:
                    done = self._fast_value((_OBJECT, None, named, non_null, *sub), value, path)
                    if done is not _UNSET:
                        return done
        info = self.build_resolve_info(
            field_def, [d.node for d in field_details_list], parent_type, path
        )
        try:
            completed = self.complete_value(
                field_def.type, field_details_list, info, path, value, position_context
            )
            if self.is_awaitable(completed):

                async def await_completed() -> Any:
                    try:
                        return await completed
                    except Exception as raw_error:
                        self.handle_field_error(raw_error, field_def.type, field_details_list, path)
                        return None

                return await_completed()
        except Exception as raw_error:
            self.handle_field_error(raw_error, field_def.type, field_details_list, path)
            return None
        return completed


# ---- what a list's items select, for resolvers that load their relations in one batch


def selected_of(selections: Sequence[Any], type_names: tuple[str, ...]) -> Iterator[Any]:
    """The fields of a selection set, through fragments on any of `type_names`."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        elif getattr(selection, "type_condition", None) in (None, *type_names):
            yield from selected_of(selection.selections, type_names)


def connection_items(
    selected: Sequence[Any], connection: str, edge: str, item_types: tuple[str, ...]
) -> list[Any]:
    """What a connection's `nodes { ... }` and `edges { node { ... } }` select of its items."""
    found: list[Any] = []
    for field in selected:
        for child in selected_of(field.selections, (connection,)):
            if child.name == "nodes":
                found += selected_of(child.selections, item_types)
            elif child.name == "edges":
                for part in selected_of(child.selections, (edge,)):
                    if part.name == "node":
                        found += selected_of(part.selections, item_types)
    return found


def wanted(selections: Sequence[Any], names: Iterable[str]) -> dict[str, tuple[str, dict]]:
    """{response name: (field name, arguments)} of the fields named `names`; a response name
    used for two different fields or arguments (possible across fragments or `nodes` and
    `edges`) is left out, to its resolver."""
    names = set(names)
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    clashing: set[str] = set()
    for field in selections:
        if field.name not in names:
            continue
        key = field.alias or field.name
        if key in found and found[key] != (field.name, field.arguments):
            clashing.add(key)
        found[key] = (field.name, field.arguments)
    for key in clashing:
        del found[key]
    return found
