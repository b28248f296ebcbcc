"""Inputs and payloads of the catalog's admin mutations: categories, request types, form
fields and the priority scheme. Update inputs: a field left out stays as it is."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from backend.schema.catalog import (
    ConditionEffect,
    ConditionOperator,
    FormField,
    Portal,
    PriorityScheme,
    RequestCategory,
    RequestType,
)
from backend.schema.enums import FieldKind, IssueType
from backend.schema.errors import UserError

# ---- categories


@strawberry.input(description="A new request category, added at the end of the portal.")
class RequestCategoryCreateInput:
    name: str = strawberry.field(description="Unique name, 1 to 100 characters.")
    description: str = strawberry.field(default="", description="What it groups.")


@strawberry.type(description="Result of `requestCategoryCreate`.")
class RequestCategoryCreatePayload:
    request_category: RequestCategory | None = strawberry.field(description="The new category.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.input(description="Change a request category. Null fields stay as they are.")
class RequestCategoryUpdateInput:
    id: strawberry.ID = strawberry.field(description="The category.")
    name: str | None = strawberry.field(default=None, description="New unique name.")
    description: str | None = strawberry.field(default=None, description="New description.")
    archived: bool | None = strawberry.field(
        default=None,
        description="True hides it and its request types from customers; false brings it back.",
    )


@strawberry.type(description="Result of `requestCategoryUpdate`.")
class RequestCategoryUpdatePayload:
    request_category: RequestCategory | None = strawberry.field(description="The changed category.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.input(
    description="Put categories in order: the named ones first, in the given order; the "
    "others follow in their current order."
)
class RequestCategoriesReorderInput:
    ids: list[strawberry.ID] = strawberry.field(description="Category IDs in the wanted order.")


@strawberry.type(description="Result of `requestCategoriesReorder`.")
class RequestCategoriesReorderPayload:
    request_categories: list[RequestCategory] | None = strawberry.field(
        description="All categories (archived ones too) in their new order."
    )
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


# ---- request types


@strawberry.input(description="A new request type, added at the end of its category.")
class RequestTypeCreateInput:
    category_id: strawberry.ID = strawberry.field(description="The category to list it in.")
    name: str = strawberry.field(description="Name unique in the portal, 1 to 100 characters.")
    description: str = strawberry.field(default="", description="What it is for.")
    icon: str = strawberry.field(
        default="help", description="Icon name: a-z, 0-9, '-' and '_', at most 40 characters."
    )
    issue_type: IssueType = strawberry.field(
        default=IssueType.SERVICE_REQUEST, description="INCIDENT or SERVICE_REQUEST."
    )
    default_priority_key: str | None = strawberry.field(
        default=None, description="A level key of the active priority scheme, e.g. P3."
    )
    team_id: strawberry.ID | None = strawberry.field(
        default=None, description="Team its requests are routed to."
    )


@strawberry.type(description="Result of `requestTypeCreate`.")
class RequestTypeCreatePayload:
    request_type: RequestType | None = strawberry.field(
        description="The new request type (form version 1, no fields yet)."
    )
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.input(
    description="Change a request type. Fields left out stay as they are; `defaultPriorityKey` "
    "and `teamId` may be set to null to clear them."
)
class RequestTypeUpdateInput:
    id: strawberry.ID = strawberry.field(description="The request type.")
    category_id: strawberry.ID | None = strawberry.field(
        default=None, description="Move it to the end of this category."
    )
    name: str | None = strawberry.field(default=None, description="New name.")
    description: str | None = strawberry.field(default=None, description="New description.")
    icon: str | None = strawberry.field(default=None, description="New icon name.")
    issue_type: IssueType | None = strawberry.field(default=None, description="New issue type.")
    default_priority_key: str | None = strawberry.field(
        default=strawberry.UNSET, description="A level key of the active scheme; null clears it."
    )
    team_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Team to route to; null clears it."
    )
    archived: bool | None = strawberry.field(
        default=None, description="True: customers can no longer use it; false brings it back."
    )


@strawberry.type(description="Result of `requestTypeUpdate`.")
class RequestTypeUpdatePayload:
    request_type: RequestType | None = strawberry.field(description="The changed request type.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.input(
    description="Put a category's request types in order: the named ones first, in the given "
    "order; the others follow in their current order."
)
class RequestTypesReorderInput:
    category_id: strawberry.ID = strawberry.field(description="The category.")
    ids: list[strawberry.ID] = strawberry.field(
        description="IDs of request types of that category, in the wanted order."
    )


@strawberry.type(description="Result of `requestTypesReorder`.")
class RequestTypesReorderPayload:
    request_category: RequestCategory | None = strawberry.field(description="The category.")
    request_types: list[RequestType] | None = strawberry.field(
        description="All its request types (archived ones too) in their new order."
    )
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


# ---- form fields


@strawberry.input(description="A choice of a SELECT or MULTI_SELECT field.")
class FieldOptionInput:
    value: str = strawberry.field(description="What is stored and submitted; unique in the field.")
    label: str | None = strawberry.field(default=None, description="What people see; null: value.")


@strawberry.input(
    description="Constraints of a field; each applies to some kinds only (others get "
    "CONSTRAINT_NOT_APPLICABLE). Null: not limited."
)
class FormFieldConstraintsInput:
    min_length: int | None = strawberry.field(
        default=None, description="TEXT, TEXTAREA, EMAIL, URL: fewest characters."
    )
    max_length: int | None = strawberry.field(
        default=None,
        description="TEXT, TEXTAREA, EMAIL, URL: most characters (may only lower the hard caps "
        "255, 32767, 254, 2048).",
    )
    pattern: str | None = strawberry.field(
        default=None, description="TEXT: regular expression the whole value must match."
    )
    min: JSON | None = strawberry.field(
        default=None,
        description="NUMBER: a number; DATE: YYYY-MM-DD; DATETIME: ISO 8601 with a time zone.",
    )
    max: JSON | None = strawberry.field(
        default=None,
        description="NUMBER: a number; DATE: YYYY-MM-DD; DATETIME: ISO 8601 with a time zone.",
    )
    integer_only: bool = strawberry.field(default=False, description="NUMBER: whole numbers only.")
    min_selected: int | None = strawberry.field(
        default=None, description="MULTI_SELECT: fewest choices once something is chosen."
    )
    max_selected: int | None = strawberry.field(
        default=None, description="MULTI_SELECT: most choices."
    )
    max_files: int | None = strawberry.field(default=None, description="ATTACHMENT: most files.")
    max_file_size: int | None = strawberry.field(
        default=None, description="ATTACHMENT: largest file, in bytes."
    )


@strawberry.input(description="When the field is shown or required, by another field's value.")
class FieldConditionInput:
    effect: ConditionEffect = strawberry.field(description="SHOW or REQUIRE.")
    field_key: str = strawberry.field(description="Key of another field of the same form.")
    operator: ConditionOperator = strawberry.field(
        default=ConditionOperator.IN, description="IN or NOT_IN."
    )
    values: list[str] = strawberry.field(
        description='Values to compare with (option values; "true"/"false" for checkboxes).'
    )


@strawberry.input(
    description="A new field at the end of a request type's form; writes a new form version."
)
class FormFieldCreateInput:
    request_type_id: strawberry.ID = strawberry.field(description="The request type.")
    key: str = strawberry.field(
        description="Key unique in the request type and never changed: a lower-case letter, "
        "then a-z, 0-9 or _, at most 64 characters."
    )
    kind: FieldKind = strawberry.field(description="What kind of field.")
    label: str = strawberry.field(description="Label, 1 to 200 characters.")
    help_text: str = strawberry.field(default="", description="Help shown with the field.")
    required: bool = strawberry.field(default=False, description="Always required when shown.")
    default_value: JSON | None = strawberry.field(
        default=None, description="Value used when a submission leaves the field out."
    )
    options: list[FieldOptionInput] = strawberry.field(
        default_factory=list, description="SELECT and MULTI_SELECT: the choices, in order."
    )
    constraints: FormFieldConstraintsInput | None = strawberry.field(
        default=None, description="Kind-specific constraints."
    )
    conditions: list[FieldConditionInput] = strawberry.field(
        default_factory=list, description="When the field is shown or required."
    )


@strawberry.type(description="Result of `formFieldCreate`.")
class FormFieldCreatePayload:
    form_field: FormField | None = strawberry.field(description="The new field.")
    request_type: RequestType | None = strawberry.field(
        description="Its request type, with the new form version."
    )
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.input(
    description="Change a field (its key never changes). Fields left out stay as they are; "
    "`options`, `constraints` and `conditions` replace the current ones as a whole; "
    "`defaultValue: null` clears the default. Writes a new form version when the form changed."
)
class FormFieldUpdateInput:
    id: strawberry.ID = strawberry.field(description="The field.")
    kind: FieldKind | None = strawberry.field(default=None, description="New kind.")
    label: str | None = strawberry.field(default=None, description="New label.")
    help_text: str | None = strawberry.field(default=None, description="New help text.")
    required: bool | None = strawberry.field(default=None, description="New required flag.")
    default_value: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="New default; null clears it."
    )
    options: list[FieldOptionInput] | None = strawberry.field(
        default=None, description="New choices (replace the current ones)."
    )
    constraints: FormFieldConstraintsInput | None = strawberry.field(
        default=None, description="New constraints (replace the current ones)."
    )
    conditions: list[FieldConditionInput] | None = strawberry.field(
        default=None, description="New conditions (replace the current ones)."
    )
    archived: bool | None = strawberry.field(
        default=None,
        description="True removes it from the form (requests already submitted keep it); not "
        "allowed while other fields' conditions use it. False puts it back at the end.",
    )


@strawberry.type(description="Result of `formFieldUpdate`.")
class FormFieldUpdatePayload:
    form_field: FormField | None = strawberry.field(description="The changed field.")
    request_type: RequestType | None = strawberry.field(
        description="Its request type, with the current form version."
    )
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.input(
    description="Put a form's fields in order: the named ones first, in the given order; the "
    "others follow in their current order. Writes a new form version when the order changed."
)
class FormFieldsReorderInput:
    request_type_id: strawberry.ID = strawberry.field(description="The request type.")
    ids: list[strawberry.ID] = strawberry.field(
        description="IDs of its (not archived) fields in the wanted order."
    )


@strawberry.type(description="Result of `formFieldsReorder`.")
class FormFieldsReorderPayload:
    request_type: RequestType | None = strawberry.field(
        description="The request type, with its fields in the new order."
    )
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


# ---- priority scheme


@strawberry.input(description="Switch the portal's priority scheme.")
class PrioritySchemeSetInput:
    key: str = strawberry.field(
        description="Key of a scheme of `portal.availablePrioritySchemes`, e.g. default or jira."
    )


@strawberry.type(description="Result of `prioritySchemeSet`.")
class PrioritySchemeSetPayload:
    priority_scheme: PriorityScheme | None = strawberry.field(description="The active scheme.")
    portal: Portal | None = strawberry.field(description="The portal.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")
