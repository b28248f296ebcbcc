"""Request-type form fields: definitions, definition checks and submission validation.

This module is the single place where submitted form values are judged (see DESIGN.md, "A rule
lives once"). It is pure: no database, no GraphQL. Resolvers resolve asset / user ids and load
attachment metadata, then call :func:`validate_values` and turn its problems into userErrors.

Choices made here (documented because the SPA mirrors some of them):

* "No value" means ``None``, an empty or whitespace-only string, or an empty list (see
  :func:`backend.domain.conditions.is_blank`); a required field with no value gets REQUIRED.
  A required CHECKBOX must be ``true``. An empty MULTI_SELECT / ATTACHMENT counts as no value,
  so ``min_selected`` applies only once something is selected (use ``required`` as well to
  demand at least ``min_selected``).
* JSON types are strict: a NUMBER must be a JSON number (not ``"5"``, not a boolean), a DATE a
  string, and so on. Text is not trimmed; lengths count Unicode code points.
* TEXT / TEXTAREA / EMAIL / URL have a hard length cap (255 / 32767 / 254 / 2048, Jira's
  numbers and the RFC limits); an admin's ``max_length`` may only lower it.
* A value for a hidden field is refused (HIDDEN_FIELD) unless it is "no value": clients that
  send every field with ``null`` keep working.
* A visible field whose key is absent from the submission takes its ``default``; an explicit
  ``null`` / ``""`` is the user clearing the field and does not.
* DATETIME values are normalised to UTC (``...Z``); dates stay ``YYYY-MM-DD``; integral numbers
  become ``int``; multi-select values follow the option order.
* ``pattern`` is a Python regular expression matched against the whole value. Admins should
  keep to the subset shared with JavaScript (classes, groups, quantifiers) so the SPA can
  pre-check; the server's verdict is authoritative.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from backend.domain.conditions import (
    Condition,
    ConditionCycleError,
    FieldState,
    evaluate,
    is_blank,
    validate_definitions,
)
from backend.domain.errors import Problem

__all__ = [
    "AttachmentInfo",
    "ConditionCycleError",
    "FieldKind",
    "FieldOption",
    "FieldSpec",
    "FieldState",
    "Problem",
    "ValidationResult",
    "field_states",
    "validate_field_definitions",
    "validate_value",
    "validate_values",
]


class FieldKind(StrEnum):
    TEXT = "TEXT"
    TEXTAREA = "TEXTAREA"
    NUMBER = "NUMBER"
    DATE = "DATE"
    DATETIME = "DATETIME"
    SELECT = "SELECT"
    MULTI_SELECT = "MULTI_SELECT"
    CHECKBOX = "CHECKBOX"
    EMAIL = "EMAIL"
    URL = "URL"
    ATTACHMENT = "ATTACHMENT"
    ASSET = "ASSET"
    USER = "USER"


# Hard caps on string lengths: every input is bounded even when the admin set no max_length.
MAX_LENGTHS: dict[FieldKind, int] = {
    FieldKind.TEXT: 255,
    FieldKind.TEXTAREA: 32767,
    FieldKind.EMAIL: 254,
    FieldKind.URL: 2048,
}
MAX_ID_LENGTH = 255  # ASSET / USER ids are opaque, but not unbounded
KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,63}")

_TEXT_KINDS = frozenset(MAX_LENGTHS)
_RANGE_KINDS = frozenset({FieldKind.NUMBER, FieldKind.DATE, FieldKind.DATETIME})
_OPTION_KINDS = frozenset({FieldKind.SELECT, FieldKind.MULTI_SELECT})

_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME_RE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})"
)


@dataclass(frozen=True, slots=True)
class FieldOption:
    value: str
    label: str

    def to_dict(self) -> dict[str, str]:
        return {"value": self.value, "label": self.label}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FieldOption:
        return cls(value=data["value"], label=data.get("label", data["value"]))


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    """Metadata of an uploaded attachment the submission may reference (loaded by the caller)."""

    id: str
    size: int
    content_type: str


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a form version. Constraints not applicable to ``kind`` must stay unset."""

    key: str
    kind: FieldKind
    label: str
    required: bool = False
    help_text: str = ""
    default: object = field(default=None, hash=False)  # may be a list (MULTI_SELECT)
    position: int = 0
    options: tuple[FieldOption, ...] = ()
    # NUMBER: numbers; DATE / DATETIME: ISO strings.
    min_value: int | float | str | None = None
    max_value: int | float | str | None = None
    # TEXT / TEXTAREA / EMAIL / URL, in code points.
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None  # TEXT only, full match
    integer_only: bool = False  # NUMBER only
    min_selected: int | None = None  # MULTI_SELECT only
    max_selected: int | None = None
    max_files: int | None = None  # ATTACHMENT only
    max_file_size: int | None = None  # bytes
    conditions: tuple[Condition, ...] = ()

    def __post_init__(self) -> None:
        # Accept lists and plain strings from callers; keep the stored spec immutable.
        object.__setattr__(self, "kind", FieldKind(self.kind))
        object.__setattr__(self, "options", tuple(self.options))
        object.__setattr__(self, "conditions", tuple(self.conditions))

    def to_dict(self) -> dict[str, Any]:
        """JSON form for the stored form version; unset constraints are left out."""
        data: dict[str, Any] = {
            "key": self.key,
            "kind": self.kind.value,
            "label": self.label,
            "required": self.required,
            "position": self.position,
        }
        if self.help_text:
            data["helpText"] = self.help_text
        if self.default is not None:
            data["default"] = (
                list(self.default) if isinstance(self.default, tuple) else self.default
            )
        if self.options:
            data["options"] = [o.to_dict() for o in self.options]
        for attr, name in _OPTIONAL_ATTRS.items():
            value = getattr(self, attr)
            if value is not None:
                data[name] = value
        if self.integer_only:
            data["integerOnly"] = True
        if self.conditions:
            data["conditions"] = [c.to_dict() for c in self.conditions]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FieldSpec:
        unknown = set(data) - _DICT_KEYS
        if unknown:
            raise ValueError(f"unknown field keys: {sorted(unknown)}")
        missing = {"key", "kind", "label"} - set(data)
        if missing:
            raise ValueError(f"missing field keys: {sorted(missing)}")
        kwargs: dict[str, Any] = {
            attr: data[name] for attr, name in _OPTIONAL_ATTRS.items() if name in data
        }
        return cls(
            key=data["key"],
            kind=FieldKind(data["kind"]),
            label=data["label"],
            required=bool(data.get("required", False)),
            help_text=data.get("helpText", ""),
            default=data.get("default"),
            position=int(data.get("position", 0)),
            options=tuple(FieldOption.from_dict(o) for o in data.get("options", ())),
            integer_only=bool(data.get("integerOnly", False)),
            conditions=tuple(Condition.from_dict(c) for c in data.get("conditions", ())),
            **kwargs,
        )


