"""The condition evaluator: shared vectors plus the Python-side API details."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from backend.domain.conditions import (
    Condition,
    ConditionCycleError,
    ConditionEffect,
    ConditionOperator,
    FieldState,
    canonical_strings,
    dependency_order,
    evaluate,
    validate_definitions,
)
from backend.domain.forms import FieldKind, FieldSpec

VECTORS_PATH = Path(__file__).resolve().parents[2] / "spec" / "condition-vectors.json"
VECTORS: list[dict[str, Any]] = json.loads(VECTORS_PATH.read_text())["vectors"]

SHOW, REQUIRE = ConditionEffect.SHOW, ConditionEffect.REQUIRE
IN, NOT_IN = ConditionOperator.IN, ConditionOperator.NOT_IN


def spec(key: str, *conditions: Condition, required: bool = False) -> FieldSpec:
    return FieldSpec(key, FieldKind.TEXT, key.title(), required=required, conditions=conditions)


def build(fields: list[dict[str, Any]]) -> list[FieldSpec]:
    return [
        FieldSpec(
            key=f["key"],
            kind=FieldKind(f["kind"]),
            label=f["key"],
            required=f["required"],
            conditions=tuple(Condition.from_dict(c) for c in f["conditions"]),
        )
        for f in fields
    ]


def test_vector_file_is_documented_and_large_enough() -> None:
    document = json.loads(VECTORS_PATH.read_text())
    assert "description" in document and document["formatVersion"] == 1
    assert len(VECTORS) >= 30
    names = [v["name"] for v in VECTORS]
    assert len(set(names)) == len(names)
    covered = {
        (c["effect"], c["operator"]) for v in VECTORS for f in v["fields"] for c in f["conditions"]
    }
    assert covered == {("SHOW", "IN"), ("SHOW", "NOT_IN"), ("REQUIRE", "IN"), ("REQUIRE", "NOT_IN")}
    kinds = {f["kind"] for v in VECTORS for f in v["fields"]}
    assert {"MULTI_SELECT", "CHECKBOX", "NUMBER", "SELECT", "TEXT"} <= kinds


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_condition_vector(vector: dict[str, Any]) -> None:
    fields = build(vector["fields"])
    if "expectedError" in vector:
        assert vector["expectedError"] == "CONDITION_CYCLE"
        with pytest.raises(ConditionCycleError):
            evaluate(fields, vector["values"])
        codes = {p.code for p in validate_definitions(fields)}
        assert codes & {"CONDITION_CYCLE", "SELF_REFERENCE"}
        return
    states = evaluate(fields, vector["values"])
    actual = {k: {"visible": s.visible, "required": s.required} for k, s in states.items()}
    assert actual == vector["expected"]
    assert validate_definitions(fields) == [] or any(
        c["fieldKey"] not in {f["key"] for f in vector["fields"]}
        for f in vector["fields"]
        for c in f["conditions"]
    )


def test_condition_round_trips_through_json() -> None:
    condition = Condition(SHOW, "type", NOT_IN, ("a", "b"))
    data = condition.to_dict()
    expected = {"effect": "SHOW", "fieldKey": "type", "operator": "NOT_IN", "values": ["a", "b"]}
    assert data == expected
    assert Condition.from_dict(json.loads(json.dumps(data))) == condition


def test_condition_accepts_plain_strings_and_lists() -> None:
    condition = Condition("REQUIRE", "x", "IN", ["1"])  # type: ignore[arg-type]
    assert condition.effect is REQUIRE and condition.operator is IN and condition.values == ("1",)


@pytest.mark.parametrize(
    "data",
    [
        {"effect": "HIDE", "fieldKey": "a", "operator": "IN", "values": []},
        {"effect": "SHOW", "fieldKey": "a", "operator": "EQUALS", "values": []},
        {"effect": "SHOW", "fieldKey": "a", "operator": "IN", "values": [1]},
        {"effect": "SHOW", "fieldKey": "a", "operator": "IN", "values": "abc"},
        {"effect": "SHOW", "fieldKey": "a", "operator": "IN", "values": [], "extra": 1},
    ],
)
def test_condition_from_dict_rejects_malformed_data(data: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Condition.from_dict(data)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, set()),
        ("", set()),
        ("   ", set()),
        ([], set()),
        ("a b", {"a b"}),
        (True, {"true"}),
        (False, {"false"}),
        (0, {"0"}),
        (-7, {"-7"}),
        (3.0, {"3"}),
        (2.5, {"2.5"}),
        (float("nan"), set()),
        (float("inf"), set()),
        ({"a": 1}, set()),
        (["a", "b", "a"], {"a", "b"}),
        ([1, True, None], {"1", "true"}),
    ],
)
def test_canonical_strings(value: object, expected: set[str]) -> None:
    assert canonical_strings(value) == expected


def test_no_conditions_and_result_order() -> None:
    fields = [spec("b", required=True), spec("a")]
    result = evaluate(fields, {})
    assert list(result) == ["b", "a"]
    assert result == {"b": FieldState(True, True), "a": FieldState(True, False)}


def test_dependency_order_puts_controllers_first_and_keeps_order_otherwise() -> None:
    fields = [
        spec("c", Condition(SHOW, "b", IN, ("x",))),
        spec("z"),
        spec("b", Condition(SHOW, "a", IN, ("x",))),
        spec("a"),
    ]
    order = dependency_order(fields)
    assert order.index("a") < order.index("b") < order.index("c")
    assert sorted(order) == ["a", "b", "c", "z"]


def test_cycle_error_names_the_cycle() -> None:
    fields = [
        spec("a", Condition(SHOW, "c", IN, ("x",))),
        spec("b", Condition(SHOW, "a", IN, ("x",))),
        spec("c", Condition(REQUIRE, "b", IN, ("x",))),
    ]
    with pytest.raises(ConditionCycleError) as caught:
        evaluate(fields, {})
    cycle = caught.value.cycle
    assert cycle[0] == cycle[-1] and set(cycle) == {"a", "b", "c"}
    assert "->" in str(caught.value)


def test_validate_definitions_reports_each_kind_of_problem() -> None:
    fields = [
        spec("a", Condition(SHOW, "b", IN, ("x",))),
        spec("b", Condition(SHOW, "a", IN, ("x",))),
        spec("c", Condition(SHOW, "c", IN, ("x",))),
        spec("d", Condition(REQUIRE, "ghost", IN, ("x",)), Condition(SHOW, "a", NOT_IN, ())),
        spec("e", Condition(SHOW, "f", IN, ("x",))),
        spec("f", Condition(SHOW, "g", IN, ("x",))),
        spec("g", Condition(SHOW, "e", IN, ("x",))),
    ]
    problems = validate_definitions(fields)
    summary = {(p.path, p.code) for p in problems}
    assert summary == {
        (("fields", "c", "conditions", "0"), "SELF_REFERENCE"),
        (("fields", "d", "conditions", "0"), "UNKNOWN_CONDITION_FIELD"),
        (("fields", "d", "conditions", "1"), "EMPTY_CONDITION_VALUES"),
        (("fields", "a", "conditions"), "CONDITION_CYCLE"),
        (("fields", "e", "conditions"), "CONDITION_CYCLE"),
    }
    cycle_messages = [p.message for p in problems if p.code == "CONDITION_CYCLE"]
    assert "a, b" in cycle_messages[0] and "e, f, g" in cycle_messages[1]


def test_validate_definitions_accepts_a_sound_form() -> None:
    fields = [
        spec("a"),
        spec("b", Condition(SHOW, "a", IN, ("x",))),
        spec("c", Condition(SHOW, "a", IN, ("x",)), Condition(REQUIRE, "b", NOT_IN, ("y",))),
    ]
    assert validate_definitions(fields) == []


def test_evaluate_handles_a_hundred_field_chain_quickly() -> None:
    # Worst case for depth: every field controlled by the previous one, listed backwards.
    fields = [spec("f0")] + [
        spec(f"f{i}", Condition(SHOW, f"f{i - 1}", IN, ("on",))) for i in range(1, 100)
    ]
    values = {f"f{i}": "on" for i in range(100)}
    states = evaluate(list(reversed(fields)), values)
    assert all(s.visible for s in states.values())
    values["f50"] = "off"
    states = evaluate(fields, values)
    assert states["f50"].visible and not states["f51"].visible and not states["f99"].visible
