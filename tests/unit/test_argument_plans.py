"""The planned argument conversion (backend/schema/argument_plans.py) gives what strawberry's
own gives, for every argument of every field of the schema: all input fields given, only the
required ones, and explicit nulls."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
)
from graphql.utilities import coerce_input_value
from strawberry.types.arguments import convert_arguments as stock_convert_arguments

from backend.config import Settings
from backend.schema import argument_plans, build_schema

SCALARS: dict[str, Any] = {
    "String": "text",
    "Int": 7,
    "Float": 1.5,
    "Boolean": True,
    "ID": "UmVxdWVzdDox",
    "JSON": {"a": [1, "b"]},
    "DateTime": "2026-03-01T09:30:00+00:00",
    "Date": "2026-03-01",
    "Upload": object(),  # the multipart file, as strawberry's view hands it over
}

SCHEMA = build_schema(Settings(env="test"))


def sample(type_: Any, mode: str) -> Any:
    """A raw input value of `type_`: every field given (`full`), only the required ones
    (`required`), or null wherever null is allowed (`nulls`)."""
    if isinstance(type_, GraphQLNonNull):
        return sample(type_.of_type, mode)
    if isinstance(type_, GraphQLList):
        return [sample(type_.of_type, mode), sample(type_.of_type, mode)]
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLScalarType):
        assert type_.name in SCALARS, f"no sample for scalar {type_.name}"
        return SCALARS[type_.name]
    assert isinstance(type_, GraphQLInputObjectType)
    value = {}
    for name, input_field in type_.fields.items():
        required = isinstance(input_field.type, GraphQLNonNull)
        if mode == "required" and not required:
            continue
        value[name] = None if mode == "nulls" and not required else sample(input_field.type, mode)
    return value


def fields_with_arguments() -> Iterator[tuple[str, GraphQLField]]:
    schema = SCHEMA._schema
    seen: set[str] = set()
    for type_ in schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for name, field_def in type_.fields.items():
            if field_def.args and f"{type_.name}.{name}" not in seen:
                seen.add(f"{type_.name}.{name}")
                yield f"{type_.name}.{name}", field_def


FIELDS = dict(fields_with_arguments())


@pytest.mark.parametrize("mode", ["full", "required", "nulls"])
@pytest.mark.parametrize("name", sorted(FIELDS))
def test_planned_conversion_equals_strawberrys(name: str, mode: str) -> None:
    field_def = FIELDS[name]
    definition = field_def.extensions["strawberry-definition"]
    raw = {}
    for arg_name, arg in field_def.args.items():
        required = isinstance(arg.type, GraphQLNonNull)
        if mode == "required" and not required:
            continue
        raw[arg_name] = None if mode == "nulls" and not required else sample(arg.type, mode)
    coerced = {
        arg_name: coerce_input_value(value, field_def.args[arg_name].type)
        for arg_name, value in raw.items()
    }
    registry = SCHEMA.schema_converter.scalar_registry
    expected = stock_convert_arguments(coerced, definition.arguments, registry, SCHEMA.config)
    planned = argument_plans.convert_arguments(
        coerced, definition.arguments, registry, SCHEMA.config
    )
    assert planned == expected
    assert [type(v) for v in planned.values()] == [type(v) for v in expected.values()]


def test_the_submission_input_is_planned() -> None:
    field_def = SCHEMA._schema.mutation_type.fields["requestSubmit"]
    definition = field_def.extensions["strawberry-definition"]
    registry = SCHEMA.schema_converter.scalar_registry
    argument_plans.convert_arguments({}, definition.arguments, registry, SCHEMA.config)
    assert argument_plans._plans[id(definition.arguments)][1] is not None
