"""The request catalog: portal settings, categories, request types, fields and form versions.

Each batch is one SQL statement in its own session (see loaders/queries.py), so
`portal { categories { requestTypes { fields } } }` costs a fixed number of statements however
large the catalog is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import exists, select, tuple_
from sqlalchemy.engine import Row

from backend.db.engine import Database
from backend.db.models import FormField, FormVersion, PortalSettings, RequestCategory, RequestType
from backend.loaders.lazy import LoaderGroup, loader
from backend.loaders.queries import rows_by_id, rows_grouped

SETTINGS_ID = 1  # portal_settings has exactly one row

CATEGORY_COLUMNS = (
    RequestCategory.id,
    RequestCategory.name,
    RequestCategory.description,
    RequestCategory.position,
    RequestCategory.archived_at,
)
REQUEST_TYPE_COLUMNS = (
    RequestType.id,
    RequestType.category_id,
    RequestType.name,
    RequestType.description,
    RequestType.icon,
    RequestType.issue_type,
    RequestType.default_priority_key,
    RequestType.team_id,
    RequestType.position,
    RequestType.form_version,
    RequestType.archived_at,
)
FORM_FIELD_COLUMNS = (
    FormField.id,
    FormField.request_type_id,
    FormField.key,
    FormField.position,
    FormField.spec,
    FormField.archived_at,
)


async def load_settings(db: Database, ids: Sequence[int]) -> list[Row[Any] | None]:
    columns = (PortalSettings.id, PortalSettings.name, PortalSettings.priority_scheme_key)
    return await rows_by_id(db, columns, PortalSettings.id, ids)


async def load_category_lists(
    db: Database, include_archived: Sequence[bool]
) -> list[list[Row[Any]]]:
    """The portal's categories, by position: all of them (admin view), or only those a
    customer can use (not archived, with at least one request type that is not archived)."""
    results: dict[bool, list[Row[Any]]] = {}
    async with db.read() as session:
        for flag in set(include_archived):
            stmt = select(*CATEGORY_COLUMNS).order_by(RequestCategory.position, RequestCategory.id)
            if not flag:
                usable_type = exists().where(
                    RequestType.category_id == RequestCategory.id,
                    RequestType.archived_at.is_(None),
                )
                stmt = stmt.where(RequestCategory.archived_at.is_(None), usable_type)
            results[flag] = list((await session.execute(stmt)).all())
    return [results[flag] for flag in include_archived]


async def load_categories(db: Database, ids: Sequence[int]) -> list[Row[Any] | None]:
    return await rows_by_id(db, CATEGORY_COLUMNS, RequestCategory.id, ids)


async def load_request_types(db: Database, ids: Sequence[int]) -> list[Row[Any] | None]:
    return await rows_by_id(db, REQUEST_TYPE_COLUMNS, RequestType.id, ids)


TypesOfCategoryKey = tuple[int, bool]  # category id, include archived


async def load_request_types_of_categories(
    db: Database, keys: Sequence[TypesOfCategoryKey]
) -> list[list[Row[Any]]]:
    # One statement per flag (at most two); customers only ever use one.
    results: dict[TypesOfCategoryKey, list[Row[Any]]] = {}
    for flag in {flag for _, flag in keys}:
        ids = [category_id for category_id, f in keys if f == flag]
        stmt = (
            select(*REQUEST_TYPE_COLUMNS)
            .where(RequestType.category_id.in_(set(ids)))
            .order_by(RequestType.category_id, RequestType.position, RequestType.id)
        )
        if not flag:
            stmt = stmt.where(RequestType.archived_at.is_(None))
        for category_id, rows in zip(
            ids, await rows_grouped(db, stmt, "category_id", ids), strict=True
        ):
            results[(category_id, flag)] = rows
    return [results[k] for k in keys]


FormVersionKey = tuple[int, int]  # request type id, version


async def load_form_version_fields(
    db: Database, keys: Sequence[FormVersionKey]
) -> list[list[dict[str, Any]] | None]:
    """The stored fields JSON of (request type, version) pairs."""
    stmt = select(FormVersion.request_type_id, FormVersion.version, FormVersion.fields).where(
        tuple_(FormVersion.request_type_id, FormVersion.version).in_(set(keys))
    )
    async with db.read() as session:
        found = {
            (row.request_type_id, row.version): row.fields for row in await session.execute(stmt)
        }
    return [found.get(k) for k in keys]


async def load_form_fields(db: Database, ids: Sequence[int]) -> list[Row[Any] | None]:
    return await rows_by_id(db, FORM_FIELD_COLUMNS, FormField.id, ids)


class CatalogLoaders(LoaderGroup):
    """The catalog's loaders, grouped so `Loaders` needs one line for them."""

    settings = loader(load_settings)
    categories = loader(load_category_lists)
    category = loader(load_categories)
    request_type = loader(load_request_types)
    request_types_of_category = loader(load_request_types_of_categories)
    form_version_fields = loader(load_form_version_fields)
    form_field = loader(load_form_fields)

    def clear_all(self) -> None:
        """Forget cached rows: a mutation changed the catalog, later fields must see it."""
        self._primed = {}
        for made in self.made():
            made.clear_all()