_OPTIONAL_ATTRS: dict[str, str] = {
    "min_value": "minValue",
    "max_value": "maxValue",
    "min_length": "minLength",
    "max_length": "maxLength",
    "pattern": "pattern",
    "min_selected": "minSelected",
    "max_selected": "maxSelected",
    "max_files": "maxFiles",
    "max_file_size": "maxFileSize",
}
_DICT_KEYS = frozenset(
    {"key", "kind", "label", "required", "position", "helpText", "default", "options"}
    | set(_OPTIONAL_ATTRS.values())
    | {"integerOnly", "conditions"}
)

# Which constraint may be set on which kinds (anything else is CONSTRAINT_NOT_APPLICABLE).
_APPLICABLE: dict[str, frozenset[FieldKind]] = {
    "min_value": _RANGE_KINDS,
    "max_value": _RANGE_KINDS,
    "min_length": _TEXT_KINDS,
    "max_length": _TEXT_KINDS,
    "pattern": frozenset({FieldKind.TEXT}),
    "integer_only": frozenset({FieldKind.NUMBER}),
    "options": _OPTION_KINDS,
    "min_selected": frozenset({FieldKind.MULTI_SELECT}),
    "max_selected": frozenset({FieldKind.MULTI_SELECT}),
    "max_files": frozenset({FieldKind.ATTACHMENT}),
    "max_file_size": frozenset({FieldKind.ATTACHMENT}),
}


@dataclass(slots=True)
class ValidationResult:
    """Normalised values of the visible fields, and every problem found (empty when valid)."""

    values: dict[str, object]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


