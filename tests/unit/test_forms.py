"""Form field definitions and submission validation (example-based)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from backend.domain.conditions import Condition, ConditionCycleError
from backend.domain.forms import (
    AttachmentInfo,
    FieldKind,
    FieldOption,
    FieldSpec,
    Problem,
    ValidationResult,
    field_states,
    validate_field_definitions,
    validate_values,
)

K = FieldKind
OPTIONS = (FieldOption("a", "Apple"), FieldOption("b", "Banana"), FieldOption("c", "Cherry"))
ATTACHMENTS = {
    "small": AttachmentInfo("small", 100, "text/plain"),
    "small2": AttachmentInfo("small2", 200, "image/png"),
    "big": AttachmentInfo("big", 5000, "application/pdf"),
}


def show(key: str, *values: str) -> Condition:
    return Condition("SHOW", key, "IN", values)  # type: ignore[arg-type]


def require(key: str, *values: str) -> Condition:
    return Condition("REQUIRE", key, "IN", values)  # type: ignore[arg-type]


def field(kind: FieldKind, key: str = "f", **kwargs: Any) -> FieldSpec:
    kwargs.setdefault("label", "My field")
    if kind in (K.SELECT, K.MULTI_SELECT):
        kwargs.setdefault("options", OPTIONS)
    return FieldSpec(key=key, kind=kind, **kwargs)


def check(spec: FieldSpec, value: object) -> ValidationResult:
    return validate_values([spec], [(spec.key, value)], attachments=ATTACHMENTS)


def codes(result: ValidationResult) -> list[str]:
    return [p.code for p in result.problems]


# --- every kind: accepted values and their normal form ------------------------------------

ACCEPTED: list[tuple[FieldSpec, object, object]] = [
    (field(K.TEXT), "hello", "hello"),
    (field(K.TEXT, min_length=2, max_length=5), "ab", "ab"),
    (field(K.TEXT, pattern=r"[A-Z]{2}-\d+"), "FD-42", "FD-42"),
    (field(K.TEXT), "x" * 255, "x" * 255),
    (field(K.TEXTAREA), "line 1\nline 2", "line 1\nline 2"),
    (field(K.TEXTAREA), "x" * 32767, "x" * 32767),
    (field(K.NUMBER), 42, 42),
    (field(K.NUMBER), -1.5, -1.5),
    (field(K.NUMBER), 3.0, 3),
    (field(K.NUMBER, integer_only=True), 7.0, 7),
    (field(K.NUMBER, min_value=0, max_value=10), 0, 0),
    (field(K.NUMBER, min_value=0, max_value=10), 10, 10),
    (field(K.NUMBER, min_value=0.5), 0.5, 0.5),
    (field(K.DATE), "2024-02-29", "2024-02-29"),
    (field(K.DATE, min_value="2024-01-01", max_value="2024-12-31"), "2024-12-31", "2024-12-31"),
    (field(K.DATETIME), "2024-05-01T10:30:00Z", "2024-05-01T10:30:00Z"),
    (field(K.DATETIME), "2024-05-01T10:30+02:00", "2024-05-01T08:30:00Z"),
    (field(K.DATETIME), "2024-05-01T23:30:15.25-01:00", "2024-05-02T00:30:15.250000Z"),
    (
        field(K.DATETIME, min_value="2024-01-01T00:00:00Z"),
        "2024-01-01T01:00:00+01:00",
        "2024-01-01T00:00:00Z",
    ),
    (field(K.SELECT), "b", "b"),
    (field(K.MULTI_SELECT), ["c", "a"], ["a", "c"]),
    (field(K.MULTI_SELECT, min_selected=2, max_selected=2), ["b", "a"], ["a", "b"]),
    (field(K.CHECKBOX), True, True),
    (field(K.CHECKBOX), False, False),
    (field(K.CHECKBOX, required=True), True, True),
    (field(K.EMAIL), "jane.doe+tag@example.co.uk", "jane.doe+tag@example.co.uk"),
    (field(K.URL), "https://example.com/a?b=c#d", "https://example.com/a?b=c#d"),
    (field(K.URL), "http://localhost.localdomain:8080", "http://localhost.localdomain:8080"),
    (field(K.ATTACHMENT), ["small", "big"], ["small", "big"]),
    (field(K.ATTACHMENT, max_files=2, max_file_size=200), ["small2", "small"], ["small2", "small"]),
    (field(K.ASSET), "asset-1", "asset-1"),
    (field(K.USER), "VXNlcjox", "VXNlcjox"),
]


@pytest.mark.parametrize(("spec", "value", "normal"), ACCEPTED)
def test_kind_accepts(spec: FieldSpec, value: object, normal: object) -> None:
    result = check(spec, value)
    assert result.problems == []
    assert result.ok
    assert result.values == {"f": normal}
    assert type(result.values["f"]) is type(normal)


def test_every_kind_is_covered() -> None:
    assert {spec.kind for spec, _, _ in ACCEPTED} == set(FieldKind)
    assert {spec.kind for spec, _, _ in REJECTED} == set(FieldKind)


# --- every kind: rejected values with their codes -----------------------------------------

REJECTED: list[tuple[FieldSpec, object, list[str]]] = [
    (field(K.TEXT), 5, ["INVALID_TYPE"]),
    (field(K.TEXT), ["a"], ["INVALID_TYPE"]),
    (field(K.TEXT, min_length=3), "ab", ["TOO_SHORT"]),
    (field(K.TEXT, max_length=3), "abcd", ["TOO_LONG"]),
    (field(K.TEXT), "x" * 256, ["TOO_LONG"]),
    (field(K.TEXT, pattern=r"\d+"), "12a", ["PATTERN_MISMATCH"]),
    (field(K.TEXT, pattern=r"\d+"), "12\n", ["PATTERN_MISMATCH"]),  # full match, not search
    (field(K.TEXT, max_length=2, pattern=r"\d+"), "abc", ["TOO_LONG", "PATTERN_MISMATCH"]),
    (field(K.TEXTAREA), "x" * 32768, ["TOO_LONG"]),
    (field(K.TEXTAREA), {"a": 1}, ["INVALID_TYPE"]),
    (field(K.NUMBER), "5", ["INVALID_TYPE"]),
    (field(K.NUMBER), True, ["INVALID_TYPE"]),
    (field(K.NUMBER), float("nan"), ["INVALID_TYPE"]),
    (field(K.NUMBER), float("inf"), ["INVALID_TYPE"]),
    (field(K.NUMBER, integer_only=True), 1.5, ["NOT_INTEGER"]),
    (field(K.NUMBER, min_value=1), 0, ["OUT_OF_RANGE"]),
    (field(K.NUMBER, max_value=1), 1.01, ["OUT_OF_RANGE"]),
    (field(K.NUMBER, integer_only=True, max_value=1), 2.5, ["NOT_INTEGER", "OUT_OF_RANGE"]),
    (field(K.DATE), "2023-02-29", ["INVALID_DATE"]),
    (field(K.DATE), "2023-2-3", ["INVALID_DATE"]),
    (field(K.DATE), "20230203", ["INVALID_DATE"]),
    (field(K.DATE), "2023-02-03T00:00Z", ["INVALID_DATE"]),
    (field(K.DATE), "٢٠٢٣-٠٢-٠٣", ["INVALID_DATE"]),  # non-ASCII digits
    (field(K.DATE), 20230203, ["INVALID_DATE"]),
    (field(K.DATE, min_value="2024-01-01"), "2023-12-31", ["OUT_OF_RANGE"]),
    (field(K.DATE, max_value="2024-01-01"), "2024-01-02", ["OUT_OF_RANGE"]),
    (field(K.DATETIME), "2024-05-01T10:30:00", ["INVALID_DATETIME"]),  # no offset
    (field(K.DATETIME), "2024-05-01 10:30:00Z", ["INVALID_DATETIME"]),
    (field(K.DATETIME), "2024-13-01T10:30:00Z", ["INVALID_DATETIME"]),
    (field(K.DATETIME), "2024-05-01T24:00:00Z", ["INVALID_DATETIME"]),
    (field(K.DATETIME), "2024-05-01", ["INVALID_DATETIME"]),
    (field(K.DATETIME), 1714559400, ["INVALID_DATETIME"]),
    (
        field(K.DATETIME, max_value="2024-01-01T00:00:00Z"),
        "2024-01-01T00:30:00-01:00",
        ["OUT_OF_RANGE"],
    ),
    (field(K.SELECT), "z", ["INVALID_OPTION"]),
    (field(K.SELECT), "Apple", ["INVALID_OPTION"]),  # the label is not the value
    (field(K.SELECT), ["a"], ["INVALID_TYPE"]),
    (field(K.SELECT), 1, ["INVALID_TYPE"]),
    (field(K.MULTI_SELECT), "a", ["INVALID_TYPE"]),
    (field(K.MULTI_SELECT), ["a", 1], ["INVALID_TYPE"]),
    (field(K.MULTI_SELECT), ["a", "z"], ["INVALID_OPTION"]),
    (field(K.MULTI_SELECT), ["a", "a"], ["DUPLICATE_OPTION"]),
    (field(K.MULTI_SELECT, min_selected=2), ["a"], ["TOO_FEW_SELECTED"]),
    (field(K.MULTI_SELECT, max_selected=1), ["a", "b"], ["TOO_MANY_SELECTED"]),
    (field(K.CHECKBOX), "true", ["INVALID_TYPE"]),
    (field(K.CHECKBOX), 1, ["INVALID_TYPE"]),
    (field(K.CHECKBOX, required=True), False, ["REQUIRED"]),
    (field(K.EMAIL), "jane.example.com", ["INVALID_EMAIL"]),
    (field(K.EMAIL), "jane@@example.com", ["INVALID_EMAIL"]),
    (field(K.EMAIL), "ja ne@example.com", ["INVALID_EMAIL"]),
    (field(K.EMAIL), "jane@localhost", ["INVALID_EMAIL"]),
    (field(K.EMAIL), "jane@example..com", ["INVALID_EMAIL"]),
    (field(K.EMAIL), "@example.com", ["INVALID_EMAIL"]),
    (field(K.EMAIL), "a@" + "b" * 250 + ".com", ["TOO_LONG"]),
    (field(K.EMAIL), 3, ["INVALID_TYPE"]),
    (field(K.URL), "ftp://example.com", ["INVALID_URL"]),
    (field(K.URL), "example.com", ["INVALID_URL"]),
    (field(K.URL), "https://", ["INVALID_URL"]),
    (field(K.URL), "https://exa mple.com", ["INVALID_URL"]),
    (field(K.URL), "https://example.com:99999", ["INVALID_URL"]),
    (field(K.URL), "javascript:alert(1)", ["INVALID_URL"]),
    (field(K.URL), "https://example.com/" + "a" * 2048, ["TOO_LONG"]),
    (field(K.ATTACHMENT), "small", ["INVALID_TYPE"]),
    (field(K.ATTACHMENT), ["small", 2], ["INVALID_TYPE"]),
    (field(K.ATTACHMENT), ["missing"], ["UNKNOWN_ATTACHMENT"]),
    (field(K.ATTACHMENT), ["small", "small"], ["DUPLICATE_ATTACHMENT"]),
    (field(K.ATTACHMENT, max_files=1), ["small", "big"], ["TOO_MANY_FILES"]),
    (field(K.ATTACHMENT, max_file_size=1000), ["small", "big"], ["FILE_TOO_LARGE"]),
    (field(K.ASSET), 12, ["INVALID_TYPE"]),
    (field(K.ASSET), "x" * 256, ["TOO_LONG"]),
    (field(K.USER), ["u1"], ["INVALID_TYPE"]),
    (field(K.USER), {"id": "u1"}, ["INVALID_TYPE"]),
]


@pytest.mark.parametrize(("spec", "value", "expected"), REJECTED)
def test_kind_rejects(spec: FieldSpec, value: object, expected: list[str]) -> None:
    result = check(spec, value)
    assert codes(result) == expected
    assert all(p.path == ("fields", "f") for p in result.problems)
    assert all("'My field'" in p.message for p in result.problems)
    assert result.values == {}
    assert not result.ok


def test_attachments_are_unknown_without_a_mapping() -> None:
    spec = field(K.ATTACHMENT)
    result = validate_values([spec], [("f", ["small"])])
    assert codes(result) == ["UNKNOWN_ATTACHMENT"]


# --- required and missing -----------------------------------------------------------------


@pytest.mark.parametrize("missing", [None, "", "   ", []])
@pytest.mark.parametrize("kind", [K.TEXT, K.TEXTAREA, K.SELECT, K.MULTI_SELECT, K.USER])
def test_missing_values_of_required_fields(kind: FieldKind, missing: object) -> None:
    result = check(field(kind, required=True), missing)
    assert result.problems == [Problem(("fields", "f"), "REQUIRED", "'My field' is required.")]


def test_missing_values_of_optional_fields_are_left_out() -> None:
    fields = [field(K.TEXT, "a"), field(K.NUMBER, "b"), field(K.CHECKBOX, "c")]
    result = validate_values(fields, [("a", ""), ("b", None)])
    assert result.ok and result.values == {}


def test_required_checkbox_must_be_checked_and_absent_is_required() -> None:
    spec = field(K.CHECKBOX, required=True)
    assert codes(validate_values([spec], [])) == ["REQUIRED"]
    assert codes(check(spec, False)) == ["REQUIRED"]


def test_empty_multi_select_skips_min_selected_unless_required() -> None:
    assert check(field(K.MULTI_SELECT, min_selected=2), []).ok
    assert codes(check(field(K.MULTI_SELECT, min_selected=2, required=True), [])) == ["REQUIRED"]


# --- the submission as a whole ------------------------------------------------------------


def test_all_problems_are_reported_at_once() -> None:
    fields = [
        field(K.TEXT, "title", label="Title", required=True, position=1),
        field(K.NUMBER, "count", label="Count", max_value=3, position=2),
        field(K.EMAIL, "email", label="Email", position=3),
        field(K.SELECT, "kind", label="Kind", position=4),
        field(K.TEXT, "secret", label="Secret", conditions=(show("kind", "a"),), position=5),
        field(K.CHECKBOX, "agree", label="Agree", required=True, position=6),
    ]
    submitted = [
        ("count", 4),
        ("email", "nope"),
        ("bogus", 1),
        ("kind", "b"),
        ("kind", "a"),
        ("secret", "psst"),
        ("agree", "yes"),
    ]
    result = validate_values(fields, submitted)
    assert [(p.path, p.code) for p in result.problems] == [
        (("fields", "bogus"), "UNKNOWN_FIELD"),
        (("fields", "kind"), "DUPLICATE_FIELD"),
        (("fields", "title"), "REQUIRED"),
        (("fields", "count"), "OUT_OF_RANGE"),
        (("fields", "email"), "INVALID_EMAIL"),
        (("fields", "secret"), "HIDDEN_FIELD"),  # the first "kind" value wins
        (("fields", "agree"), "INVALID_TYPE"),
    ]
    messages = {p.path[1]: p.message for p in result.problems}
    assert "'Title'" in messages["title"] and "'Kind'" in messages["kind"]
    assert "'Count'" in messages["count"] and "3" in messages["count"]
    assert "bogus" in messages["bogus"]
    assert result.values == {"kind": "b"}  # valid values are still reported


def test_values_follow_form_position_not_submission_order() -> None:
    fields = [field(K.TEXT, "b", position=2), field(K.TEXT, "a", position=1)]
    result = validate_values(fields, [("b", "2"), ("a", "1")])
    assert list(result.values) == ["a", "b"]


def test_defaults_fill_absent_visible_fields_only() -> None:
    fields = [
        field(K.SELECT, "kind", default="a"),
        field(K.NUMBER, "n", default=3.0),
        field(K.MULTI_SELECT, "tags", default=["c", "a"]),
        field(K.CHECKBOX, "flag", default=False),
        field(K.TEXT, "extra", default="x", conditions=(show("kind", "b"),)),
        field(K.TEXT, "cleared", default="keep"),
    ]
    result = validate_values(fields, [("cleared", None)])
    assert result.ok
    # Integral default normalised, option order restored; hidden "extra" left out; an explicit
    # null clears the field rather than falling back to its default.
    assert result.values == {"kind": "a", "n": 3, "tags": ["a", "c"], "flag": False}
    assert fields[2].default == ["c", "a"]  # the spec's default is not mutated


def test_defaults_drive_visibility() -> None:
    fields = [
        field(K.SELECT, "kind", default="b"),
        field(K.TEXT, "extra", required=True, conditions=(show("kind", "b"),)),
    ]
    assert codes(validate_values(fields, [])) == ["REQUIRED"]
    assert validate_values(fields, [("kind", "a")]).ok


def test_submitted_value_overrides_default() -> None:
    fields = [field(K.SELECT, "kind", default="b")]
    assert validate_values(fields, [("kind", "c")]).values == {"kind": "c"}


def test_hidden_field_values_are_refused_but_blanks_are_tolerated() -> None:
    fields = [
        field(K.CHECKBOX, "other"),
        field(K.TEXT, "detail", label="Detail", conditions=(show("other", "true"),)),
    ]
    refused = validate_values(fields, [("other", False), ("detail", "text")])
    assert refused.problems == [
        Problem(("fields", "detail"), "HIDDEN_FIELD", "'Detail' does not apply to this request.")
    ]
    tolerated = validate_values(fields, [("other", False), ("detail", None)])
    assert tolerated.ok and tolerated.values == {"other": False}
    tolerated = validate_values(fields, [("detail", "")])
    assert tolerated.ok and tolerated.values == {}
    shown = validate_values(fields, [("other", True), ("detail", "text")])
    assert shown.ok and shown.values == {"other": True, "detail": "text"}


def test_hidden_required_field_is_not_required() -> None:
    fields = [
        field(K.SELECT, "kind"),
        field(K.TEXT, "extra", required=True, conditions=(show("kind", "a"),)),
    ]
    assert validate_values(fields, [("kind", "b")]).ok
    assert codes(validate_values(fields, [("kind", "a")])) == ["REQUIRED"]


def test_field_required_only_by_a_condition() -> None:
    fields = [
        field(K.SELECT, "impact", label="Impact"),
        field(K.TEXTAREA, "why", label="Why", conditions=(require("impact", "a", "b"),)),
    ]
    assert validate_values(fields, [("impact", "c")]).ok
    result = validate_values(fields, [("impact", "a")])
    assert result.problems == [Problem(("fields", "why"), "REQUIRED", "'Why' is required.")]
    assert validate_values(fields, [("impact", "a"), ("why", "because")]).ok


def test_chain_of_conditions() -> None:
    fields = [
        field(K.CHECKBOX, "hardware"),
        field(K.SELECT, "device", conditions=(show("hardware", "true"),)),
        field(
            K.TEXT,
            "serial",
            required=True,
            conditions=(show("device", "a"),),
        ),
    ]
    assert validate_values(fields, [("hardware", False)]).ok
    assert codes(validate_values(fields, [("hardware", True), ("device", "a")])) == ["REQUIRED"]
    assert validate_values(fields, [("hardware", True), ("device", "b")]).ok
    # Unchecking the root hides the whole chain: stale values are hidden-field problems.
    stale = validate_values(fields, [("hardware", False), ("device", "a"), ("serial", "S1")])
    assert [(p.path[1], p.code) for p in stale.problems] == [
        ("device", "HIDDEN_FIELD"),
        ("serial", "HIDDEN_FIELD"),
    ]


def test_cycles_raise_during_validation() -> None:
    fields = [
        field(K.TEXT, "a", conditions=(show("b", "x"),)),
        field(K.TEXT, "b", conditions=(show("a", "x"),)),
    ]
    with pytest.raises(ConditionCycleError):
        validate_values(fields, [])
    assert "CONDITION_CYCLE" in [p.code for p in validate_field_definitions(fields)]


def test_field_states_sees_defaults() -> None:
    fields = [
        field(K.SELECT, "kind", default="a"),
        field(K.TEXT, "x", conditions=(show("kind", "a"),), required=True),
    ]
    states = field_states(fields, {})
    assert states["x"].visible and states["x"].required


# --- definitions --------------------------------------------------------------------------


def test_sound_definitions_have_no_problems() -> None:
    fields = [
        field(K.TEXT, "summary", required=True, min_length=3, max_length=80, pattern=r"\S.*"),
        field(K.TEXTAREA, "body", max_length=4000),
        field(K.NUMBER, "count", min_value=0, max_value=10, integer_only=True, default=1),
        field(K.DATE, "when", min_value="2020-01-01", max_value="2030-12-31"),
        field(K.DATETIME, "at", min_value="2020-01-01T00:00:00Z"),
        field(K.SELECT, "kind", default="a"),
        field(K.MULTI_SELECT, "tags", min_selected=1, max_selected=2, default=["a"]),
        field(K.CHECKBOX, "ok", default=True, conditions=(show("kind", "a", "b"),)),
        field(K.EMAIL, "mail", max_length=100),
        field(K.URL, "link"),
        field(K.ATTACHMENT, "files", max_files=3, max_file_size=10_000_000),
        field(K.ASSET, "asset", conditions=(require("ok", "true"),)),
        field(K.USER, "user"),
    ]
    assert validate_field_definitions(fields) == []


DEFINITION_PROBLEMS: list[tuple[FieldSpec, tuple[str, ...], str]] = [
    (field(K.TEXT, "Bad"), (), "INVALID_KEY"),
    (field(K.TEXT, "1abc"), (), "INVALID_KEY"),
    (field(K.TEXT, "a" * 65), (), "INVALID_KEY"),
    (field(K.TEXT, "a-b"), (), "INVALID_KEY"),
    (field(K.TEXT, label=" "), ("label",), "INVALID_LABEL"),
    (field(K.SELECT, options=()), ("options",), "MISSING_OPTIONS"),
    (
        field(K.SELECT, options=(FieldOption("a", "A"), FieldOption("a", "B"))),
        ("options",),
        "DUPLICATE_OPTION",
    ),
    (field(K.MULTI_SELECT, options=(FieldOption("", "A"),)), ("options",), "INVALID_OPTION_VALUE"),
    (field(K.TEXT, options=OPTIONS), ("options",), "CONSTRAINT_NOT_APPLICABLE"),
    (field(K.NUMBER, pattern="x"), ("pattern",), "CONSTRAINT_NOT_APPLICABLE"),
    (field(K.TEXTAREA, pattern="x"), ("pattern",), "CONSTRAINT_NOT_APPLICABLE"),
    (field(K.TEXT, min_value=1), ("minValue",), "CONSTRAINT_NOT_APPLICABLE"),
    (field(K.DATE, integer_only=True), ("integerOnly",), "CONSTRAINT_NOT_APPLICABLE"),
    (field(K.SELECT, max_selected=1), ("maxSelected",), "CONSTRAINT_NOT_APPLICABLE"),
    (field(K.TEXT, max_files=1), ("maxFiles",), "CONSTRAINT_NOT_APPLICABLE"),
    (field(K.TEXT, min_length=5, max_length=4), ("minLength",), "INVALID_RANGE"),
    (field(K.TEXT, min_length=256), ("minLength",), "INVALID_RANGE"),
    (field(K.TEXT, min_length=-1), ("minLength",), "INVALID_CONSTRAINT"),
    (field(K.TEXT, max_length=0), ("maxLength",), "INVALID_CONSTRAINT"),
    (field(K.TEXT, max_length=256), ("maxLength",), "INVALID_CONSTRAINT"),
    (field(K.TEXT, pattern="(unclosed"), ("pattern",), "INVALID_PATTERN"),
    (field(K.NUMBER, min_value=5, max_value=1), ("minValue",), "INVALID_RANGE"),
    (field(K.NUMBER, min_value="1"), ("minValue",), "INVALID_CONSTRAINT"),
    (field(K.DATE, min_value="2024-02-30"), ("minValue",), "INVALID_CONSTRAINT"),
    (field(K.DATE, min_value="2024-02-02", max_value="2024-02-01"), ("minValue",), "INVALID_RANGE"),
    (field(K.DATETIME, max_value="2024-02-01T00:00"), ("maxValue",), "INVALID_CONSTRAINT"),
    (field(K.MULTI_SELECT, min_selected=3, max_selected=2), ("minSelected",), "INVALID_RANGE"),
    (field(K.MULTI_SELECT, min_selected=4), ("minSelected",), "INVALID_RANGE"),
    (field(K.MULTI_SELECT, max_selected=0), ("maxSelected",), "INVALID_CONSTRAINT"),
    (field(K.ATTACHMENT, max_files=0), ("maxFiles",), "INVALID_CONSTRAINT"),
    (field(K.ATTACHMENT, max_file_size=True), ("maxFileSize",), "INVALID_CONSTRAINT"),
    (field(K.ATTACHMENT, default=["small"]), ("default",), "DEFAULT_NOT_ALLOWED"),
    (field(K.SELECT, default="z"), ("default",), "INVALID_DEFAULT"),
    (field(K.NUMBER, max_value=3, default=4), ("default",), "INVALID_DEFAULT"),
    (field(K.TEXT, pattern=r"\d+", default="abc"), ("default",), "INVALID_DEFAULT"),
    (field(K.CHECKBOX, default="true"), ("default",), "INVALID_DEFAULT"),
    (field(K.DATE, default="tomorrow"), ("default",), "INVALID_DEFAULT"),
]


@pytest.mark.parametrize(("spec", "suffix", "code"), DEFINITION_PROBLEMS)
def test_definition_problems(spec: FieldSpec, suffix: tuple[str, ...], code: str) -> None:
    problems = validate_field_definitions([spec])
    assert [(p.path, p.code) for p in problems] == [(("fields", spec.key, *suffix), code)]


def test_duplicate_keys_and_condition_problems() -> None:
    fields = [
        field(K.SELECT, "kind"),
        field(K.CHECKBOX, "flag"),
        field(K.TEXT, "kind"),
        field(K.TEXT, "a", conditions=(show("ghost", "x"),)),
        field(K.TEXT, "b", conditions=(show("b", "x"),)),
        field(K.TEXT, "c", conditions=(show("flag", "yes"), show("kind", "a", "zz"))),
    ]
    problems = validate_field_definitions(fields)
    assert {(p.path, p.code) for p in problems} == {
        (("fields", "kind"), "DUPLICATE_KEY"),
        (("fields", "a", "conditions", "0"), "UNKNOWN_CONDITION_FIELD"),
        (("fields", "b", "conditions", "0"), "SELF_REFERENCE"),
        (("fields", "c", "conditions", "0"), "INVALID_CONDITION_VALUE"),
        (("fields", "c", "conditions", "1"), "INVALID_CONDITION_VALUE"),
    }


# --- JSON storage -------------------------------------------------------------------------


def test_field_spec_round_trips_through_json() -> None:
    spec = FieldSpec(
        key="tags",
        kind=K.MULTI_SELECT,
        label="Tags",
        required=True,
        help_text="Pick some",
        default=["a"],
        position=3,
        options=OPTIONS,
        min_selected=1,
        max_selected=2,
        conditions=(show("kind", "a"), require("flag", "true")),
    )
    data = json.loads(json.dumps(spec.to_dict()))
    assert data["helpText"] == "Pick some" and data["minSelected"] == 1
    assert "pattern" not in data and "integerOnly" not in data
    assert FieldSpec.from_dict(data) == spec
    for other in (
        field(K.NUMBER, "n", min_value=0.5, max_value=9, integer_only=True),
        field(K.TEXT, "t", min_length=1, max_length=9, pattern="[a-z]+"),
        field(K.ATTACHMENT, "files", max_files=2, max_file_size=1024),
        field(K.DATE, "d", min_value="2024-01-01"),
    ):
        assert FieldSpec.from_dict(json.loads(json.dumps(other.to_dict()))) == other


def test_field_spec_from_dict_is_strict() -> None:
    data = field(K.TEXT).to_dict()
    with pytest.raises(ValueError):
        FieldSpec.from_dict({**data, "minLenght": 3})
    with pytest.raises(ValueError):
        FieldSpec.from_dict({**data, "kind": "COLOUR"})
    with pytest.raises(ValueError):
        FieldSpec.from_dict({"key": "k", "kind": "TEXT"})


def test_field_spec_accepts_lists_and_strings() -> None:
    spec = FieldSpec("k", "SELECT", "K", options=list(OPTIONS), conditions=[show("a", "x")])  # type: ignore[arg-type]
    assert spec.kind is K.SELECT
    assert isinstance(spec.options, tuple) and isinstance(spec.conditions, tuple)
