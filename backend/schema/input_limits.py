"""Checks that hold for every GraphQL input, whatever the argument, in one place:

- LIST_TOO_LONG: every list (ids, filters, participants, field values, options, the lists
  inside JSON values) has at most FRONTDESK_MAX_INPUT_LIST_ITEMS items, so no input makes the
  server do unbounded work. Domain rules keep their own, smaller business limits (e.g. 50
  participants) and answer those with userErrors; this cap is the outer bound.
- INVALID_CHARACTER: no string holds NUL or an unpaired surrogate. Neither is text anyone
  types, PostgreSQL cannot store NUL in text or JSON, and neither can be encoded as UTF-8:
  they would fail deep in a write instead of here, with a clear answer.

Inputs reach the server as literals in the document (a validation rule) and as variable
values (checked before they are coerced). Both answer with a top-level error naming the input:

    {"message": "...", "extensions": {"code": "LIST_TOO_LONG", "argument": "filter.statuses",
                                      "maxItems": 1000}}

`argument` is the dotted path from the field argument (document literals) or from the variable
(`$input.participantIds`, variables), with list positions as numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from graphql import (
    ArgumentNode,
    GraphQLError,
    ListValueNode,
    ObjectFieldNode,
    StringValueNode,
    ValidationRule,
    VariableDefinitionNode,
)
from graphql.language.parser import MAX_NESTING_DEPTH
from strawberry.extensions import SchemaExtension

LIST_TOO_LONG = "LIST_TOO_LONG"
INVALID_CHARACTER = "INVALID_CHARACTER"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _too_long(where: str, size: int, max_items: int, nodes: Any = None) -> GraphQLError:
    return GraphQLError(
        f"The list `{where}` has {size} items; at most {max_items} are accepted.",
        nodes=nodes,
        extensions={"code": LIST_TOO_LONG, "argument": where, "maxItems": max_items},
    )


def _invalid_character(where: str, nodes: Any = None) -> GraphQLError:
    return GraphQLError(
        f"`{where}` contains a character text cannot hold (NUL or an unpaired surrogate).",
        nodes=nodes,
        extensions={"code": INVALID_CHARACTER, "argument": where},
    )


def _literal_path(ancestors: Sequence[Any]) -> str:
    parts: list[str] = []
    for node in ancestors:
        if isinstance(node, ArgumentNode | ObjectFieldNode):
            parts.append(node.name.value)
        elif isinstance(node, VariableDefinitionNode):  # a value in a variable's default
            parts.append(f"${node.variable.name.value}")
    return ".".join(parts) or "?"


def input_rule(max_items: int) -> type[ValidationRule]:
    """The validation rule for literals in the document. Built once per schema so that the
    validation cache (keyed by the rules) keeps working."""

    class InputValuesRule(ValidationRule):
        def enter_list_value(
            self, node: ListValueNode, _key: Any, parent: Any, _path: Any, ancestors: Any
        ) -> None:
            if len(node.values) > max_items:
                where = _literal_path([*ancestors, parent])
                self.report_error(_too_long(where, len(node.values), max_items, node))

        def enter_string_value(
            self, node: StringValueNode, _key: Any, parent: Any, _path: Any, ancestors: Any
        ) -> None:
            if _UNSTORABLE.search(node.value):
                where = _literal_path([*ancestors, parent])
                self.report_error(_invalid_character(where, node))

    return InputValuesRule


def _problems(value: Any, path: str, max_items: int, depth: int = 0) -> Iterator[GraphQLError]:
    # Deeper values are refused by graphql-core's own nesting limit when it coerces them.
    if depth > MAX_NESTING_DEPTH:
        return
    if isinstance(value, str):
        if _UNSTORABLE.search(value):
            yield _invalid_character(path)
    elif isinstance(value, list):
        if len(value) > max_items:
            yield _too_long(path, len(value), max_items)
            return
        for index, item in enumerate(value):
            yield from _problems(item, f"{path}.{index}", max_items, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and _UNSTORABLE.search(key):
                yield _invalid_character(f"{path}.{key!r}")
            yield from _problems(item, f"{path}.{key}", max_items, depth + 1)


def variable_errors(variables: Any, max_items: int) -> list[GraphQLError]:
    """The errors of the (raw, uncoerced) variable values; the first one found."""
    if not isinstance(variables, dict):
        return []
    for name, value in variables.items():
        # One is enough to refuse: do not walk the rest of a hostile input.
        for error in _problems(value, f"${name}", max_items):
            return [error]
    return []


class InputLimits(SchemaExtension):
    """Adds the literal rule to validation and checks the variables. Must come after
    ValidationCache in the extension list: it only speaks when validation found nothing."""

    def __init__(self, rule: type[ValidationRule], max_items: int) -> None:
        self.rule = rule
        self.max_items = max_items

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = (*context.validation_rules, self.rule)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        # `None`: nobody validated yet (strawberry then validates, literals included).
        if not context.pre_execution_errors:
            errors = variable_errors(context.variables, self.max_items)
            if errors:
                context.pre_execution_errors = errors
        yield
