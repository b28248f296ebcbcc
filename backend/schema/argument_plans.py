"""Strawberry's argument conversion, worked out once per field instead of once per call.

Before a resolver runs, strawberry turns graphql-core's coerced argument values into Python
values: input dicts into input classes, lists item by item (strawberry.types.arguments
`convert_arguments`). It works the types out again on every call (the field's GraphQL name,
each input field's resolved type, whether an item type is a leaf), which was 12% of the event
loop's time in a submission profile (a 10-field form: 0.4 ms of 3.6).

Here each field's arguments get a plan the first time: a converter per argument, built from
the same types with the same rules, and kept. Types whose conversion has more to it keep the
stock conversion, for the whole field: `Maybe`, global IDs, input classes that build their
own value (`from_input`), and anything not listed below. `install` makes strawberry's schema
converter use this; tests/unit/test_argument_plans.py compares the results with the stock
conversion.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING
from typing import Any

import strawberry.schema.schema_converter as schema_converter
from strawberry.relay import GlobalID
from strawberry.schema.compat import is_scalar
from strawberry.types.arguments import StrawberryArgument
from strawberry.types.arguments import convert_arguments as stock_convert_arguments
from strawberry.types.base import (
    StrawberryList,
    StrawberryMaybe,
    StrawberryOptional,
    has_object_definition,
)
from strawberry.types.enum import StrawberryEnumDefinition, has_enum_definition
from strawberry.types.lazy_type import LazyType
from strawberry.types.unset import UNSET

Converter = Callable[[Any], Any]


class _Unplanned(Exception):
    """A type this module leaves to the stock conversion."""


def _passthrough(value: Any) -> Any:
    return value


def _leaf(type_: Any, registry: Mapping[object, Any]) -> bool:
    if type_ is GlobalID:
        return False
    if isinstance(type_, LazyType):
        return _leaf(type_.resolve_type(), registry)
    return is_scalar(type_, registry) or isinstance(type_, StrawberryEnumDefinition)


class _Planner:
    def __init__(self, registry: Mapping[object, Any], config: Any) -> None:
        self.registry = registry
        self.config = config
        # Input classes being planned or planned, so recursive inputs refer to one plan.
        self.inputs: dict[type, list[Converter]] = {}

    def plan(self, type_: Any) -> Converter:
        if isinstance(type_, StrawberryMaybe) or type_ is GlobalID:
            raise _Unplanned
        if isinstance(type_, StrawberryOptional):
            return self.plan(type_.of_type)  # None and UNSET pass through every converter
        if isinstance(type_, StrawberryList):
            return self._list(type_.of_type)
        if isinstance(type_, LazyType):
            return self.plan(type_.resolve_type())
        if _leaf(type_, self.registry) or has_enum_definition(type_):
            # graphql-core already coerced scalars and enums (its enum values are ours).
            return _passthrough
        if has_object_definition(type_):
            return self._input(type_)
        raise _Unplanned

    def _list(self, item_type: Any) -> Converter:
        inner = item_type.of_type if isinstance(item_type, StrawberryOptional) else item_type
        if not isinstance(item_type, StrawberryMaybe) and _leaf(inner, self.registry):

            def copy(value: Any) -> Any:
                # Copied as strawberry does: graphql-core hands every request that omits the
                # value the same default list.
                return value if value is None or value is UNSET else list(value)

            return copy
        item = self.plan(item_type)

        def each(value: Any) -> Any:
            if value is None or value is UNSET:
                return value
            return [None if x is None else item(x) for x in value]

        return each

    def _input(self, cls: type) -> Converter:
        definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
        if definition.from_input is not None:
            raise _Unplanned
        cell = self.inputs.get(cls)
        if cell is None:
            cell = self.inputs[cls] = []
            cell.append(self._build_input(cls, definition))
        # Through the cell: a recursive input's converter is only complete once built.
        return lambda value: cell[0](value)

    def _build_input(self, cls: type, definition: Any) -> Converter:
        names = self.config.name_converter
        fields = [
            (
                names.from_field(f),
                f.python_name,
                self.plan(f.resolve_type(type_definition=definition)),
            )
            for f in definition.fields
        ]
        # As strawberry does: fields without a default are None unless given.
        defaults = (
            {
                f.python_name: None
                for f in definition.fields
                if f.default_value is MISSING and f.default_factory is MISSING
            }
            if definition.is_input
            else {}
        )

        def build(value: Any) -> Any:
            if value is None or value is UNSET:
                return value
            kwargs = dict(defaults)
            for graphql_name, python_name, convert in fields:
                if graphql_name in value:
                    given = value[graphql_name]
                    kwargs[python_name] = given if given is None else convert(given)
            return cls(**kwargs)

        return build


# Per field: its argument list (kept, so its id is not reused) and the plan, or None when the
# stock conversion runs.
_Plan = list[tuple[str, str, Converter]]
_plans: dict[int, tuple[list[StrawberryArgument], _Plan | None]] = {}


def _plan_for(
    arguments: list[StrawberryArgument], registry: Mapping[object, Any], config: Any
) -> _Plan | None:
    found = _plans.get(id(arguments))
    if found is not None and found[0] is arguments:
        return found[1]
    planner = _Planner(registry, config)
    plan: _Plan | None
    try:
        plan = [
            (config.name_converter.from_argument(a), a.python_name, planner.plan(a.type))
            for a in arguments
        ]
    except _Unplanned:
        plan = None
    _plans[id(arguments)] = (arguments, plan)
    return plan


def convert_arguments(
    value: dict[str, Any],
    arguments: list[StrawberryArgument],
    scalar_registry: Mapping[object, Any],
    config: Any,
    info: Any = None,
) -> dict[str, Any]:
    """strawberry.types.arguments.convert_arguments, with the plan worked out once."""
    if not arguments:
        return {}
    plan = _plan_for(arguments, scalar_registry, config)
    if plan is None:
        return stock_convert_arguments(value, arguments, scalar_registry, config, info)
    kwargs = {}
    for name, python_name, convert in plan:
        if name in value:
            given = value[name]
            kwargs[python_name] = given if given is None else convert(given)
    return kwargs


def install() -> None:
    """Make strawberry's resolvers convert their arguments through the plans."""
    schema_converter.convert_arguments = convert_arguments  # type: ignore[attr-defined]
