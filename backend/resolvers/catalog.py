"""The catalog: the `portal` query, node resolution and the admin mutations for categories,
request types, form fields and the priority scheme. Thin: ids -> policy -> domain -> payload."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth import policies
from backend.auth.viewer import Viewer
from backend.context import Context
from backend.db.models import FormField as FormFieldRow
from backend.db.models import IssueType as IssueTypeValue
from backend.db.models import RequestCategory as CategoryRow
from backend.db.models import RequestType as RequestTypeRow
from backend.domain import audit, catalog
from backend.domain.audit import Action, target_of
from backend.domain.conditions import Condition
from backend.domain.errors import forbidden
from backend.domain.forms import FieldKind, FieldOption
from backend.resolvers.common import audit_actor, in_transaction, require_viewer
from backend.schema.catalog import (
    FormField,
    Portal,
    PriorityScheme,
    RequestCategory,
    RequestType,
    form_field_from_spec,
    load_portal,
)
from backend.schema.catalog_admin import (
    FieldConditionInput,
    FieldOptionInput,
    FormFieldConstraintsInput,
    FormFieldCreateInput,
    FormFieldCreatePayload,
    FormFieldsReorderInput,
    FormFieldsReorderPayload,
    FormFieldUpdateInput,
    FormFieldUpdatePayload,
    PrioritySchemeSetInput,
    PrioritySchemeSetPayload,
    RequestCategoriesReorderInput,
    RequestCategoriesReorderPayload,
    RequestCategoryCreateInput,
    RequestCategoryCreatePayload,
    RequestCategoryUpdateInput,
    RequestCategoryUpdatePayload,
    RequestTypeCreateInput,
    RequestTypeCreatePayload,
    RequestTypesReorderInput,
    RequestTypesReorderPayload,
    RequestTypeUpdateInput,
    RequestTypeUpdatePayload,
)
from backend.schema.errors import user_errors
from backend.schema.relay import expect_id

# ---- reading


async def portal(info: strawberry.Info) -> Portal:
    require_viewer(info.context)
    return await load_portal(info)


async def request_category_node(
    context: Context, viewer: Viewer, pk: int
) -> RequestCategory | None:
    row = await context.loaders.catalog.category.load(pk)
    if row is None or (row.archived_at and not policies.can_see_archived_catalog(viewer)):
        return None
    return RequestCategory.from_row(row)


async def _visible_request_type(context: Context, viewer: Viewer, pk: int) -> Any | None:
    row = await context.loaders.catalog.request_type.load(pk)
    if row is None or policies.can_see_archived_catalog(viewer):
        return row
    category = await context.loaders.catalog.category.load(row.category_id)
    usable = row.archived_at is None and category is not None and category.archived_at is None
    return row if usable else None


async def request_type_node(context: Context, viewer: Viewer, pk: int) -> RequestType | None:
    row = await _visible_request_type(context, viewer, pk)
    return RequestType.from_row(row) if row else None


async def form_field_node(context: Context, viewer: Viewer, pk: int) -> FormField | None:
    """The field's current definition (a request's fields show their own version instead)."""
    row = await context.loaders.catalog.form_field.load(pk)
    if row is None:
        return None
    if row.archived_at and not policies.can_see_archived_catalog(viewer):
        return None
    if await _visible_request_type(context, viewer, row.request_type_id) is None:
        return None
    return _field(row)


# ---- helpers


def _require_catalog_admin(viewer: Viewer) -> None:
    if not policies.can_manage_catalog(viewer):
        raise forbidden("Only admins may change the catalog.")


def _field(row: Any) -> FormField:
    spec = catalog.spec_of_row(row)
    return form_field_from_spec(row.id, spec, row.request_type_id)


def _ids(ids: Sequence[str], type_name: str) -> list[int]:
    return [expect_id(gid, type_name, ("ids", str(i))) for i, gid in enumerate(ids)]


def _options(options: Sequence[FieldOptionInput] | None) -> list[FieldOption] | None:
    if options is None:
        return None
    return [FieldOption(o.value, o.value if o.label is None else o.label) for o in options]


def _constraints(c: FormFieldConstraintsInput | None) -> catalog.Constraints | None:
    if c is None:
        return None
    return catalog.Constraints(
        min_value=c.min,
        max_value=c.max,
        min_length=c.min_length,
        max_length=c.max_length,
        pattern=c.pattern,
        integer_only=c.integer_only,
        min_selected=c.min_selected,
        max_selected=c.max_selected,
        max_files=c.max_files,
        max_file_size=c.max_file_size,
    )


def _conditions(conditions: Sequence[FieldConditionInput] | None) -> list[Condition] | None:
    if conditions is None:
        return None
    return [Condition(c.effect, c.field_key, c.operator, tuple(c.values)) for c in conditions]


# ---- categories


async def request_category_create(
    info: strawberry.Info, input: RequestCategoryCreateInput
) -> RequestCategoryCreatePayload:
    context: Context = info.context
    viewer = require_viewer(context)

    async def work(session: AsyncSession) -> CategoryRow:
        _require_catalog_admin(viewer)
        row = await catalog.create_category(session, name=input.name, description=input.description)
        await audit.record(
            session,
            audit_actor(context),
            Action.CATEGORY_CREATE,
            target_of(row),
            None,
            audit.category_snapshot(row),
        )
        return row

    row, problems = await in_transaction(context, work)
    return RequestCategoryCreatePayload(
        request_category=RequestCategory.from_row(row) if row else None,
        user_errors=user_errors(problems),
    )


async def request_category_update(
    info: strawberry.Info, input: RequestCategoryUpdateInput
) -> RequestCategoryUpdatePayload:
    context: Context = info.context
    viewer = require_viewer(context)

    async def work(session: AsyncSession) -> CategoryRow:
        _require_catalog_admin(viewer)
        category = await catalog.get_category(session, expect_id(input.id, "RequestCategory", "id"))
        before = audit.category_snapshot(category)
        await catalog.update_category(
            session,
            category,
            name=input.name,
            description=input.description,
            archived=input.archived,
        )
        await audit.record(
            session,
            audit_actor(context),
            Action.CATEGORY_UPDATE,
            target_of(category),
            before,
            audit.category_snapshot(category),
        )
        return category

    row, problems = await in_transaction(context, work)
    return RequestCategoryUpdatePayload(
        request_category=RequestCategory.from_row(row) if row else None,
        user_errors=user_errors(problems),
    )


async def request_categories_reorder(
    info: strawberry.Info, input: RequestCategoriesReorderInput
) -> RequestCategoriesReorderPayload:
    context: Context = info.context
    viewer = require_viewer(context)

    async def work(session: AsyncSession) -> list[CategoryRow]:
        _require_catalog_admin(viewer)
        before = await audit.category_order_snapshot(session)
        rows = await catalog.reorder_categories(session, _ids(input.ids, "RequestCategory"))
        await audit.record(
            session,
            audit_actor(context),
            Action.CATEGORY_REORDER,
            audit.PORTAL,
            before,
            await audit.category_order_snapshot(session),
        )
        return rows

    rows, problems = await in_transaction(context, work)
    return RequestCategoriesReorderPayload(
        request_categories=(
            [RequestCategory.from_row(r) for r in rows] if rows is not None else None
        ),
        user_errors=user_errors(problems),
    )


# ---- request types


def _optional_id(value: Any, type_name: str, path: str) -> Any:
    """UNSET (left out) -> catalog.KEEP; null -> None; an ID -> its primary key."""
    if value is strawberry.UNSET:
        return catalog.KEEP
    return None if value is None else expect_id(value, type_name, path)


async def request_type_create(
    info: strawberry.Info, input: RequestTypeCreateInput
) -> RequestTypeCreatePayload:
    context: Context = info.context
    viewer = require_viewer(context)

    async def work(session: AsyncSession) -> RequestTypeRow:
        _require_catalog_admin(viewer)
        category_id = expect_id(input.category_id, "RequestCategory", "categoryId")
        team_id = expect_id(input.team_id, "Team", "teamId") if input.team_id else None
        row = await catalog.create_request_type(
            session,
            category_id=category_id,
            name=input.name,
            description=input.description,
            icon=input.icon,
            issue_type=IssueTypeValue(input.issue_type.value),
            default_priority_key=input.default_priority_key,
            team_id=team_id,
        )
        await audit.record(
            session,
            audit_actor(context),
            Action.REQUEST_TYPE_CREATE,
            target_of(row),
            None,
            audit.request_type_snapshot(row),
        )
        return row

    row, problems = await in_transaction(context, work)
    return RequestTypeCreatePayload(
        request_type=RequestType.from_row(row) if row else None,
        user_errors=user_errors(problems),
    )


async def request_type_update(
    info: strawberry.Info, input: RequestTypeUpdateInput
) -> RequestTypeUpdatePayload:
    context: Context = info.context
    viewer = require_viewer(context)

    async def work(session: AsyncSession) -> RequestTypeRow:
        _require_catalog_admin(viewer)
        request_type = await catalog.lock_request_type(
            session, expect_id(input.id, "RequestType", "id")
        )
        category_id = (
            expect_id(input.category_id, "RequestCategory", "categoryId")
            if input.category_id
            else None
        )
        priority = input.default_priority_key
        before = audit.request_type_snapshot(request_type)
        await catalog.update_request_type(
            session,
            request_type,
            category_id=category_id,
            name=input.name,
            description=input.description,
            icon=input.icon,
            issue_type=IssueTypeValue(input.issue_type.value) if input.issue_type else None,
            default_priority_key=catalog.KEEP if priority is strawberry.UNSET else priority,
            team_id=_optional_id(input.team_id, "Team", "teamId"),
            archived=input.archived,
        )
        await audit.record(
            session,
            audit_actor(context),
            Action.REQUEST_TYPE_UPDATE,
            target_of(request_type),
            before,
            audit.request_type_snapshot(request_type),
        )
        return request_type

    row, problems = await in_transaction(context, work)
    return RequestTypeUpdatePayload(
        request_type=RequestType.from_row(row) if row else None,
        user_errors=user_errors(problems),
    )


async def request_types_reorder(
    info: strawberry.Info, input: RequestTypesReorderInput
) -> RequestTypesReorderPayload:
    context: Context = info.context
    viewer = require_viewer(context)

    async def work(session: AsyncSession) -> tuple[CategoryRow, list[RequestTypeRow]]:
        _require_catalog_admin(viewer)
        category = await catalog.get_category(
            session, expect_id(input.category_id, "RequestCategory", "categoryId"), "categoryId"
        )
        ids = _ids(input.ids, "RequestType")
        before = await audit.request_type_order_snapshot(session, category.id)
        rows = await catalog.reorder_request_types(session, category, ids)
        await audit.record(
            session,
            audit_actor(context),
            Action.REQUEST_TYPE_REORDER,
            target_of(category),
            before,
            await audit.request_type_order_snapshot(session, category.id),
        )
        return category, rows

    result, problems = await in_transaction(context, work)
    return RequestTypesReorderPayload(
        request_category=RequestCategory.from_row(result[0]) if result else None,
        request_types=[RequestType.from_row(r) for r in result[1]] if result else None,
        user_errors=user_errors(problems),
    )


# ---- form fields


async def form_field_create(
    info: strawberry.Info, input: FormFieldCreateInput
) -> FormFieldCreatePayload:
    context: Context = info.context
    viewer = require_viewer(context)

    async def work(session: AsyncSession) -> tuple[FormFieldRow, RequestTypeRow]:
        _require_catalog_admin(viewer)
        request_type = await catalog.lock_request_type(
            session,
            expect_id(input.request_type_id, "RequestType", "requestTypeId"),
            "requestTypeId",
        )
        row = await catalog.create_form_field(
            session,
            request_type,
            key=input.key,
            kind=FieldKind(input.kind.value),
            label=input.label,
            help_text=input.help_text,
            required=input.required,
            default=input.default_value,
            options=_options(input.options) or [],
            constraints=_constraints(input.constraints),
            conditions=_conditions(input.conditions) or [],
        )
        await audit.record(
            session,
            audit_actor(context),
            Action.FORM_FIELD_CREATE,
            target_of(row),
            None,
            audit.form_field_snapshot(row),
        )
        return row, request_type

    result, problems = await in_transaction(context, work)
    return FormFieldCreatePayload(
        form_field=_field(result[0]) if result else None,
        request_type=RequestType.from_row(result[1]) if result else None,
        user_errors=user_errors(problems),
    )


async def form_field_update(
    info: strawberry.Info, input: FormFieldUpdateInput
) -> FormFieldUpdatePayload:
    context: Context = info.context
    viewer = require_viewer(context)

    async def work(session: AsyncSession) -> tuple[FormFieldRow, RequestTypeRow]:
        _require_catalog_admin(viewer)
        row = await catalog.get_form_field(session, expect_id(input.id, "FormField", "id"))
        request_type = await catalog.lock_request_type(session, row.request_type_id)
        before = audit.form_field_snapshot(row)
        default = input.default_value
        row = await catalog.update_form_field(
            session,
            request_type,
            row,
            kind=FieldKind(input.kind.value) if input.kind else None,
            label=input.label,
            help_text=input.help_text,
            required=input.required,
            default=catalog.KEEP if default is strawberry.UNSET else default,
            options=_options(input.options),
            constraints=_constraints(input.constraints),
            conditions=_conditions(input.conditions),
            archived=input.archived,
        )
        await audit.record(
            session,
            audit_actor(context),
            Action.FORM_FIELD_UPDATE,
            target_of(row),
            before,
            audit.form_field_snapshot(row),
        )
        return row, request_type

    result, problems = await in_transaction(context, work)
    return FormFieldUpdatePayload(
        form_field=_field(result[0]) if result else None,
        request_type=RequestType.from_row(result[1]) if result else None,
        user_errors=user_errors(problems),
    )


async def form_fields_reorder(
    info: strawberry.Info, input: FormFieldsReorderInput
) -> FormFieldsReorderPayload:
    context: Context = info.context
    viewer = require_viewer(context)

    async def work(session: AsyncSession) -> RequestTypeRow:
        _require_catalog_admin(viewer)
        request_type = await catalog.lock_request_type(
            session,
            expect_id(input.request_type_id, "RequestType", "requestTypeId"),
            "requestTypeId",
        )
        before = await audit.form_order_snapshot(session, request_type)
        await catalog.reorder_form_fields(session, request_type, _ids(input.ids, "FormField"))
        await audit.record(
            session,
            audit_actor(context),
            Action.FORM_FIELD_REORDER,
            target_of(request_type),
            before,
            await audit.form_order_snapshot(session, request_type),
        )
        return request_type

    row, problems = await in_transaction(context, work)
    return FormFieldsReorderPayload(
        request_type=RequestType.from_row(row) if row else None,
        user_errors=user_errors(problems),
    )


# ---- priority scheme


async def priority_scheme_set(
    info: strawberry.Info, input: PrioritySchemeSetInput
) -> PrioritySchemeSetPayload:
    context: Context = info.context
    viewer = require_viewer(context)

    async def work(session: AsyncSession) -> Any:
        _require_catalog_admin(viewer)
        settings = await catalog.portal_settings(session)
        before = await audit.priority_scheme_snapshot(session, settings.priority_scheme_key)
        scheme = await catalog.set_priority_scheme(session, input.key)
        await audit.record(
            session,
            audit_actor(context),
            Action.PRIORITY_SCHEME_SET,
            audit.PORTAL,
            before,
            await audit.priority_scheme_snapshot(session, scheme.key),
        )
        return scheme

    scheme, problems = await in_transaction(context, work)
    return PrioritySchemeSetPayload(
        priority_scheme=PriorityScheme.from_domain(scheme) if scheme else None,
        portal=await load_portal(info) if scheme else None,
        user_errors=user_errors(problems),
    )