# --- small parsers ------------------------------------------------------------------------


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _parse_date(text: object) -> date | None:
    if not isinstance(text, str) or not _DATE_RE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:  # e.g. 2023-02-30
        return None


def _parse_datetime(text: object) -> datetime | None:
    if not isinstance(text, str) or not _DATETIME_RE.fullmatch(text):
        return None
    try:
        parsed = datetime.fromisoformat(text)
        parsed.astimezone(UTC)  # offsets at the edge of year 1 / 9999 overflow here
    except (ValueError, OverflowError):
        return None
    return parsed


def _format_datetime(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _bad_chars(text: str) -> bool:
    """Whitespace or control characters, never valid inside an email address or a URL."""
    return any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text)


def _valid_email(text: str) -> bool:
    # Pragmatic: one @, a non-empty local part, a dotted domain without empty labels, no spaces.
    if _bad_chars(text) or text.count("@") != 1:
        return False
    local, domain = text.split("@")
    labels = domain.split(".")
    return bool(local) and len(labels) >= 2 and all(labels)


def _valid_url(text: str) -> bool:
    if _bad_chars(text):
        return False
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _effective_max_length(spec: FieldSpec) -> int:
    cap = MAX_LENGTHS[spec.kind]
    return cap if spec.max_length is None else min(spec.max_length, cap)


def _quote(spec: FieldSpec) -> str:
    return f"'{spec.label or spec.key}'"


# --- one value ----------------------------------------------------------------------------


