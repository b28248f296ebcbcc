"""What the compiled overview (backend/schema/compiled.py) reads from a row for each field.

Each table mirrors a type's `from_row` (or the domain object it is built from): the Python
value the stock object would hold for the field, keyed by the field's Python name, with the
request columns it needs. A field missing here is not compiled: the stock executor answers
it. tests/test_fast_overview.py compares both paths field by field, so a change to a
`from_row` that is not repeated here fails there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from backend.db.models import Request
from backend.domain.global_ids import encode
from backend.schema.enums import (
    Impact,
    IssueType,
    RequestStatus,
    Urgency,
    UserRole,
    Visibility,
)

Value = Callable[[Any], Any]  # a row (or domain object) -> the field's Python value


@dataclass(frozen=True)
class RowType:
    """How the fields of one GraphQL type are read from its rows."""

    values: dict[str, Value]
    # Request only: the columns of `requests` each field needs (the page selects just those).
    columns: dict[str, tuple[Any, ...]] = field(default_factory=dict)


def _global_id(type_name: str) -> Value:
    return lambda row: encode(type_name, row.id)


def _enum(enum: Any, name: str) -> Value:
    get = attrgetter(name)
    return lambda row: enum(get(row))


def _optional_enum(enum: Any, name: str) -> Value:
    get = attrgetter(name)

    def value(row: Any) -> Any:
        raw = get(row)
        return enum(raw) if raw else None

    return value


def _request() -> RowType:
    plain = {
        "reference": Request.reference,
        "summary": Request.summary,
        "description": Request.description,
        "priority_key": Request.priority_key,
        "priority_rank": Request.priority_rank,
        "due_at": Request.due_at,
        "external_reference": Request.external_reference,
        "created_at": Request.created_at,
        "updated_at": Request.updated_at,
    }
    values: dict[str, Value] = {name: attrgetter(name) for name in plain}
    columns: dict[str, tuple[Any, ...]] = {name: (column,) for name, column in plain.items()}
    values["id"], columns["id"] = _global_id("Request"), ()
    for name, enum, column, optional in (
        ("status", RequestStatus, Request.status, False),
        ("visibility", Visibility, Request.visibility, False),
        ("urgency", Urgency, Request.urgency, True),
        ("impact", Impact, Request.impact, True),
    ):
        values[name] = (_optional_enum if optional else _enum)(enum, name)
        columns[name] = (column,)
    return RowType(values, columns)


# Request.from_row over the page's rows.
REQUEST = _request()
# User.from_row over USER_COLUMNS rows.
USER = RowType(
    {
        "id": _global_id("User"),
        "email": attrgetter("email"),
        "display_name": attrgetter("display_name"),
        "role": _enum(UserRole, "role"),
        "locale": attrgetter("locale"),
        "time_zone": attrgetter("time_zone"),
        "is_active": attrgetter("is_active"),
        "created_at": attrgetter("created_at"),
    }
)
# RequestType.from_row over REQUEST_TYPE_COLUMNS rows.
REQUEST_TYPE = RowType(
    {
        "id": _global_id("RequestType"),
        "name": attrgetter("name"),
        "description": attrgetter("description"),
        "icon": attrgetter("icon"),
        "issue_type": _enum(IssueType, "issue_type"),
        "position": attrgetter("position"),
        "archived": lambda row: row.archived_at is not None,
        "form_version": attrgetter("form_version"),
        "asks_urgency_and_impact": lambda row: row.issue_type == IssueType.INCIDENT.value,
    }
)
# Organisation.from_row over ORGANISATION_COLUMNS rows.
ORGANISATION = RowType(
    {
        "id": _global_id("Organisation"),
        "name": attrgetter("name"),
        "super_user_cap": attrgetter("super_user_cap"),
        "created_at": attrgetter("created_at"),
    }
)
# PriorityLevel.from_domain over the scheme's levels.
PRIORITY_LEVEL = RowType(
    {"key": attrgetter("key"), "name": attrgetter("name"), "rank": attrgetter("rank")}
)
# Comment.from_row over COMMENT_COLUMNS rows.
COMMENT = RowType(
    {
        "id": _global_id("Comment"),
        "body": attrgetter("body"),
        "internal": attrgetter("internal"),
        "created_at": attrgetter("created_at"),
    }
)

ROW_TYPES: dict[str, RowType] = {
    "Request": REQUEST,
    "User": USER,
    "RequestType": REQUEST_TYPE,
    "Organisation": ORGANISATION,
    "PriorityLevel": PRIORITY_LEVEL,
    "Comment": COMMENT,
}
