"""Property test: validate_values accepts exactly the submissions an independent oracle accepts.

Forms are random (kinds, constraints, options, defaults, acyclic conditions); submissions mix
values built to satisfy the constraints, mutations of them that may break a rule, blanks,
omissions, unknown and duplicate keys. The oracle below is written from the documented rules
and shares no code with backend.domain (it does not call the evaluator or the validator).
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from backend.domain.conditions import Condition
from backend.domain.forms import (
    AttachmentInfo,
    FieldKind,
    FieldOption,
    FieldSpec,
    validate_field_definitions,
    validate_values,
)

K = FieldKind
CAPS = {K.TEXT: 255, K.TEXTAREA: 32767, K.EMAIL: 254, K.URL: 2048}
ID_CAP = 255
POOL = {"a0": 100, "a1": 500, "a2": 1000, "a3": 5000}
ATTACHMENTS = {k: AttachmentInfo(k, size, "application/octet-stream") for k, size in POOL.items()}
PATTERNS = ["[a-z]+", "[0-9]{3}", "[A-Z][a-z]*"]
CONTROLLERS = {K.SELECT, K.MULTI_SELECT, K.CHECKBOX, K.NUMBER, K.TEXT}
NUMBER_WORDS = ["-1", "0", "1", "2", "3", "2.5"]
TEXT_WORDS = ["a", "abc", "xyz"]
LOWER = "abcdefghijklmnopqrstuvwxyz"
UPPER = LOWER.upper()
DIGITS = "0123456789"
WRONG_TYPES: list[object] = [12345, True, {"x": 1}, ["x"], 1.5, "zzz"]

# --- the oracle ---------------------------------------------------------------------------


def o_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    return isinstance(value, list) and value == []


def o_strings(value: object) -> set[str]:
    def one(item: object) -> str | None:
        if item is True:
            return "true"
        if item is False:
            return "false"
        if isinstance(item, int):
            return str(item)
        if isinstance(item, float):
            if item != item or item in (math.inf, -math.inf):
                return None
            return str(int(item)) if item == int(item) else repr(item)
        return item if isinstance(item, str) else None

    if o_blank(value):
        return set()
    items = value if isinstance(value, list) else [value]
    return {s for s in map(one, items) if s is not None}


def o_states(fields: list[FieldSpec], values: dict[str, object]) -> dict[str, tuple[bool, bool]]:
    # Generated conditions only point at earlier fields, so one pass in list order suffices.
    states: dict[str, tuple[bool, bool]] = {}
    for f in fields:

        def holds(c: Condition) -> bool:
            seen = values.get(c.field_key) if states[c.field_key][0] else None
            hit = bool(o_strings(seen) & set(c.values))
            return hit if c.operator.value == "IN" else not hit

        shows = [holds(c) for c in f.conditions if c.effect.value == "SHOW"]
        requires = [holds(c) for c in f.conditions if c.effect.value == "REQUIRE"]
        visible = all(shows)
        required = visible and (f.required or (len(requires) > 0 and all(requires)))
        states[f.key] = (visible, required)
    return states


def o_date(text: object) -> date | None:
    if not isinstance(text, str):
        return None
    m = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", text, re.ASCII)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def o_datetime(text: object) -> datetime | None:
    if not isinstance(text, str):
        return None
    m = re.fullmatch(
        r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,6}))?)?"
        r"(Z|([+-])([0-9]{2}):([0-9]{2}))",
        text,
        re.ASCII,
    )
    if not m:
        return None
    try:
        offset = timedelta(0)
        if m[8] != "Z":
            offset = timedelta(hours=int(m[10]), minutes=int(m[11])) * (1 if m[9] == "+" else -1)
        micro = int((m[7] or "0").ljust(6, "0"))
        return datetime(
            int(m[1]),
            int(m[2]),
            int(m[3]),
            int(m[4]),
            int(m[5]),
            int(m[6] or 0),
            micro,
            tzinfo=timezone(offset),
        )
    except ValueError:
        return None


def o_clean(text: str) -> bool:
    return not any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in text)


def o_email(text: str) -> bool:
    if not o_clean(text) or text.count("@") != 1:
        return False
    local, domain = text.split("@")
    return local != "" and domain.count(".") >= 1 and "" not in domain.split(".")


def o_url(text: str) -> bool:
    if not o_clean(text):
        return False
    lowered = text.lower()
    for prefix in ("http://", "https://"):
        if lowered.startswith(prefix):
            authority = re.split(r"[/?#]", text[len(prefix) :], maxsplit=1)[0]
            host = authority.rsplit("@", 1)[-1]
            host = re.sub(r":[0-9]*$", "", host)
            return host != ""
    return False


def o_value_ok(f: FieldSpec, v: object) -> bool:
    kind = f.kind
    if kind in CAPS:
        if not isinstance(v, str):
            return False
        limit = CAPS[kind] if f.max_length is None else min(f.max_length, CAPS[kind])
        if len(v) > limit or (f.min_length is not None and len(v) < f.min_length):
            return False
        if kind is K.TEXT and f.pattern and re.fullmatch(f.pattern, v) is None:
            return False
        if kind is K.EMAIL:
            return o_email(v)
        if kind is K.URL:
            return o_url(v)
        return True
    if kind is K.NUMBER:
        if type(v) not in (int, float) or v != v or v in (math.inf, -math.inf):
            return False
        if f.integer_only and v != int(v):  # type: ignore[arg-type]
            return False
        too_low = f.min_value is not None and v < f.min_value  # type: ignore[operator]
        too_high = f.max_value is not None and v > f.max_value  # type: ignore[operator]
        return not (too_low or too_high)
    if kind is K.DATE:
        if o_date(v) is None:
            return False
        # ISO dates with four-digit years sort as strings.
        return (f.min_value is None or v >= f.min_value) and (  # type: ignore[operator]
            f.max_value is None or v <= f.max_value  # type: ignore[operator]
        )
    if kind is K.DATETIME:
        moment = o_datetime(v)
        if moment is None:
            return False
        low, high = o_datetime(f.min_value), o_datetime(f.max_value)
        return (low is None or moment >= low) and (high is None or moment <= high)
    options = [o.value for o in f.options]
    if kind is K.SELECT:
        return isinstance(v, str) and v in options
    if kind is K.MULTI_SELECT:
        if not isinstance(v, list) or any(not isinstance(x, str) or x not in options for x in v):
            return False
        if len(set(v)) != len(v):
            return False
        return (f.min_selected is None or len(v) >= f.min_selected) and (
            f.max_selected is None or len(v) <= f.max_selected
        )
    if kind is K.CHECKBOX:
        return isinstance(v, bool)
    if kind is K.ATTACHMENT:
        if not isinstance(v, list) or any(not isinstance(x, str) or x not in POOL for x in v):
            return False
        if len(set(v)) != len(v) or (f.max_files is not None and len(v) > f.max_files):
            return False
        return f.max_file_size is None or all(POOL[x] <= f.max_file_size for x in v)
    return isinstance(v, str) and len(v) <= ID_CAP  # ASSET, USER


def oracle(fields: list[FieldSpec], entries: list[tuple[str, object]]) -> tuple[set[str], set[str]]:
    """(keys that must get a problem, keys that must appear in the accepted values)."""
    known = {f.key for f in fields}
    bad: set[str] = set()
    raw: dict[str, object] = {}
    for key, value in entries:
        if key not in known or key in raw:
            bad.add(key)
        else:
            raw[key] = value
    effective = dict(raw)
    for f in fields:
        if f.key not in raw and f.default is not None:
            effective[f.key] = f.default
    states = o_states(fields, effective)
    kept: set[str] = set()
    for f in fields:
        visible, required = states[f.key]
        if not visible:
            if f.key in raw and not o_blank(raw[f.key]):
                bad.add(f.key)
            continue
        value = effective.get(f.key)
        if o_blank(value):
            if required:
                bad.add(f.key)
            continue
        if not o_value_ok(f, value) or (f.kind is K.CHECKBOX and required and value is not True):
            bad.add(f.key)
            continue
        kept.add(f.key)
    return bad, kept


# --- generators ---------------------------------------------------------------------------


def word(alphabet: str, low: int, high: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=alphabet, min_size=low, max_size=max(low, high))


@st.composite
def constraints(draw: st.DrawFn, kind: FieldKind) -> dict[str, Any]:
    c: dict[str, Any] = {}
    if kind in CAPS:
        low = draw(st.none() | st.integers(0, 4))
        high = draw(st.none() | st.integers(max(low or 0, 1), (low or 0) + 12))
        if kind in (K.EMAIL, K.URL) and high is not None:
            high += 10  # room for a plausible address
        c.update(min_length=low, max_length=high)
        if kind is K.TEXT:
            c["pattern"] = draw(st.none() | st.sampled_from(PATTERNS))
    elif kind is K.NUMBER:
        c["integer_only"] = draw(st.booleans())
        low = draw(st.none() | st.integers(-5, 3) | st.just(-2.5))
        high = draw(st.none() | st.integers(math.ceil(low or 0), 6) | st.just(7.5))
        c.update(min_value=low, max_value=high)
    elif kind is K.DATE:
        low = draw(st.none() | st.dates(date(2000, 1, 1), date(2030, 1, 1)))
        high = (
            None
            if draw(st.booleans())
            else (low or date(2020, 1, 1)) + timedelta(days=draw(st.integers(0, 400)))
        )
        c.update(
            min_value=low.isoformat() if low else None, max_value=high.isoformat() if high else None
        )
    elif kind is K.DATETIME:
        low = draw(st.none() | st.datetimes(datetime(2000, 1, 1), datetime(2030, 1, 1)))
        high = (
            None
            if draw(st.booleans())
            else (low or datetime(2020, 1, 1)) + timedelta(hours=draw(st.integers(0, 2000)))
        )
        fmt = "%Y-%m-%dT%H:%M:%SZ"
        c.update(
            min_value=low.replace(microsecond=0).strftime(fmt) if low else None,
            max_value=high.replace(microsecond=0).strftime(fmt) if high else None,
        )
    elif kind in (K.SELECT, K.MULTI_SELECT):
        count = draw(st.integers(1, 4))
        c["options"] = tuple(FieldOption(f"o{i}", f"Option {i}") for i in range(count))
        if kind is K.MULTI_SELECT:
            low = draw(st.none() | st.integers(0, count))
            high = draw(st.none() | st.integers(max(low or 0, 1), count))
            c.update(min_selected=low, max_selected=high)
    elif kind is K.ATTACHMENT:
        c["max_files"] = draw(st.none() | st.integers(1, 3))
        c["max_file_size"] = draw(st.none() | st.sampled_from([100, 600, 2000]))
    return c


@st.composite
def valid_value(draw: st.DrawFn, f: FieldSpec) -> object:
    """A value meant to satisfy ``f`` (not guaranteed when the constraints cannot be met)."""
    kind = f.kind
    low_len = max(f.min_length or 0, 1)
    high_len = f.max_length if f.max_length is not None else 12
    if kind is K.TEXT:
        if f.pattern == "[0-9]{3}":
            return draw(word(DIGITS, 3, 3))
        if f.pattern == "[A-Z][a-z]*":
            return draw(word(UPPER, 1, 1)) + draw(word(LOWER, low_len - 1, high_len - 1))
        if f.pattern == "[a-z]+":
            return draw(word(LOWER, low_len, high_len))
        text = draw(word(LOWER + DIGITS + " éß", low_len, high_len))
        return "x" + text[1:] if text else text  # never blank
    if kind is K.TEXTAREA:
        return "y" + draw(word(LOWER + " \n", low_len - 1, high_len - 1))
    if kind is K.NUMBER:
        low = -5 if f.min_value is None else f.min_value
        high = 5 if f.max_value is None else f.max_value
        if f.integer_only or draw(st.booleans()):
            number = draw(st.integers(math.ceil(low), max(math.ceil(low), math.floor(high))))
            return float(number) if draw(st.booleans()) else number
        return draw(st.floats(low, max(low, high), allow_nan=False))
    if kind is K.DATE:
        low = date.fromisoformat(f.min_value) if f.min_value else date(1990, 1, 1)
        high = date.fromisoformat(f.max_value) if f.max_value else date(2040, 1, 1)
        return draw(st.dates(low, max(low, high))).isoformat()
    if kind is K.DATETIME:
        low = (
            datetime.fromisoformat(f.min_value) if f.min_value else datetime(1990, 1, 1, tzinfo=UTC)
        )
        high = datetime.fromisoformat(f.max_value) if f.max_value else low + timedelta(days=9000)
        moment = draw(st.datetimes(low.replace(tzinfo=None), high.replace(tzinfo=None)))
        minutes = draw(st.sampled_from([0, 60, -300, 330, 525, -690, 840]))
        local = moment + timedelta(minutes=minutes)
        if minutes == 0 and draw(st.booleans()):
            suffix = "Z"
        else:
            sign = "+" if minutes >= 0 else "-"
            suffix = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        style = draw(st.sampled_from(["minutes", "seconds", "micro"]))
        if style == "minutes" and local.second == 0 and local.microsecond == 0:
            return local.strftime("%Y-%m-%dT%H:%M") + suffix
        if style == "micro":
            return local.strftime("%Y-%m-%dT%H:%M:%S.%f") + suffix
        return local.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%S") + suffix
    options = [o.value for o in f.options]
    if kind is K.SELECT:
        return draw(st.sampled_from(options))
    if kind is K.MULTI_SELECT:
        low = max(f.min_selected or 0, 1)
        high = f.max_selected if f.max_selected is not None else len(options)
        chosen = draw(st.permutations(options))
        return chosen[: draw(st.integers(min(low, high), high))]
    if kind is K.CHECKBOX:
        return draw(st.booleans())
    if kind is K.EMAIL:
        local = draw(word(LOWER + DIGITS + "._+-", 1, 8))
        labels = draw(st.lists(word(LOWER + DIGITS, 1, 6), min_size=2, max_size=3))
        return f"{local}@{'.'.join(labels)}"
    if kind is K.URL:
        scheme = draw(st.sampled_from(["http", "https", "HTTPS"]))
        host = ".".join(draw(st.lists(word(LOWER, 1, 6), min_size=1, max_size=3)))
        tail = draw(st.sampled_from(["", "/", "/path", "/a/b?q=1", "#top", ":8080/x"]))
        return f"{scheme}://{host}{tail}"
    if kind is K.ATTACHMENT:
        fitting = [
            k for k, size in POOL.items() if f.max_file_size is None or size <= f.max_file_size
        ]
        limit = len(fitting) if f.max_files is None else min(f.max_files, len(fitting))
        return draw(st.permutations(fitting))[: draw(st.integers(0, limit))] if fitting else []
    return draw(word(LOWER + UPPER + DIGITS + ":-", 1, 20))  # ASSET, USER


@st.composite
def mutated_value(draw: st.DrawFn, f: FieldSpec) -> object:
    """Something near a valid value that may or may not break a rule."""
    base = draw(valid_value(f))
    kind = f.kind
    if draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(WRONG_TYPES))
    candidates: list[object] = []
    if isinstance(base, str):
        candidates += [
            base + "!",
            base + " ",
            "x" * ((f.max_length or 0) + 1),
            base[: max((f.min_length or 1) - 1, 0)] + "y",
            base.upper(),
            "x" * 300,
        ]
    if kind is K.NUMBER:
        number = float(base)  # type: ignore[arg-type]
        candidates += [number + 0.5, number - 1, number + 1, -100, 100, str(base), math.nan]
        if f.max_value is not None:
            candidates.append(f.max_value + 1)
        if f.min_value is not None:
            candidates.append(f.min_value - 0.25)
    if kind is K.DATE:
        candidates += ["2023-02-29", "2024-02-29", "2023-2-03", "2024-13-01", base + "T00:00Z"]
        if f.min_value:
            earlier = date.fromisoformat(f.min_value) - timedelta(days=1)
            candidates.append(earlier.isoformat())
        if f.max_value:
            later = date.fromisoformat(f.max_value) + timedelta(days=1)  # type: ignore[arg-type]
            candidates.append(later.isoformat())
    if kind is K.DATETIME:
        candidates += [
            base[:16],  # no offset
            base.replace("T", " "),  # type: ignore[attr-defined]
            "2024-01-01T24:00Z",
            "2024-02-30T10:00Z",
            "2024-01-01T10:00+25:00",
            "2024-01-01t10:00z",
        ]
        if f.max_value:
            candidates.append(f.max_value.replace("Z", "-00:01"))  # type: ignore[union-attr]
    if kind in (K.SELECT, K.MULTI_SELECT):
        candidates += ["o0", "nope", ["o0"], ["o0", "o0"], ["nope"], [1], ["o0", "o1", "o2", "o3"]]
        options = [o.value for o in f.options]
        candidates.append(options)
        if isinstance(base, list):
            unused = [o for o in options if o not in base]
            candidates += [base + base[:1], base[:-1], [*base, "nope"], base + unused[:1]]
    if kind is K.CHECKBOX:
        candidates += ["true", 1, 0, False, True]
    if kind is K.EMAIL:
        candidates += [
            base.replace("@", ""),  # type: ignore[attr-defined]
            base + "@x.y",  # type: ignore[operator]
            "a@b",
            "a@b..c",
            "@b.c",
            "a b@c.d",
            "a@b.c.",
        ]
    if kind is K.URL:
        candidates += [
            "ftp://example.com",
            "example.com/x",
            "http://",
            "https://a b.c",
            "http:/x.y",
        ]
    if kind is K.ATTACHMENT:
        candidates += ["a0", ["zz"], ["a0", "a0"], list(POOL), [1], ["a0", "a1", "a2"]]
        candidates += [["a1"], ["a2"], ["a3"], ["a2", "a1"]]
    return draw(st.sampled_from(candidates))


@st.composite
def condition_values(draw: st.DrawFn, controller: FieldSpec) -> tuple[str, ...]:
    if controller.kind in (K.SELECT, K.MULTI_SELECT):
        pool = [o.value for o in controller.options]
    elif controller.kind is K.CHECKBOX:
        pool = ["true", "false"]
    elif controller.kind is K.NUMBER:
        pool = NUMBER_WORDS
    else:
        pool = TEXT_WORDS
    return tuple(draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True)))


@st.composite
def forms(draw: st.DrawFn, focus: FieldKind | None = None) -> list[FieldSpec]:
    """Random forms; with a ``focus`` kind about half of the fields have that kind."""
    count = draw(st.integers(1, 7))
    positions = draw(st.permutations(range(count)))
    fields: list[FieldSpec] = []
    for i in range(count):
        if focus is not None and draw(st.integers(0, 3)) > 0:
            kind = focus
        else:
            kind = draw(st.sampled_from(list(FieldKind)))
        conditions: list[Condition] = []
        controllers = [f for f in fields if f.kind in CONTROLLERS]
        if controllers:
            for _ in range(draw(st.integers(0, 2))):
                controller = draw(st.sampled_from(controllers))
                conditions.append(
                    Condition(
                        draw(st.sampled_from(["SHOW", "REQUIRE"])),  # type: ignore[arg-type]
                        controller.key,
                        draw(st.sampled_from(["IN", "NOT_IN"])),  # type: ignore[arg-type]
                        draw(condition_values(controller)),
                    )
                )
        spec = FieldSpec(
            key=f"f{i}",
            kind=kind,
            label=f"Field {i}",
            required=draw(st.booleans()),
            position=positions[i],
            conditions=tuple(conditions),
            **draw(constraints(kind)),
        )
        if kind is not K.ATTACHMENT and draw(st.integers(0, 3)) == 0:
            default = draw(valid_value(spec))
            if not o_blank(default) and o_value_ok(spec, default):
                spec = FieldSpec.from_dict({**spec.to_dict(), "default": default})
        fields.append(spec)
    return fields


@st.composite
def submissions(draw: st.DrawFn, fields: list[FieldSpec]) -> list[tuple[str, object]]:
    entries: list[tuple[str, object]] = []
    # A third of the submissions use only well-formed values, so acceptance is common enough to
    # check the normalised output; the rest mix in mutations, blanks and omissions.
    careful = draw(st.integers(0, 2)) == 0
    actions = (
        ["omit", "valid", "valid"] if careful else ["omit", "valid", "mutated", "mutated", "blank"]
    )
    for f in fields:
        action = draw(st.sampled_from(actions))
        if action == "valid":
            entries.append((f.key, draw(valid_value(f))))
        elif action == "mutated":
            entries.append((f.key, draw(mutated_value(f))))
        elif action == "blank":
            entries.append((f.key, draw(st.sampled_from([None, "", "  ", []]))))
    if not careful and entries and draw(st.integers(0, 9)) == 0:
        key, _ = draw(st.sampled_from(entries))
        entries.append((key, draw(st.sampled_from(["o0", 1, None]))))
    if not careful and draw(st.integers(0, 9)) == 0:
        entries.append(("zz_unknown", "x"))
    return draw(st.permutations(entries))


Case = tuple[list[FieldSpec], list[tuple[str, object]]]


@st.composite
def cases(draw: st.DrawFn, focus: FieldKind | None = None) -> Case:
    fields = draw(forms(focus))
    return fields, draw(submissions(fields))


@st.composite
def single_field_cases(draw: st.DrawFn, kind: FieldKind) -> Case:
    """One field of ``kind``: many more values per rule than whole forms can afford."""
    spec = FieldSpec("f", kind, "Field", required=draw(st.booleans()), **draw(constraints(kind)))
    action = draw(st.sampled_from(["omit", "valid", "mutated", "mutated", "mutated", "blank"]))
    if action == "omit":
        return [spec], []
    if action == "blank":
        return [spec], [("f", draw(st.sampled_from([None, "", "  ", []])))]
    strategy = valid_value(spec) if action == "valid" else mutated_value(spec)
    return [spec], [("f", draw(strategy))]


# --- the property -------------------------------------------------------------------------


def check_case(case: Case) -> None:
    fields, entries = case
    assert validate_field_definitions(fields) == []

    expected_bad, expected_kept = oracle(fields, entries)
    result = validate_values(fields, entries, attachments=ATTACHMENTS)

    event("accepted" if not expected_bad else "rejected")
    assert {p.path[1] for p in result.problems} == expected_bad
    assert all(p.path == ("fields", p.path[1]) and p.code.isupper() for p in result.problems)
    assert result.ok == (not expected_bad)
    if result.ok:
        assert set(result.values) == expected_kept
        by_key = {f.key: f for f in fields}
        for key, value in result.values.items():
            f = by_key[key]
            if f.kind is K.NUMBER and float(value) == int(value):  # type: ignore[arg-type]
                assert type(value) is int
            if f.kind is K.MULTI_SELECT:
                order = [o.value for o in f.options]
                assert value == sorted(value, key=order.index)  # type: ignore[arg-type]
            if f.kind is K.DATETIME:
                assert value.endswith("Z")  # type: ignore[attr-defined]


SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(cases())
def test_validate_values_agrees_with_the_oracle(case: Case) -> None:
    check_case(case)


# Uniformly random kinds spread 300 examples thin over 13 kinds and their rules, so each kind
# also gets a smaller run of its own where it dominates the form.
@pytest.mark.parametrize("focus", list(FieldKind), ids=[k.value for k in FieldKind])
@settings(SETTINGS, max_examples=40)
@given(data=st.data())
def test_validate_values_agrees_with_the_oracle_per_kind(
    focus: FieldKind, data: st.DataObject
) -> None:
    check_case(data.draw(cases(focus)))


@pytest.mark.parametrize("kind", list(FieldKind), ids=[k.value for k in FieldKind])
@settings(SETTINGS, max_examples=100)
@given(data=st.data())
def test_single_field_agrees_with_the_oracle(kind: FieldKind, data: st.DataObject) -> None:
    check_case(data.draw(single_field_cases(kind)))
