"""Priority schemes and resolution."""

from __future__ import annotations

import json

import pytest

from backend.domain.priority import (
    BUILTIN_SCHEMES,
    DEFAULT,
    JIRA,
    Impact,
    PriorityLevel,
    PriorityScheme,
    PrioritySource,
    Urgency,
    resolve_priority,
    validate_scheme,
)

# The DEFAULT matrix, cell by cell, written out independently of the module's table.
MATRIX_CELLS = [
    ("HIGH", "HIGH", "P1"),
    ("HIGH", "MEDIUM", "P2"),
    ("HIGH", "LOW", "P3"),
    ("MEDIUM", "HIGH", "P2"),
    ("MEDIUM", "MEDIUM", "P2"),
    ("MEDIUM", "LOW", "P3"),
    ("LOW", "HIGH", "P3"),
    ("LOW", "MEDIUM", "P3"),
    ("LOW", "LOW", "P4"),
]


@pytest.mark.parametrize(("urgency", "impact", "expected"), MATRIX_CELLS)
def test_default_matrix_cell(urgency: str, impact: str, expected: str) -> None:
    decision = resolve_priority(DEFAULT, urgency=urgency, impact=impact, request_type_default="P4")
    assert decision.key == expected
    assert decision.problems == []
    assert decision.source is PrioritySource.MATRIX
    # Enum members work the same as their names.
    typed = resolve_priority(DEFAULT, urgency=Urgency(urgency), impact=Impact(impact))
    assert typed.key == expected


def test_default_matrix_is_complete() -> None:
    assert DEFAULT.matrix is not None and len(DEFAULT.matrix) == 9


def test_builtin_schemes() -> None:
    assert [(lv.key, lv.name, lv.rank) for lv in DEFAULT.levels] == [
        ("P1", "Critical", 1),
        ("P2", "High", 2),
        ("P3", "Medium", 3),
        ("P4", "Low", 4),
    ]
    assert not DEFAULT.customer_may_choose
    assert [lv.name for lv in JIRA.levels] == ["Blocker", "Critical", "Major", "Minor", "Trivial"]
    assert [lv.rank for lv in JIRA.levels] == [1, 2, 3, 4, 5]
    assert JIRA.matrix is None and JIRA.customer_may_choose
    assert BUILTIN_SCHEMES == {"default": DEFAULT, "jira": JIRA}
    assert validate_scheme(DEFAULT) == [] and validate_scheme(JIRA) == []


def test_builtin_matrix_is_read_only() -> None:
    with pytest.raises(TypeError):
        DEFAULT.matrix[(Urgency.LOW, Impact.LOW)] = "P1"  # type: ignore[index]


def test_fallback_is_the_middle_level() -> None:
    assert DEFAULT.fallback_key == "P3"
    assert JIRA.fallback_key == "MAJOR"
    decision = resolve_priority(DEFAULT)
    assert (decision.key, decision.source, decision.problems) == (
        "P3",
        PrioritySource.SCHEME_DEFAULT,
        [],
    )
    assert resolve_priority(JIRA).key == "MAJOR"


def test_default_scheme_without_both_ratings_uses_request_type_default() -> None:
    for kwargs in ({}, {"urgency": "HIGH"}, {"impact": "HIGH"}):
        decision = resolve_priority(DEFAULT, request_type_default="P4", **kwargs)
        assert decision.key == "P4" and decision.source is PrioritySource.REQUEST_TYPE_DEFAULT


def test_unknown_request_type_default_falls_back() -> None:
    decision = resolve_priority(JIRA, request_type_default="P1")
    assert decision.key == "MAJOR" and decision.problems == []


def test_jira_starts_from_request_type_default_and_ignores_ratings() -> None:
    decision = resolve_priority(JIRA, urgency="HIGH", impact="HIGH", request_type_default="MINOR")
    assert decision.key == "MINOR" and decision.source is PrioritySource.REQUEST_TYPE_DEFAULT


def test_jira_customer_may_choose() -> None:
    decision = resolve_priority(JIRA, requested_key="BLOCKER", request_type_default="MINOR")
    assert (decision.key, decision.source, decision.problems) == (
        "BLOCKER",
        PrioritySource.REQUESTED,
        [],
    )


def test_customer_may_not_choose_in_default_scheme() -> None:
    decision = resolve_priority(DEFAULT, urgency="LOW", impact="LOW", requested_key="P1")
    assert decision.key == "P4"  # the matrix still decides
    assert [(p.path, p.code) for p in decision.problems] == [
        (("priorityKey",), "PRIORITY_NOT_CHOOSABLE")
    ]


