"""The SQL of a submission (backend/domain/requests.py), built once, on the tables.

Submitting is the hottest write. Building a statement and passing it through the ORM's
execution layer cost more CPU than running it, so these are Core statements made at import
time, with bound parameters, executed with a dict of values.
"""

from __future__ import annotations

from sqlalchemy import Table, and_, bindparam, insert, literal, select

from backend.db.models import (
    FormVersion,
    Organisation,
    PortalSettings,
    Request,
    RequestCategory,
    RequestParticipant,
    RequestType,
)
from backend.loaders.requests import REQUEST_COLUMNS

_types: Table = RequestType.__table__  # type: ignore[assignment]
_categories: Table = RequestCategory.__table__  # type: ignore[assignment]
_versions: Table = FormVersion.__table__  # type: ignore[assignment]
_organisations: Table = Organisation.__table__  # type: ignore[assignment]
_settings: Table = PortalSettings.__table__  # type: ignore[assignment]
_requests: Table = Request.__table__  # type: ignore[assignment]
_participants: Table = RequestParticipant.__table__  # type: ignore[assignment]

PORTAL_SETTINGS_ID = 1  # portal_settings has a single row

# Everything a submission reads, in one statement: the request type when usable (neither it
# nor its category archived) with the id of its current form version, the organisation's
# name, the portal settings. Outer joins to a one-row select, so each part may be missing.
# Parameters: type_id, organisation_id (None matches nothing).
_anchor = select(literal(1).label("one")).subquery("anchor")
SETUP = (
    select(
        _types.c.id.label("type_id"),
        _types.c.team_id,
        _types.c.default_priority_key,
        _types.c.form_version,
        _categories.c.id.label("category_id"),
        _versions.c.id.label("form_version_id"),
        _organisations.c.name.label("organisation_name"),
        _settings.c.id.label("settings_id"),
        _settings.c.name.label("portal_name"),
        _settings.c.priority_scheme_key,
    )
    .select_from(_anchor)
    .outerjoin(_types, and_(_types.c.id == bindparam("type_id"), _types.c.archived_at.is_(None)))
    .outerjoin(
        _categories,
        and_(_categories.c.id == _types.c.category_id, _categories.c.archived_at.is_(None)),
    )
    .outerjoin(
        _versions,
        and_(
            _versions.c.request_type_id == _types.c.id,
            _versions.c.version == _types.c.form_version,
        ),
    )
    .outerjoin(_organisations, _organisations.c.id == bindparam("organisation_id"))
    .outerjoin(_settings, _settings.c.id == PORTAL_SETTINGS_ID)
)

# The new request, returning the columns the API's Request type is made from.
INSERT_REQUEST = insert(_requests).returning(
    *(_requests.c[column.key] for column in REQUEST_COLUMNS)
)

INSERT_PARTICIPANTS = insert(_participants)