def validate_value(
    spec: FieldSpec,
    value: object,
    *,
    attachments: Mapping[str, AttachmentInfo] | None = None,
    path: tuple[str, ...] | None = None,
) -> tuple[object, list[Problem]]:
    """Check one non-blank value against ``spec``'s kind and constraints (not ``required``).

    Returns the normalised value and the problems (the value is meaningless if there are any).
    """
    path = path or ("fields", spec.key)
    name = _quote(spec)
    problems: list[Problem] = []

    def problem(code: str, message: str) -> None:
        problems.append(Problem(path, code, message))

    kind = spec.kind
    if kind in _TEXT_KINDS:
        if not isinstance(value, str):
            problem("INVALID_TYPE", f"{name} must be text.")
            return value, problems
        if spec.min_length is not None and len(value) < spec.min_length:
            problem("TOO_SHORT", f"{name} must be at least {spec.min_length} characters long.")
        max_length = _effective_max_length(spec)
        if len(value) > max_length:
            problem("TOO_LONG", f"{name} must be at most {max_length} characters long.")
        if kind is FieldKind.TEXT and spec.pattern and not re.fullmatch(spec.pattern, value):
            problem("PATTERN_MISMATCH", f"{name} does not have the expected format.")
        if kind is FieldKind.EMAIL and not _valid_email(value):
            problem("INVALID_EMAIL", f"{name} must be an email address.")
        if kind is FieldKind.URL and not _valid_url(value):
            problem("INVALID_URL", f"{name} must be an http or https URL.")
        return value, problems

    if kind is FieldKind.NUMBER:
        if not _is_number(value) or not math.isfinite(value):  # type: ignore[arg-type]
            problem("INVALID_TYPE", f"{name} must be a number.")
            return value, problems
        number: int | float = value  # type: ignore[assignment]
        if isinstance(number, float) and number.is_integer():
            number = int(number)
        if spec.integer_only and not isinstance(number, int):
            problem("NOT_INTEGER", f"{name} must be a whole number.")
        low, high = spec.min_value, spec.max_value
        if (_is_number(low) and number < low) or (_is_number(high) and number > high):  # type: ignore[operator]
            problem("OUT_OF_RANGE", f"{name} must be {_range_text(low, high)}.")
        return number, problems

    if kind is FieldKind.DATE or kind is FieldKind.DATETIME:
        is_date = kind is FieldKind.DATE
        parse = _parse_date if is_date else _parse_datetime
        parsed = parse(value)
        if parsed is None:
            if is_date:
                problem("INVALID_DATE", f"{name} must be a date (YYYY-MM-DD).")
            else:
                problem(
                    "INVALID_DATETIME",
                    f"{name} must be a date and time with a time zone (ISO 8601).",
                )
            return value, problems
        low, high = parse(spec.min_value), parse(spec.max_value)
        if (low is not None and parsed < low) or (high is not None and parsed > high):  # type: ignore[operator]
            problem(
                "OUT_OF_RANGE", f"{name} must be {_range_text(spec.min_value, spec.max_value)}."
            )
        normalised = parsed.isoformat() if is_date else _format_datetime(parsed)  # type: ignore[arg-type]
        return normalised, problems

    if kind is FieldKind.SELECT:
        if not isinstance(value, str):
            problem("INVALID_TYPE", f"{name} must be one of its options.")
        elif value not in {o.value for o in spec.options}:
            problem("INVALID_OPTION", f"{name} has no option '{value}'.")
        return value, problems

    if kind is FieldKind.MULTI_SELECT:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            problem("INVALID_TYPE", f"{name} must be a list of options.")
            return value, problems
        allowed = [o.value for o in spec.options]
        unknown = [v for v in value if v not in allowed]
        if unknown:
            problem("INVALID_OPTION", f"{name} has no option(s) {', '.join(map(repr, unknown))}.")
        if len(set(value)) != len(value):
            problem("DUPLICATE_OPTION", f"{name} lists an option more than once.")
        if spec.min_selected is not None and len(value) < spec.min_selected:
            problem("TOO_FEW_SELECTED", f"Select at least {spec.min_selected} for {name}.")
        if spec.max_selected is not None and len(value) > spec.max_selected:
            problem("TOO_MANY_SELECTED", f"Select at most {spec.max_selected} for {name}.")
        chosen = set(value)
        return [v for v in allowed if v in chosen], problems

    if kind is FieldKind.CHECKBOX:
        if not isinstance(value, bool):
            problem("INVALID_TYPE", f"{name} must be true or false.")
        return value, problems

    if kind is FieldKind.ATTACHMENT:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            problem("INVALID_TYPE", f"{name} must be a list of attachment ids.")
            return value, problems
        known = attachments or {}
        missing = [v for v in value if v not in known]
        if missing:
            problem("UNKNOWN_ATTACHMENT", f"{name} refers to an unknown attachment.")
        if len(set(value)) != len(value):
            problem("DUPLICATE_ATTACHMENT", f"{name} lists an attachment more than once.")
        if spec.max_files is not None and len(value) > spec.max_files:
            problem("TOO_MANY_FILES", f"{name} takes at most {spec.max_files} file(s).")
        if spec.max_file_size is not None and any(
            known[v].size > spec.max_file_size for v in value if v in known
        ):
            problem(
                "FILE_TOO_LARGE", f"A file in {name} is larger than {spec.max_file_size} bytes."
            )
        return list(value), problems

    # ASSET and USER: only the shape here; the caller resolves the id (and its visibility).
    if not isinstance(value, str):
        problem("INVALID_TYPE", f"{name} must be an id.")
    elif len(value) > MAX_ID_LENGTH:
        problem("TOO_LONG", f"{name} is not a valid id.")
    return value, problems


def _range_text(low: object, high: object) -> str:
    if low is not None and high is not None:
        return f"between {low} and {high}"
    if low is not None:
        return f"at least {low}"
    return f"at most {high}"


# --- submissions --------------------------------------------------------------------------


def _ordered(fields: Iterable[FieldSpec]) -> list[FieldSpec]:
    # Form order: position, then definition order for equal positions (sorted is stable).
    return sorted(fields, key=lambda f: f.position)


def _with_defaults(fields: Sequence[FieldSpec], raw: Mapping[str, object]) -> dict[str, object]:
    effective = dict(raw)
    for f in fields:
        if f.key not in effective and f.default is not None:
            default = f.default
            effective[f.key] = list(default) if isinstance(default, list | tuple) else default
    return effective


def field_states(
    fields: Sequence[FieldSpec], values: Mapping[str, object]
) -> dict[str, FieldState]:
    """Visibility and required-ness after defaults, as :func:`validate_values` sees them."""
    ordered = _ordered(fields)
    return evaluate(ordered, _with_defaults(ordered, values))