def test_agent_may_always_choose_and_overrides_the_matrix() -> None:
    decision = resolve_priority(
        DEFAULT, urgency="LOW", impact="LOW", requested_key="P1", chooser_is_agent=True
    )
    assert (decision.key, decision.source, decision.problems) == (
        "P1",
        PrioritySource.REQUESTED,
        [],
    )


@pytest.mark.parametrize(("scheme", "agent"), [(JIRA, False), (JIRA, True), (DEFAULT, True)])
def test_unknown_requested_priority(scheme: PriorityScheme, agent: bool) -> None:
    decision = resolve_priority(
        scheme, requested_key="URGENT!!", chooser_is_agent=agent, request_type_default=None
    )
    assert [(p.path, p.code) for p in decision.problems] == [(("priorityKey",), "UNKNOWN_PRIORITY")]
    assert decision.key == scheme.fallback_key


def test_unknown_ratings_are_problems_and_skip_the_matrix() -> None:
    decision = resolve_priority(DEFAULT, urgency="SEVERE", impact="high", request_type_default="P2")
    assert [(p.path, p.code) for p in decision.problems] == [
        (("urgency",), "UNKNOWN_URGENCY"),
        (("impact",), "UNKNOWN_IMPACT"),
    ]
    assert "HIGH, MEDIUM, LOW" in decision.problems[0].message
    assert decision.key == "P2"


def test_all_problems_at_once() -> None:
    decision = resolve_priority(DEFAULT, urgency="X", impact="Y", requested_key="P1")
    assert {p.code for p in decision.problems} == {
        "UNKNOWN_URGENCY",
        "UNKNOWN_IMPACT",
        "PRIORITY_NOT_CHOOSABLE",
    }


def test_matrix_cell_without_level_falls_through() -> None:
    scheme = PriorityScheme(
        key="partial",
        name="Partial",
        levels=(PriorityLevel("HI", "Hi", 1), PriorityLevel("LO", "Lo", 2)),
        matrix={("HIGH", "HIGH"): "HI", ("LOW", "LOW"): None},  # type: ignore[dict-item]
    )
    assert resolve_priority(scheme, urgency="HIGH", impact="HIGH").key == "HI"
    assert resolve_priority(scheme, urgency="LOW", impact="LOW").source is (
        PrioritySource.SCHEME_DEFAULT
    )
    assert resolve_priority(scheme, urgency="MEDIUM", impact="LOW").key == "LO"


@pytest.mark.parametrize("scheme", [DEFAULT, JIRA])
def test_schemes_round_trip_through_json(scheme: PriorityScheme) -> None:
    data = json.loads(json.dumps(scheme.to_dict()))
    restored = PriorityScheme.from_dict(data)
    assert restored == scheme
    assert restored.to_dict() == data


def test_default_scheme_json_shape() -> None:
    data = DEFAULT.to_dict()
    assert data["customerMayChoose"] is False
    assert {"urgency": "HIGH", "impact": "LOW", "priorityKey": "P3"} in data["matrix"]
    assert JIRA.to_dict()["matrix"] is None


def test_levels_are_kept_in_rank_order() -> None:
    scheme = PriorityScheme(
        key="s", name="S", levels=(PriorityLevel("B", "b", 2), PriorityLevel("A", "a", 1))
    )
    assert [lv.key for lv in scheme.levels] == ["A", "B"]


def test_validate_scheme_problems() -> None:
    scheme = PriorityScheme(
        key="bad",
        name="Bad",
        levels=(PriorityLevel("A", "a", 1), PriorityLevel("A", "b", 1), PriorityLevel(" ", "", 0)),
        matrix={("HIGH", "HIGH"): "ZZ"},  # type: ignore[dict-item]
    )
    codes = {(p.path, p.code) for p in validate_scheme(scheme)}
    assert codes == {
        (("levels",), "DUPLICATE_LEVEL"),
        (("levels",), "INVALID_RANK"),
        (("levels",), "INVALID_LEVEL"),
        (("matrix", "HIGH", "HIGH"), "UNKNOWN_PRIORITY"),
    }
    empty = PriorityScheme(key="e", name="E", levels=())
    assert [p.code for p in validate_scheme(empty)] == ["MISSING_LEVELS"]
