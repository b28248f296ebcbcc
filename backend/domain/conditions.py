"""Form-field conditions: when a field is shown and when it is required.

Conditions are data, stored with the form version, and the same rules run on the server
(authoritative, here) and in the SPA (a TypeScript port checked against
``spec/condition-vectors.json``). Keep both in step: change the rules only together with the
vectors.

Model
-----
A field may carry a list of ``Condition(effect, field_key, operator, values)``:

* ``effect`` is ``SHOW`` or ``REQUIRE``; ``operator`` is ``IN`` or ``NOT_IN``;
  ``field_key`` names the *controlling* field X; ``values`` is a list of strings.

Semantics
---------
1. Visibility: a field without SHOW conditions is visible. A field with SHOW conditions is
   visible only when ALL of its SHOW conditions hold.
2. Required: a field is required when it is visible and (its static ``required`` flag is set,
   or it has at least one REQUIRE condition and ALL of its REQUIRE conditions hold).
   A hidden field is never required.
3. A condition compares the current value of its controlling field X:

   * "no value": ``None``, a missing key, a string that is empty or whitespace only, or an empty
     list. For no value, ``IN`` is false and ``NOT_IN`` is true.
   * a single value is turned into its canonical string and tested for membership in
     ``values``: strings as they are (exact, case-sensitive, no trimming), booleans as
     ``"true"``/``"false"``, integers in decimal (``"42"``, ``"-3"``), floats with an integral
     value as integers (``3.0`` -> ``"3"``) and other floats as their shortest round-trip
     form (``"2.5"``). NaN/infinity and other types (objects) never match.
   * a list value (MULTI_SELECT, ATTACHMENT): ``IN`` holds when ANY element's canonical string is
     in ``values``; ``NOT_IN`` holds when NONE is.
4. If X is itself hidden, its value counts as no value, so chains work: C shown when B in
   [..], B shown when A in [..] hides C whenever B is hidden.
5. A condition naming an unknown field sees no value (robust at run time; admins get a
   definition problem from :func:`validate_definitions` before such a form is saved).
6. Conditions must not form a cycle: a field's conditions may not depend, directly or through
   other fields' conditions, of either effect, on the field itself (self-reference included).
   We reject REQUIRE-only cycles too although they could be evaluated: one rule that admins
   can understand beats a clever one. :func:`evaluate` raises :class:`ConditionCycleError`.

Evaluation visits fields in dependency order (controllers first); the cost is linear in
fields + conditions, which is plenty for forms of ~100 fields.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from backend.domain.errors import Problem

__all__ = [
    "Condition",
    "ConditionCycleError",
    "ConditionEffect",
    "ConditionOperator",
    "ConditionalField",
    "FieldState",
    "canonical_strings",
    "condition_holds",
    "dependency_order",
    "evaluate",
    "is_blank",
    "validate_definitions",
]


class ConditionEffect(StrEnum):
    SHOW = "SHOW"
    REQUIRE = "REQUIRE"


class ConditionOperator(StrEnum):
    IN = "IN"
    NOT_IN = "NOT_IN"


@dataclass(frozen=True, slots=True)
class Condition:
    """``effect`` applies to the owning field when ``field_key``'s value is (not) in ``values``."""

    effect: ConditionEffect
    field_key: str
    operator: ConditionOperator
    values: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        # Accept plain strings / lists from callers and JSON; store enums and a tuple so the
        # condition stays hashable and immutable.
        object.__setattr__(self, "effect", ConditionEffect(self.effect))
        object.__setattr__(self, "operator", ConditionOperator(self.operator))
        object.__setattr__(self, "values", tuple(self.values))
        if not all(isinstance(v, str) for v in self.values):
            raise ValueError("condition values must be strings")

    def to_dict(self) -> dict[str, Any]:
        """JSON form, shared with the SPA and the test vectors."""
        return {
            "effect": self.effect.value,
            "fieldKey": self.field_key,
            "operator": self.operator.value,
            "values": list(self.values),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Condition:
        unknown = set(data) - {"effect", "fieldKey", "operator", "values"}
        if unknown:
            raise ValueError(f"unknown condition keys: {sorted(unknown)}")
        values = data.get("values", [])
        if not isinstance(values, list | tuple):
            raise ValueError("condition values must be a list of strings")
        return cls(
            effect=ConditionEffect(data["effect"]),
            field_key=str(data["fieldKey"]),
            operator=ConditionOperator(data["operator"]),
            values=tuple(values),
        )


class ConditionalField(Protocol):
    """What the evaluator needs from a field (``forms.FieldSpec`` satisfies it)."""

    @property
    def key(self) -> str: ...

    @property
    def required(self) -> bool: ...

    @property
    def conditions(self) -> Sequence[Condition]: ...


@dataclass(frozen=True, slots=True)
class FieldState:
    visible: bool
    required: bool


class ConditionCycleError(ValueError):
    """The conditions of a form depend on themselves: a definition error, not a user error."""

    def __init__(self, cycle: Sequence[str]) -> None:
        self.cycle: tuple[str, ...] = tuple(cycle)
        super().__init__("condition cycle: " + " -> ".join(self.cycle))


# --- values -------------------------------------------------------------------------------


def is_blank(value: object) -> bool:
    """No value: None, an empty or whitespace-only string, or an empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return len(value) == 0
    return False


def _canonical(value: object) -> str | None:
    # bool before int: bool is a subclass of int in Python.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return value
    return None


def canonical_strings(value: object) -> frozenset[str]:
    """The strings a value presents to conditions (empty for no value)."""
    if is_blank(value):
        return frozenset()
    items: Iterable[object] = value if isinstance(value, list | tuple) else (value,)
    out = set()
    for item in items:
        text = _canonical(item)
        if text is not None:
            out.add(text)
    return frozenset(out)


def condition_holds(condition: Condition, value: object) -> bool:
    """Whether ``condition`` holds when its controlling field currently has ``value``."""
    hit = not canonical_strings(value).isdisjoint(condition.values)
    return hit if condition.operator is ConditionOperator.IN else not hit


# --- dependency order ---------------------------------------------------------------------


def dependency_order(fields: Sequence[ConditionalField]) -> list[str]:
    """Field keys, controllers before the fields they control; raises on a cycle.

    Fields keep their given order where dependencies allow it, so results are deterministic.
    """
    by_key = {f.key: f for f in fields}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    order: list[str] = []
    path: list[str] = []

    def visit(key: str) -> None:
        # Recursion depth is bounded by the number of fields (~100), well under the limit.
        mark = state.get(key)
        if mark == 2:
            return
        if mark == 1:
            raise ConditionCycleError([*path[path.index(key) :], key])
        state[key] = 1
        path.append(key)
        for condition in by_key[key].conditions:
            if condition.field_key in by_key:
                visit(condition.field_key)
        path.pop()
        state[key] = 2
        order.append(key)

    for f in fields:
        visit(f.key)
    return order


def evaluate(
    fields: Sequence[ConditionalField], values: Mapping[str, object]
) -> dict[str, FieldState]:
    """Visibility and required-ness of every field for the current ``values``.

    The result is keyed by field key, in the order of ``fields``.
    Raises :class:`ConditionCycleError` when the conditions form a cycle.
    """
    by_key = {f.key: f for f in fields}
    states: dict[str, FieldState] = {}

    def seen_value(key: str) -> object:
        # Hidden (or unknown) controllers count as no value: this is what makes chains work.
        state = states.get(key)
        return values.get(key) if state is not None and state.visible else None

    for key in dependency_order(fields):
        f = by_key[key]
        show = [c for c in f.conditions if c.effect is ConditionEffect.SHOW]
        require = [c for c in f.conditions if c.effect is ConditionEffect.REQUIRE]
        visible = all(condition_holds(c, seen_value(c.field_key)) for c in show)
        required = visible and (
            bool(f.required)
            or (bool(require) and all(condition_holds(c, seen_value(c.field_key)) for c in require))
        )
        states[key] = FieldState(visible=visible, required=required)
    return {f.key: states[f.key] for f in fields}


# --- definition checks --------------------------------------------------------------------


def _strongly_connected(graph: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Tarjan's algorithm; components come out in no particular order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            components.append(component)

    for node in graph:
        if node not in index:
            connect(node)
    return components


def validate_definitions(fields: Sequence[ConditionalField]) -> list[Problem]:
    """Problems with the conditions of a form definition (for admin mutations).

    Paths are ``("fields", <key>, "conditions", <index>)``; a cycle is reported once, on the
    first of its fields in form order, with path ``("fields", <key>, "conditions")``.
    Codes: UNKNOWN_CONDITION_FIELD, SELF_REFERENCE, EMPTY_CONDITION_VALUES, CONDITION_CYCLE.
    """
    problems: list[Problem] = []
    keys = [f.key for f in fields]
    known = set(keys)
    graph: dict[str, list[str]] = {k: [] for k in keys}
    for f in fields:
        for i, condition in enumerate(f.conditions):
            path = ("fields", f.key, "conditions", str(i))
            target = condition.field_key
            if target == f.key:
                problems.append(
                    Problem(path, "SELF_REFERENCE", f"Field '{f.key}' has a condition on itself.")
                )
            elif target not in known:
                problems.append(
                    Problem(
                        path,
                        "UNKNOWN_CONDITION_FIELD",
                        f"Field '{f.key}' has a condition on unknown field '{target}'.",
                    )
                )
            else:
                graph[f.key].append(target)
            if not condition.values:
                problems.append(
                    Problem(
                        path,
                        "EMPTY_CONDITION_VALUES",
                        f"A condition of field '{f.key}' lists no values.",
                    )
                )
    position = {k: i for i, k in enumerate(keys)}
    cycles = [c for c in _strongly_connected(graph) if len(c) > 1]
    for component in sorted(cycles, key=lambda c: min(position[k] for k in c)):
        members = sorted(component, key=position.__getitem__)
        problems.append(
            Problem(
                ("fields", members[0], "conditions"),
                "CONDITION_CYCLE",
                "Conditions form a cycle between fields " + ", ".join(members) + ".",
            )
        )
    return problems