def validate_values(
    fields: Sequence[FieldSpec],
    submitted: Iterable[tuple[str, object]],
    *,
    attachments: Mapping[str, AttachmentInfo] | None = None,
) -> ValidationResult:
    """Validate a submission (the API's ``[{key, value}]`` list) against a form version.

    Every problem is reported, never only the first. Paths are ``("fields", <key>)``.
    Raises :class:`ConditionCycleError` if the definition itself is broken (admins are kept
    from saving such a form by :func:`validate_field_definitions`).
    """
    ordered = _ordered(fields)
    by_key = {f.key: f for f in ordered}
    problems: list[Problem] = []
    raw: dict[str, object] = {}
    for key, value in submitted:
        path = ("fields", str(key))
        if key not in by_key:
            problems.append(Problem(path, "UNKNOWN_FIELD", f"The form has no field '{key}'."))
        elif key in raw:
            spec = by_key[key]
            problems.append(
                Problem(path, "DUPLICATE_FIELD", f"{_quote(spec)} was given more than once.")
            )
        else:
            raw[key] = value

    effective = _with_defaults(ordered, raw)
    states = evaluate(ordered, effective)
    values: dict[str, object] = {}
    for spec in ordered:
        path = ("fields", spec.key)
        state = states[spec.key]
        if not state.visible:
            # Values of hidden fields are refused, not silently dropped: the client's idea of the
            # form differs from ours and the user would lose what they typed without noticing.
            if spec.key in raw and not is_blank(raw[spec.key]):
                problems.append(
                    Problem(path, "HIDDEN_FIELD", f"{_quote(spec)} does not apply to this request.")
                )
            continue
        value = effective.get(spec.key)
        if is_blank(value):
            if state.required:
                problems.append(Problem(path, "REQUIRED", f"{_quote(spec)} is required."))
            continue
        normalised, field_problems = validate_value(spec, value, attachments=attachments, path=path)
        if field_problems:
            problems.extend(field_problems)
            continue
        if spec.kind is FieldKind.CHECKBOX and state.required and normalised is not True:
            problems.append(Problem(path, "REQUIRED", f"{_quote(spec)} must be checked."))
            continue
        values[spec.key] = normalised
    return ValidationResult(values=values, problems=problems)


# --- definitions --------------------------------------------------------------------------


def validate_field_definitions(fields: Sequence[FieldSpec]) -> list[Problem]:
    """Problems with a form definition, for admin mutations (empty when it may be saved).

    Paths are ``("fields", <key>)`` or ``("fields", <key>, <camelCase attribute>)``.
    """
    problems: list[Problem] = []
    seen: set[str] = set()
    for spec in fields:
        base = ("fields", str(spec.key))

        def problem(
            attr: str | None, code: str, message: str, base: tuple[str, ...] = base
        ) -> None:
            path = base if attr is None else (*base, attr)
            problems.append(Problem(path, code, message))

        if not isinstance(spec.key, str) or not KEY_PATTERN.fullmatch(spec.key):
            problem(
                None,
                "INVALID_KEY",
                f"Key '{spec.key}' must start with a lower-case letter and contain only "
                "a-z, 0-9 and _ (at most 64 characters).",
            )
        elif spec.key in seen:
            problem(None, "DUPLICATE_KEY", f"Key '{spec.key}' is used by more than one field.")
        seen.add(spec.key)
        if not isinstance(spec.label, str) or not spec.label.strip():
            problem("label", "INVALID_LABEL", f"Field '{spec.key}' needs a label.")

        for attr, kinds in _APPLICABLE.items():
            value = getattr(spec, attr)
            if spec.kind not in kinds and value not in (None, False, ()):
                problem(
                    _camel(attr),
                    "CONSTRAINT_NOT_APPLICABLE",
                    f"{_camel(attr)} does not apply to {spec.kind.value} fields.",
                )
        _check_options(spec, problem)
        _check_bounds(spec, problem)
        _check_default(spec, problem)

    problems.extend(validate_definitions(fields))
    problems.extend(_check_condition_values(fields))
    return problems


def _camel(attr: str) -> str:
    return _OPTIONAL_ATTRS.get(attr) or {"integer_only": "integerOnly"}.get(attr, attr)


def _check_options(spec: FieldSpec, problem: Any) -> None:
    if spec.kind not in _OPTION_KINDS:
        return
    if not spec.options:
        problem("options", "MISSING_OPTIONS", f"{_quote(spec)} needs at least one option.")
        return
    values = [o.value for o in spec.options]
    if any(not isinstance(v, str) or not v.strip() for v in values):
        problem("options", "INVALID_OPTION_VALUE", f"{_quote(spec)} has an empty option value.")
    if len(set(values)) != len(values):
        problem("options", "DUPLICATE_OPTION", f"{_quote(spec)} has duplicate option values.")


