"""The request catalog as the API shows it: portal, categories, request types, typed form
fields and the priority scheme.

Form fields are typed per kind (`TextField`, `SelectField`, ...) behind the `FormField`
interface, so a frontend can render a form from the schema alone. They are built from a stored
form version's JSON by :func:`form_field_from_json`, which the request detail also uses to show
a request's fields as they were in ITS version.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import strawberry
from strawberry import Private
from strawberry.scalars import JSON

from backend.auth import policies
from backend.domain import conditions as cond
from backend.domain import priority as prio
from backend.domain.catalog import scheme_by_key
from backend.domain.forms import MAX_LENGTHS, FieldKind, FieldSpec
from backend.schema.enums import FieldKind as FieldKindEnum
from backend.schema.enums import Impact, IssueType, Urgency
from backend.schema.errors import PublicError
from backend.schema.relay import Node, encode_id
from backend.schema.users import Team

ConditionEffect = strawberry.enum(
    cond.ConditionEffect,
    description="SHOW: the field is shown only when the condition holds; REQUIRE: the field is "
    "required when it holds.",
)
ConditionOperator = strawberry.enum(
    cond.ConditionOperator,
    description="IN: the other field's value is one of the values; NOT_IN: it is none of them "
    "(also when it has no value).",
)

IncludeArchived = Annotated[
    bool,
    strawberry.argument(
        description="Admins: also archived entries and categories without usable request types."
    ),
]


def _forbid_archived(info: strawberry.Info, include_archived: bool) -> None:
    if include_archived and not policies.can_manage_catalog(info.context.viewer):
        raise PublicError("Only admins may see archived catalog entries.", "FORBIDDEN")


# ---- priority scheme


@strawberry.type(description="A level of the priority scheme, e.g. P2 High.")
class PriorityLevel:
    key: str = strawberry.field(description="Stable key, e.g. P2 or MAJOR.")
    name: str = strawberry.field(description="Name shown to people, e.g. High.")
    rank: int = strawberry.field(description="1 = most urgent.")

    @classmethod
    def from_domain(cls, level: prio.PriorityLevel) -> PriorityLevel:
        return cls(key=level.key, name=level.name, rank=level.rank)


@strawberry.type(description="One cell of the urgency x impact matrix.")
class PriorityMatrixCell:
    urgency: Urgency = strawberry.field(description="How soon it hurts.")
    impact: Impact = strawberry.field(description="How much it hurts.")
    priority: PriorityLevel | None = strawberry.field(
        description="The priority a request with this urgency and impact gets; null: decided "
        "by the request type's default."
    )


@strawberry.type(description="How requests get their priority: levels and an optional matrix.")
class PriorityScheme:
    key: str = strawberry.field(description="Stable key, e.g. default or jira.")
    name: str = strawberry.field(description="Name shown to admins.")
    customer_may_choose: bool = strawberry.field(
        description="Whether customers may pick the priority themselves; otherwise it comes "
        "from the matrix or the request type's default."
    )
    levels: list[PriorityLevel] = strawberry.field(description="The levels, most urgent first.")
    matrix: list[PriorityMatrixCell] = strawberry.field(
        description="Urgency x impact -> priority; empty when the scheme has no matrix."
    )

    @classmethod
    def from_domain(cls, scheme: prio.PriorityScheme) -> PriorityScheme:
        levels = {lv.key: PriorityLevel.from_domain(lv) for lv in scheme.levels}
        matrix = scheme.matrix or {}
        return cls(
            key=scheme.key,
            name=scheme.name,
            customer_may_choose=scheme.customer_may_choose,
            levels=list(levels.values()),
            matrix=[
                PriorityMatrixCell(
                    urgency=u,
                    impact=i,
                    priority=levels.get(matrix[(u, i)] or ""),
                )
                for u in prio.Urgency
                for i in prio.Impact
                if (u, i) in matrix
            ],
        )


async def _active_scheme(info: strawberry.Info) -> prio.PriorityScheme:
    settings = await info.context.loaders.catalog.settings.load(1)
    return scheme_by_key(settings.priority_scheme_key if settings else prio.DEFAULT.key)


# ---- form fields


@strawberry.type(description="A choice of a select field.")
class FieldOption:
    value: str = strawberry.field(description="What is stored and submitted.")
    label: str = strawberry.field(description="What people see.")


@strawberry.type(
    description="When a field is shown or required, depending on another field's value."
)
class FieldCondition:
    effect: ConditionEffect = strawberry.field(description="What the condition controls.")
    field_key: str = strawberry.field(description="Key of the field whose value is tested.")
    operator: ConditionOperator = strawberry.field(description="IN or NOT_IN.")
    values: list[str] = strawberry.field(
        description='Values compared as strings ("true"/"false" for checkboxes).'
    )


@strawberry.interface(
    description="A field of a request type's form. Each kind is its own type carrying that "
    "kind's constraints. A field with SHOW conditions is shown only when all of them hold; a "
    "shown field is required when `required` is set or all its REQUIRE conditions hold."
)
class FormField(Node):
    request_type_id: Private[int]
    key: str = strawberry.field(description="Stable key, unique in the request type.")
    kind: FieldKindEnum = strawberry.field(description="The kind (the same as the type).")
    label: str = strawberry.field(description="Label shown to people.")
    help_text: str = strawberry.field(description="Help shown with the field; may be empty.")
    required: bool = strawberry.field(
        description="Always required (when shown); see also REQUIRE conditions."
    )
    position: int = strawberry.field(description="Place in the form, from 0.")
    conditions: list[FieldCondition] = strawberry.field(
        description="When the field is shown or required; empty: always shown."
    )
    default_value: JSON | None = strawberry.field(
        description="Value used when the submission leaves the field out; null: none."
    )


@strawberry.type(description="One line of text.")
class TextField(FormField):
    min_length: int | None = strawberry.field(description="Fewest characters, if limited.")
    max_length: int = strawberry.field(description="Most characters (at most 255).")
    pattern: str | None = strawberry.field(
        description="Regular expression the whole value must match, if any."
    )


@strawberry.type(description="Several lines of text.")
class TextareaField(FormField):
    min_length: int | None = strawberry.field(description="Fewest characters, if limited.")
    max_length: int = strawberry.field(description="Most characters (at most 32767).")


@strawberry.type(description="A number.")
class NumberField(FormField):
    min: float | None = strawberry.field(description="Smallest value allowed, if limited.")
    max: float | None = strawberry.field(description="Largest value allowed, if limited.")
    integer_only: bool = strawberry.field(description="Only whole numbers.")


@strawberry.type(description="A calendar date (YYYY-MM-DD).")
class DateField(FormField):
    min: str | None = strawberry.field(description="Earliest date (YYYY-MM-DD), if limited.")
    max: str | None = strawberry.field(description="Latest date (YYYY-MM-DD), if limited.")


@strawberry.type(description="A date and time with a time zone (ISO 8601).")
class DateTimeField(FormField):
    min: str | None = strawberry.field(description="Earliest moment (ISO 8601), if limited.")
    max: str | None = strawberry.field(description="Latest moment (ISO 8601), if limited.")


@strawberry.type(description="One choice of several.")
class SelectField(FormField):
    options: list[FieldOption] = strawberry.field(description="The choices, in order.")


@strawberry.type(description="Any number of choices of several.")
class MultiSelectField(FormField):
    options: list[FieldOption] = strawberry.field(description="The choices, in order.")
    min_selected: int | None = strawberry.field(
        description="Fewest choices once something is chosen, if limited."
    )
    max_selected: int | None = strawberry.field(description="Most choices, if limited.")


@strawberry.type(description="A yes/no box; a required one must be ticked.")
class CheckboxField(FormField):
    pass


@strawberry.type(description="An e-mail address.")
class EmailField(FormField):
    min_length: int | None = strawberry.field(description="Fewest characters, if limited.")
    max_length: int = strawberry.field(description="Most characters (at most 254).")


@strawberry.type(description="An http or https URL.")
class UrlField(FormField):
    min_length: int | None = strawberry.field(description="Fewest characters, if limited.")
    max_length: int = strawberry.field(description="Most characters (at most 2048).")


@strawberry.type(description="Uploaded files (IDs of attachments).")
class AttachmentField(FormField):
    max_files: int | None = strawberry.field(description="Most files, if limited.")
    max_file_size: int | None = strawberry.field(description="Largest file in bytes, if limited.")


@strawberry.type(description="An asset of the customer's (its ID).")
class AssetField(FormField):
    pass


@strawberry.type(description="A person (a user's ID).")
class UserField(FormField):
    pass


def _max_length(spec: FieldSpec) -> int:
    # The effective limit: the admin's, or the hard cap, so clients can render `maxlength`.
    cap = MAX_LENGTHS[spec.kind]
    return cap if spec.max_length is None else min(spec.max_length, cap)


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _kind_attributes(spec: FieldSpec) -> tuple[type[FormField], dict[str, Any]]:
    options = [FieldOption(value=o.value, label=o.label) for o in spec.options]
    k = spec.kind
    if k is FieldKind.TEXT:
        return TextField, {
            "min_length": spec.min_length,
            "max_length": _max_length(spec),
            "pattern": spec.pattern,
        }
    if k is FieldKind.TEXTAREA:
        return TextareaField, {"min_length": spec.min_length, "max_length": _max_length(spec)}
    if k is FieldKind.EMAIL:
        return EmailField, {"min_length": spec.min_length, "max_length": _max_length(spec)}
    if k is FieldKind.URL:
        return UrlField, {"min_length": spec.min_length, "max_length": _max_length(spec)}
    if k is FieldKind.NUMBER:
        return NumberField, {
            "min": _number(spec.min_value),
            "max": _number(spec.max_value),
            "integer_only": spec.integer_only,
        }
    if k is FieldKind.DATE:
        return DateField, {"min": _text(spec.min_value), "max": _text(spec.max_value)}
    if k is FieldKind.DATETIME:
        return DateTimeField, {"min": _text(spec.min_value), "max": _text(spec.max_value)}
    if k is FieldKind.SELECT:
        return SelectField, {"options": options}
    if k is FieldKind.MULTI_SELECT:
        return MultiSelectField, {
            "options": options,
            "min_selected": spec.min_selected,
            "max_selected": spec.max_selected,
        }
    if k is FieldKind.ATTACHMENT:
        return AttachmentField, {
            "max_files": spec.max_files,
            "max_file_size": spec.max_file_size,
        }
    if k is FieldKind.CHECKBOX:
        return CheckboxField, {}
    if k is FieldKind.ASSET:
        return AssetField, {}
    return UserField, {}


def form_field_from_spec(field_id: int, spec: FieldSpec, request_type_id: int) -> FormField:
    """The typed API object of one field (`field_id`: the form_fields row id)."""
    cls, attributes = _kind_attributes(spec)
    return cls(
        id=encode_id("FormField", field_id),
        request_type_id=request_type_id,
        key=spec.key,
        kind=spec.kind,
        label=spec.label,
        help_text=spec.help_text,
        required=spec.required,
        position=spec.position,
        conditions=[
            FieldCondition(
                effect=c.effect, field_key=c.field_key, operator=c.operator, values=list(c.values)
            )
            for c in spec.conditions
        ],
        default_value=spec.default,
        **attributes,
    )


def form_field_from_json(item: Mapping[str, Any], request_type_id: int) -> FormField:
    """The typed API object of one entry of a stored form version's `fields` JSON
    (``{"id": form field id, **FieldSpec.to_dict()}``), labelled as in that version."""
    spec = FieldSpec.from_dict({k: v for k, v in item.items() if k != "id"})
    return form_field_from_spec(int(item["id"]), spec, request_type_id)


# ---- categories and request types


@strawberry.type(
    description="A kind of request customers can raise, with its form. New requests use the "
    "current form version; a request keeps the version it was submitted with."
)
class RequestType(Node):
    pk: Private[int]
    category_id: Private[int]
    team_id: Private[int | None]
    default_priority_key: Private[str | None]
    name: str = strawberry.field(description="Name, e.g. Report a bug.")
    description: str = strawberry.field(description="What it is for, shown to customers.")
    icon: str = strawberry.field(description="Icon name, e.g. bug.")
    issue_type: IssueType = strawberry.field(description="INCIDENT or SERVICE_REQUEST.")
    position: int = strawberry.field(description="Place in its category, from 0.")
    archived: bool = strawberry.field(description="Archived types cannot be used any more.")
    form_version: int = strawberry.field(description="Version of the current form, from 1.")
    asks_urgency_and_impact: bool = strawberry.field(
        description="Whether the request form asks for urgency and impact (incidents do); "
        "with a matrix in the scheme they decide the priority."
    )

    @classmethod
    def from_row(cls, row: Any) -> RequestType:
        return cls(
            id=encode_id("RequestType", row.id),
            pk=row.id,
            category_id=row.category_id,
            team_id=row.team_id,
            default_priority_key=row.default_priority_key,
            name=row.name,
            description=row.description,
            icon=row.icon,
            issue_type=IssueType(row.issue_type),
            position=row.position,
            archived=row.archived_at is not None,
            form_version=row.form_version,
            asks_urgency_and_impact=row.issue_type == IssueType.INCIDENT.value,
        )

    @strawberry.field(description="The fields of the current form version, in order.")
    async def fields(self, info: strawberry.Info) -> list[FormField]:
        stored = await info.context.loaders.catalog.form_version_fields.load(
            (self.pk, self.form_version)
        )
        return [form_field_from_json(item, self.pk) for item in stored or []]

    @strawberry.field(
        description="Priority a request gets when nothing else decides it; null: the scheme's."
    )
    async def default_priority(self, info: strawberry.Info) -> PriorityLevel | None:
        if self.default_priority_key is None:
            return None
        level = (await _active_scheme(info)).level(self.default_priority_key)
        return PriorityLevel.from_domain(level) if level else None

    @strawberry.field(
        description="Team its requests are routed to (agents and admins; null for customers)."
    )
    async def team(self, info: strawberry.Info) -> Team | None:
        if self.team_id is None or not policies.can_see_teams(info.context.viewer):
            return None
        row = await info.context.loaders.team.load(self.team_id)
        return Team.from_row(row) if row else None

    @strawberry.field(description="The category it is listed in.")
    async def category(self, info: strawberry.Info) -> RequestCategory:
        row = await info.context.loaders.catalog.category.load(self.category_id)
        return RequestCategory.from_row(row)


@strawberry.type(description="A group of request types on the portal, e.g. Support.")
class RequestCategory(Node):
    pk: Private[int]
    name: str = strawberry.field(description="Name, unique.")
    description: str = strawberry.field(description="What it groups, shown to customers.")
    position: int = strawberry.field(description="Place on the portal, from 0.")
    archived: bool = strawberry.field(description="Archived categories are hidden from customers.")

    @classmethod
    def from_row(cls, row: Any) -> RequestCategory:
        return cls(
            id=encode_id("RequestCategory", row.id),
            pk=row.id,
            name=row.name,
            description=row.description,
            position=row.position,
            archived=row.archived_at is not None,
        )

    @strawberry.field(description="Its request types, in order (not archived ones, by default).")
    async def request_types(
        self, info: strawberry.Info, include_archived: IncludeArchived = False
    ) -> list[RequestType]:
        _forbid_archived(info, include_archived)
        rows = await info.context.loaders.catalog.request_types_of_category.load(
            (self.pk, include_archived)
        )
        return [RequestType.from_row(r) for r in rows]


@strawberry.type(description="The customer portal: what can be requested, and how.")
class Portal:
    name: str = strawberry.field(description="The portal's name.")
    priority_scheme: PriorityScheme = strawberry.field(
        description="The active priority scheme; says whether customers may choose a priority."
    )

    @strawberry.field(
        description="Categories in order; by default only those with request types you can use."
    )
    async def categories(
        self, info: strawberry.Info, include_archived: IncludeArchived = False
    ) -> list[RequestCategory]:
        _forbid_archived(info, include_archived)
        rows = await info.context.loaders.catalog.categories.load(include_archived)
        return [RequestCategory.from_row(r) for r in rows]

    @strawberry.field(description="The schemes an admin can switch to (`prioritySchemeSet`).")
    def available_priority_schemes(self) -> list[PriorityScheme]:
        return [PriorityScheme.from_domain(s) for s in prio.BUILTIN_SCHEMES.values()]


async def load_portal(info: strawberry.Info) -> Portal:
    settings = await info.context.loaders.catalog.settings.load(1)
    scheme = scheme_by_key(settings.priority_scheme_key if settings else prio.DEFAULT.key)
    return Portal(
        name=settings.name if settings else "Frontdesk",
        priority_scheme=PriorityScheme.from_domain(scheme),
    )


# Types reachable only through the FormField interface: the schema must be told about them.
CATALOG_TYPES: list[type] = [
    RequestCategory,
    RequestType,
    TextField,
    TextareaField,
    NumberField,
    DateField,
    DateTimeField,
    SelectField,
    MultiSelectField,
    CheckboxField,
    EmailField,
    UrlField,
    AttachmentField,
    AssetField,
    UserField,
]
