"""Priority schemes (data, not an enum) and how a request's priority is decided.

A scheme has ordered levels (rank 1 = most urgent) and, optionally, an urgency x impact matrix.
Two schemes are built in: :data:`DEFAULT` (P1..P4 from the ITIL-style matrix) and :data:`JIRA`
(Blocker..Trivial, chosen by people). Schemes are stored as JSON via ``to_dict``/``from_dict``.

:func:`resolve_priority` decides, first rule that applies wins:

1. an explicitly requested level: an agent may always choose; a customer only when the scheme
   says ``customer_may_choose``. A refused or unknown choice is a problem and is ignored by the
   following rules (callers reject the whole write when there are problems);
2. the matrix cell, when both urgency and impact are given and the scheme has a matrix (a cell
   that is missing or ``None`` falls through);
3. the request type's default priority, when it names a level of the scheme;
4. the scheme's fallback level: the middle level by rank, rounding towards the less urgent
   side (P3 "Medium" of P1..P4, "Major" of Blocker..Trivial). Guessing "most urgent" would
   flood agents; "least urgent" would bury real problems, so the middle is the honest default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from backend.domain.errors import Problem

__all__ = [
    "BUILTIN_SCHEMES",
    "DEFAULT",
    "JIRA",
    "Impact",
    "PriorityDecision",
    "PriorityLevel",
    "PriorityScheme",
    "PrioritySource",
    "Urgency",
    "resolve_priority",
    "validate_scheme",
]


class Urgency(StrEnum):
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"


class Impact(StrEnum):
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"


@dataclass(frozen=True, slots=True)
class PriorityLevel:
    key: str
    name: str
    rank: int  # 1 = most urgent

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "rank": self.rank}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PriorityLevel:
        return cls(key=str(data["key"]), name=str(data["name"]), rank=int(data["rank"]))


Matrix = Mapping[tuple[Urgency, Impact], str | None]


@dataclass(frozen=True, slots=True)
class PriorityScheme:
    key: str
    name: str
    levels: tuple[PriorityLevel, ...]
    matrix: Matrix | None = field(default=None, hash=False)
    customer_may_choose: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "levels", tuple(sorted(self.levels, key=lambda lv: lv.rank)))
        if self.matrix is not None:
            # Normalise string keys ("HIGH", "LOW") to the enums so lookups are uniform.
            # Read-only, so nobody can edit a built-in scheme in place.
            matrix = {(Urgency(u), Impact(i)): v for (u, i), v in self.matrix.items()}
            object.__setattr__(self, "matrix", MappingProxyType(matrix))

    def level(self, key: str | None) -> PriorityLevel | None:
        return next((lv for lv in self.levels if lv.key == key), None)

    @property
    def fallback_key(self) -> str:
        """The middle level by rank, rounding towards less urgent (see module docstring)."""
        return self.levels[len(self.levels) // 2].key

    def to_dict(self) -> dict[str, Any]:
        """JSON form: the matrix becomes a list of cells since JSON keys cannot be pairs."""
        matrix = None
        if self.matrix is not None:
            matrix = [
                {"urgency": u.value, "impact": i.value, "priorityKey": self.matrix[(u, i)]}
                for u in Urgency
                for i in Impact
                if (u, i) in self.matrix
            ]
        return {
            "key": self.key,
            "name": self.name,
            "levels": [lv.to_dict() for lv in self.levels],
            "matrix": matrix,
            "customerMayChoose": self.customer_may_choose,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PriorityScheme:
        cells = data.get("matrix")
        matrix = None
        if cells is not None:
            matrix = {
                (Urgency(c["urgency"]), Impact(c["impact"])): c.get("priorityKey") for c in cells
            }
        return cls(
            key=str(data["key"]),
            name=str(data["name"]),
            levels=tuple(PriorityLevel.from_dict(lv) for lv in data["levels"]),
            matrix=matrix,
            customer_may_choose=bool(data.get("customerMayChoose", False)),
        )


# Rows: urgency; columns: impact HIGH, MEDIUM, LOW.
_DEFAULT_TABLE: dict[Urgency, tuple[str, str, str]] = {
    Urgency.HIGH: ("P1", "P2", "P3"),
    Urgency.MEDIUM: ("P2", "P2", "P3"),
    Urgency.LOW: ("P3", "P3", "P4"),
}
_DEFAULT_MATRIX: dict[tuple[Urgency, Impact], str | None] = {
    (urgency, impact): row[column]
    for urgency, row in _DEFAULT_TABLE.items()
    for column, impact in enumerate((Impact.HIGH, Impact.MEDIUM, Impact.LOW))
}

DEFAULT = PriorityScheme(
    key="default",
    name="P1..P4 by urgency x impact",
    levels=(
        PriorityLevel("P1", "Critical", 1),
        PriorityLevel("P2", "High", 2),
        PriorityLevel("P3", "Medium", 3),
        PriorityLevel("P4", "Low", 4),
    ),
    matrix=_DEFAULT_MATRIX,
    customer_may_choose=False,
)

JIRA = PriorityScheme(
    key="jira",
    name="Blocker, Critical, Major, Minor, Trivial",
    levels=(
        PriorityLevel("BLOCKER", "Blocker", 1),
        PriorityLevel("CRITICAL", "Critical", 2),
        PriorityLevel("MAJOR", "Major", 3),
        PriorityLevel("MINOR", "Minor", 4),
        PriorityLevel("TRIVIAL", "Trivial", 5),
    ),
    matrix=None,
    customer_may_choose=True,
)

BUILTIN_SCHEMES: dict[str, PriorityScheme] = {DEFAULT.key: DEFAULT, JIRA.key: JIRA}


class PrioritySource(StrEnum):
    """Which rule decided (worth showing on the timeline: "priority set by the matrix")."""

    REQUESTED = "REQUESTED"
    MATRIX = "MATRIX"
    REQUEST_TYPE_DEFAULT = "REQUEST_TYPE_DEFAULT"
    SCHEME_DEFAULT = "SCHEME_DEFAULT"


@dataclass(frozen=True, slots=True)
class PriorityDecision:
    key: str
    problems: list[Problem] = field(default_factory=list, hash=False)
    source: PrioritySource = PrioritySource.SCHEME_DEFAULT


def _parse(value: object, enum: type[Urgency] | type[Impact], path: str) -> Any:
    if value is None:
        return None, None
    try:
        return enum(value), None
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        return None, Problem(
            (path,), f"UNKNOWN_{path.upper()}", f"{path.capitalize()} must be one of {allowed}."
        )


def resolve_priority(
    scheme: PriorityScheme,
    *,
    urgency: Urgency | str | None = None,
    impact: Impact | str | None = None,
    requested_key: str | None = None,
    request_type_default: str | None = None,
    chooser_is_agent: bool = False,
) -> PriorityDecision:
    """Decide a request's priority key (rules in the module docstring).

    Problems: ("urgency",) UNKNOWN_URGENCY, ("impact",) UNKNOWN_IMPACT,
    ("priorityKey",) PRIORITY_NOT_CHOOSABLE / UNKNOWN_PRIORITY. ``key`` is always a level of
    the scheme, so callers that tolerate problems still get a usable answer.
    """
    problems: list[Problem] = []
    parsed_urgency, problem = _parse(urgency, Urgency, "urgency")
    if problem:
        problems.append(problem)
    parsed_impact, problem = _parse(impact, Impact, "impact")
    if problem:
        problems.append(problem)

    chosen: str | None = None
    if requested_key is not None:
        if not (chooser_is_agent or scheme.customer_may_choose):
            problems.append(
                Problem(
                    ("priorityKey",),
                    "PRIORITY_NOT_CHOOSABLE",
                    "Priority is set by the service desk for this kind of request.",
                )
            )
        elif scheme.level(requested_key) is None:
            problems.append(
                Problem(
                    ("priorityKey",),
                    "UNKNOWN_PRIORITY",
                    f"Unknown priority '{requested_key}'.",
                )
            )
        else:
            chosen = requested_key
    if chosen is not None:
        return PriorityDecision(chosen, problems, PrioritySource.REQUESTED)

    if scheme.matrix and parsed_urgency is not None and parsed_impact is not None:
        cell = scheme.matrix.get((parsed_urgency, parsed_impact))
        if scheme.level(cell) is not None:
            return PriorityDecision(cell, problems, PrioritySource.MATRIX)  # type: ignore[arg-type]

    if scheme.level(request_type_default) is not None:
        return PriorityDecision(
            request_type_default,  # type: ignore[arg-type]
            problems,
            PrioritySource.REQUEST_TYPE_DEFAULT,
        )
    return PriorityDecision(scheme.fallback_key, problems, PrioritySource.SCHEME_DEFAULT)


def validate_scheme(scheme: PriorityScheme) -> list[Problem]:
    """Problems with a scheme definition (for the admin mutation that edits it)."""
    problems: list[Problem] = []
    if not scheme.levels:
        problems.append(
            Problem(("levels",), "MISSING_LEVELS", "A scheme needs at least one level.")
        )
    keys = [lv.key for lv in scheme.levels]
    if len(set(keys)) != len(keys):
        problems.append(Problem(("levels",), "DUPLICATE_LEVEL", "Level keys must be unique."))
    ranks = [lv.rank for lv in scheme.levels]
    if len(set(ranks)) != len(ranks) or any(r < 1 for r in ranks):
        problems.append(
            Problem(("levels",), "INVALID_RANK", "Ranks must be unique positive numbers.")
        )
    if any(not lv.key.strip() or not lv.name.strip() for lv in scheme.levels):
        problems.append(Problem(("levels",), "INVALID_LEVEL", "Levels need a key and a name."))
    if scheme.matrix is not None:
        for (u, i), cell in scheme.matrix.items():
            if cell is not None and cell not in keys:
                problems.append(
                    Problem(
                        ("matrix", u.value, i.value),
                        "UNKNOWN_PRIORITY",
                        f"Matrix cell {u.value} x {i.value} names unknown level '{cell}'.",
                    )
                )
    return problems