def _check_bounds(spec: FieldSpec, problem: Any) -> None:
    def non_negative(attr: str, minimum: int = 0) -> int | None:
        value = getattr(spec, attr)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            problem(_camel(attr), "INVALID_CONSTRAINT", f"{_camel(attr)} must be >= {minimum}.")
            return None
        return value

    def ordered(low: object, high: object, low_attr: str) -> None:
        if low is not None and high is not None and low > high:  # type: ignore[operator]
            problem(_camel(low_attr), "INVALID_RANGE", f"{_camel(low_attr)} exceeds the maximum.")

    if spec.kind in _TEXT_KINDS:
        low, high = non_negative("min_length"), non_negative("max_length", 1)
        cap = MAX_LENGTHS[spec.kind]
        if high is not None and high > cap:
            problem("maxLength", "INVALID_CONSTRAINT", f"maxLength may not exceed {cap}.")
        ordered(low, high if high is not None else cap, "min_length")
        if spec.pattern is not None:
            try:
                re.compile(spec.pattern)
            except (re.error, TypeError) as error:
                problem("pattern", "INVALID_PATTERN", f"The pattern is not valid: {error}.")
    elif spec.kind is FieldKind.MULTI_SELECT:
        low, high = non_negative("min_selected"), non_negative("max_selected", 1)
        ordered(low, high, "min_selected")
        if low is not None and low > len(spec.options):
            problem("minSelected", "INVALID_RANGE", "minSelected exceeds the number of options.")
    elif spec.kind is FieldKind.ATTACHMENT:
        non_negative("max_files", 1)
        non_negative("max_file_size", 1)
    elif spec.kind in _RANGE_KINDS:
        if spec.kind is FieldKind.NUMBER:
            parse: Any = lambda v: v if _is_number(v) and math.isfinite(v) else None  # noqa: E731
            expected = "a number"
        elif spec.kind is FieldKind.DATE:
            parse, expected = _parse_date, "a date (YYYY-MM-DD)"
        else:
            parse, expected = _parse_datetime, "an ISO 8601 date-time with a time zone"
        bounds = []
        for attr in ("min_value", "max_value"):
            raw = getattr(spec, attr)
            parsed = None if raw is None else parse(raw)
            if raw is not None and parsed is None:
                problem(_camel(attr), "INVALID_CONSTRAINT", f"{_camel(attr)} must be {expected}.")
            bounds.append(parsed)
        ordered(bounds[0], bounds[1], "min_value")


def _check_default(spec: FieldSpec, problem: Any) -> None:
    if spec.default is None:
        return
    if spec.kind is FieldKind.ATTACHMENT:
        problem("default", "DEFAULT_NOT_ALLOWED", "Attachment fields cannot have a default.")
        return
    if is_blank(spec.default):
        return  # behaves exactly like no default
    _, default_problems = validate_value(spec, spec.default)
    for p in default_problems:
        problem("default", "INVALID_DEFAULT", f"The default value is not valid: {p.message}")


def _check_condition_values(fields: Sequence[FieldSpec]) -> list[Problem]:
    """Conditions on option-like fields must name values that field can take."""
    by_key: dict[str, FieldSpec] = {}
    for f in fields:
        by_key.setdefault(f.key, f)  # with duplicate keys (reported above) the first one counts
    problems: list[Problem] = []
    for spec in fields:
        for i, condition in enumerate(spec.conditions):
            controller = by_key.get(condition.field_key)
            if controller is None or controller is spec:
                continue
            if controller.kind in _OPTION_KINDS:
                possible = {o.value for o in controller.options}
            elif controller.kind is FieldKind.CHECKBOX:
                possible = {"true", "false"}
            else:
                continue
            bad = [v for v in condition.values if v not in possible]
            if bad:
                problems.append(
                    Problem(
                        ("fields", spec.key, "conditions", str(i)),
                        "INVALID_CONDITION_VALUE",
                        f"Field '{controller.key}' can never be {', '.join(map(repr, bad))}.",
                    )
                )
    return problems
