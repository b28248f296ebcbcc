"""The request catalog: categories, request types, their versioned forms, the priority scheme.

Submission reads here too: form versions, cached per process (`form_snapshot`). Which types
can be used (neither they nor their category archived) is read with the rest of a submission,
in one statement (backend/domain/submission_statements.py).

Writing side (admin mutations), choices worth knowing:

* Every change of a request type's form (create, update, archive, reorder a field) validates
  the whole resulting form with :func:`validate_field_definitions` and, when the form really
  changed, writes a new :class:`FormVersion` (previous + 1) and bumps
  ``RequestType.form_version`` in the same transaction. A change that leaves the form as it was
  (e.g. the same order again, or editing an archived field) writes no version: a version is a
  different form, not a save button press.
* Positions are renumbered 0..n-1 on every write, so they stay dense and ordered.
* Reorders name items in the wanted order; items left out keep their relative order and
  follow the named ones (a client may move one item by naming the items before it).
* Field keys are unique per request type, archived fields included (old versions and the
  requests submitted with them still use the key), and immutable.
* Request type names are unique in the portal (as in Jira Service Management, one portal is one
  project), category names too; both compared case-insensitively.
* Switching the priority scheme clears request types' default priorities that are not levels of
  the new scheme: ``defaultPriority`` is always a level of the active scheme.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.db.models import (
    FormField,
    FormVersion,
    IssueType,
    PortalSettings,
    RequestCategory,
    RequestType,
    Team,
)
from backend.domain.conditions import Condition, is_blank
from backend.domain.errors import DomainError, Problem, not_found
from backend.domain.forms import (
    FieldKind,
    FieldOption,
    FieldSpec,
    validate_field_definitions,
    validate_value,
)
from backend.domain.names import name_taken
from backend.domain.priority import BUILTIN_SCHEMES, DEFAULT, PriorityScheme


def specs_of(fields: Sequence[dict[str, Any]]) -> list[FieldSpec]:
    """The FieldSpecs of a stored form version (its JSON also carries each field's id)."""
    return [FieldSpec.from_dict({k: v for k, v in f.items() if k != "id"}) for f in fields]


async def current_form_version(session: AsyncSession, request_type: RequestType) -> FormVersion:
    version = await session.scalar(
        select(FormVersion).where(
            FormVersion.request_type_id == request_type.id,
            FormVersion.version == request_type.form_version,
        )
    )
    if version is None:  # every request type is created with version 1 (see create_request_type)
        raise LookupError(f"request type {request_type.id} has no form version")
    return version


@dataclass(frozen=True, slots=True)
class FormSnapshot:
    """A form version as submissions use it: its stored JSON and parsed specs."""

    id: int
    request_type_id: int
    version: int
    fields: tuple[dict[str, Any], ...]  # as stored (each field's id included)
    specs: tuple[FieldSpec, ...]


# Form versions are never updated or deleted (a change of form is a new version), so a version
# read once serves every later submission of this process: no statement, no JSON decoding, no
# spec parsing. One cache per connection pool, i.e. per database: ids are per database.
_FORM_CACHE: WeakKeyDictionary[Any, dict[int, FormSnapshot]] = WeakKeyDictionary()
MAX_CACHED_FORMS = 1000


async def form_snapshot(
    session: AsyncSession, form_version_id: int, *, request_type_id: int, version: int
) -> FormSnapshot:
    """The form version `form_version_id`, which the caller read as `version` of request type
    `request_type_id` in its transaction (a cached entry must agree, or it is read again)."""
    cache = _FORM_CACHE.setdefault(session.sync_session.get_bind().pool, {})
    cached = cache.get(form_version_id)
    if cached is not None and (cached.request_type_id, cached.version) == (
        request_type_id,
        version,
    ):
        return cached
    fields = await session.scalar(
        select(FormVersion.fields).where(FormVersion.id == form_version_id)
    )
    if fields is None:  # the caller just read the id; only a broken database gets here
        raise LookupError(f"form version {form_version_id} is missing")
    snapshot = FormSnapshot(
        form_version_id, request_type_id, version, tuple(fields), tuple(specs_of(fields))
    )
    if len(cache) >= MAX_CACHED_FORMS:  # bounded; forms in use are read again at once
        cache.clear()
    cache[form_version_id] = snapshot
    return snapshot


def scheme_by_key(key: str) -> PriorityScheme:
    return BUILTIN_SCHEMES.get(key, DEFAULT)


async def active_priority_scheme(session: AsyncSession) -> PriorityScheme:
    key = await session.scalar(
        select(PortalSettings.priority_scheme_key).where(PortalSettings.id == 1)
    )
    return scheme_by_key(key or DEFAULT.key)


# ---- limits (every input is bounded, even where the database column is TEXT)

MAX_NAME = 100
MAX_DESCRIPTION = 2000
ICON_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
MAX_FIELDS = 100
MAX_LABEL = 200
MAX_HELP_TEXT = 1000
MAX_OPTIONS = 200
MAX_OPTION_TEXT = 200
MAX_CONDITIONS = 20
MAX_CONDITION_VALUES = 200
MAX_PATTERN = 500
MAX_REORDER = 1000


def _text_problems(
    value: str, path: str, what: str, limit: int, *, required: bool
) -> list[Problem]:
    if required and not value.strip():
        return [Problem((path,), "REQUIRED", f"{what} is required.")]
    if len(value) > limit:
        return [Problem((path,), "TOO_LONG", f"{what}: at most {limit} characters, please.")]
    return []


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise DomainError(problems)


def _renumber(rows: Sequence[Any]) -> None:
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position


def _reorder_ids(current: Sequence[Any], wanted: Sequence[int], *, path: str = "ids") -> list[Any]:
    """``current`` rows in the order of ``wanted`` ids; unnamed rows follow in their order."""
    problems: list[Problem] = []
    if len(wanted) > MAX_REORDER:
        raise DomainError.single(path, "TOO_MANY", f"At most {MAX_REORDER} ids at once.")
    by_id = {row.id: row for row in current}
    seen: set[int] = set()
    for i, pk in enumerate(wanted):
        if pk not in by_id:
            problems.append(Problem((path, str(i)), "NOT_FOUND", "Not one of the items to order."))
        elif pk in seen:
            problems.append(Problem((path, str(i)), "DUPLICATE_ID", "Named more than once."))
        seen.add(pk)
    _raise(problems)
    return [by_id[pk] for pk in wanted] + [row for row in current if row.id not in seen]


# ---- categories


async def _category_name_problems(
    session: AsyncSession, name: str, except_id: int | None
) -> list[Problem]:
    problems = _text_problems(name, "name", "Name", MAX_NAME, required=True)
    if problems:
        return problems
    if await name_taken(session, RequestCategory.name, name, except_id=except_id):
        return [Problem(("name",), "NAME_TAKEN", "A category with this name exists.")]
    return []


async def get_category(
    session: AsyncSession, category_id: int, path: str = "id"
) -> RequestCategory:
    category = await session.get(RequestCategory, category_id)
    if category is None:
        raise not_found(path, "Category")
    return category


async def create_category(
    session: AsyncSession, *, name: str, description: str = ""
) -> RequestCategory:
    problems = await _category_name_problems(session, name, None)
    problems += _text_problems(
        description, "description", "Description", MAX_DESCRIPTION, required=False
    )
    _raise(problems)
    last = await session.scalar(select(func.max(RequestCategory.position)))
    category = RequestCategory(
        name=name.strip(),
        description=description.strip(),
        position=(last + 1) if last is not None else 0,
    )
    session.add(category)
    await session.flush()
    return category


async def update_category(
    session: AsyncSession,
    category: RequestCategory,
    *,
    name: str | None = None,
    description: str | None = None,
    archived: bool | None = None,
) -> RequestCategory:
    problems: list[Problem] = []
    if name is not None:
        problems += await _category_name_problems(session, name, category.id)
    if description is not None:
        problems += _text_problems(
            description, "description", "Description", MAX_DESCRIPTION, required=False
        )
    _raise(problems)
    if name is not None:
        category.name = name.strip()
    if description is not None:
        category.description = description.strip()
    if archived is not None and archived != (category.archived_at is not None):
        # Archiving hides the category and its types from customers; nothing is deleted, so
        # requests raised with its types keep showing them.
        category.archived_at = utcnow() if archived else None
    await session.flush()
    return category


async def reorder_categories(session: AsyncSession, ids: Sequence[int]) -> list[RequestCategory]:
    current = list(
        await session.scalars(
            select(RequestCategory).order_by(RequestCategory.position, RequestCategory.id)
        )
    )
    ordered = _reorder_ids(current, ids)
    _renumber(ordered)
    await session.flush()
    return ordered


# ---- request types


async def _type_name_problems(
    session: AsyncSession, name: str, except_id: int | None
) -> list[Problem]:
    problems = _text_problems(name, "name", "Name", MAX_NAME, required=True)
    if problems:
        return problems
    if await name_taken(session, RequestType.name, name, except_id=except_id):
        return [Problem(("name",), "NAME_TAKEN", "A request type with this name exists.")]
    return []


def _icon_problems(icon: str) -> list[Problem]:
    if not ICON_PATTERN.fullmatch(icon):
        return [
            Problem(
                ("icon",),
                "INVALID_ICON",
                "An icon name is 1 to 40 characters of a-z, 0-9, '-' and '_'.",
            )
        ]
    return []


async def _priority_problems(session: AsyncSession, key: str | None) -> list[Problem]:
    if key is None:
        return []
    scheme = await active_priority_scheme(session)
    if scheme.level(key) is None:
        levels = ", ".join(lv.key for lv in scheme.levels)
        return [
            Problem(
                ("defaultPriorityKey",),
                "UNKNOWN_PRIORITY",
                f"'{key}' is not a level of the priority scheme ({levels}).",
            )
        ]
    return []


async def _team_problems(session: AsyncSession, team_id: int | None) -> list[Problem]:
    if team_id is not None and await session.get(Team, team_id) is None:
        return [Problem(("teamId",), "NOT_FOUND", "Team not found.")]
    return []


async def _next_type_position(session: AsyncSession, category_id: int) -> int:
    last = await session.scalar(
        select(func.max(RequestType.position)).where(RequestType.category_id == category_id)
    )
    return (last + 1) if last is not None else 0


async def lock_request_type(
    session: AsyncSession, request_type_id: int, path: str = "id"
) -> RequestType:
    """The request type, locked: form changes of one type are serialised (PostgreSQL row
    lock; SQLite writers are serialised by BEGIN IMMEDIATE anyway), so two admins never
    write the same version number."""
    request_type = await session.scalar(
        select(RequestType).where(RequestType.id == request_type_id).with_for_update()
    )
    if request_type is None:
        raise not_found(path, "Request type")
    return request_type


async def create_request_type(
    session: AsyncSession,
    *,
    category_id: int,
    name: str,
    description: str = "",
    icon: str = "help",
    issue_type: IssueType = IssueType.SERVICE_REQUEST,
    default_priority_key: str | None = None,
    team_id: int | None = None,
) -> RequestType:
    """A new request type at the end of its category, with form version 1 (no fields)."""
    await get_category(session, category_id, "categoryId")
    problems = await _type_name_problems(session, name, None)
    problems += _text_problems(
        description, "description", "Description", MAX_DESCRIPTION, required=False
    )
    problems += _icon_problems(icon)
    problems += await _priority_problems(session, default_priority_key)
    problems += await _team_problems(session, team_id)
    _raise(problems)
    request_type = RequestType(
        category_id=category_id,
        name=name.strip(),
        description=description.strip(),
        icon=icon,
        issue_type=IssueType(issue_type).value,
        default_priority_key=default_priority_key,
        team_id=team_id,
        position=await _next_type_position(session, category_id),
        form_version=1,
    )
    session.add(request_type)
    await session.flush()
    session.add(FormVersion(request_type_id=request_type.id, version=1, fields=[]))
    await session.flush()
    return request_type


# Marks "leave as it is" where None is a meaningful new value (clearing a team or a default).
KEEP: Any = type("Keep", (), {"__repr__": lambda self: "KEEP"})()


async def update_request_type(
    session: AsyncSession,
    request_type: RequestType,
    *,
    category_id: int | None = None,
    name: str | None = None,
    description: str | None = None,
    icon: str | None = None,
    issue_type: IssueType | None = None,
    default_priority_key: str | None = KEEP,
    team_id: int | None = KEEP,
    archived: bool | None = None,
) -> RequestType:
    problems: list[Problem] = []
    if category_id is not None and category_id != request_type.category_id:
        await get_category(session, category_id, "categoryId")
    if name is not None:
        problems += await _type_name_problems(session, name, request_type.id)
    if description is not None:
        problems += _text_problems(
            description, "description", "Description", MAX_DESCRIPTION, required=False
        )
    if icon is not None:
        problems += _icon_problems(icon)
    if default_priority_key is not KEEP:
        problems += await _priority_problems(session, default_priority_key)
    if team_id is not KEEP:
        problems += await _team_problems(session, team_id)
    _raise(problems)

    if category_id is not None and category_id != request_type.category_id:
        # Moved types go to the end of their new category.
        request_type.position = await _next_type_position(session, category_id)
        request_type.category_id = category_id
    if name is not None:
        request_type.name = name.strip()
    if description is not None:
        request_type.description = description.strip()
    if icon is not None:
        request_type.icon = icon
    if issue_type is not None:
        request_type.issue_type = IssueType(issue_type).value
    if default_priority_key is not KEEP:
        request_type.default_priority_key = default_priority_key
    if team_id is not KEEP:
        request_type.team_id = team_id
    if archived is not None and archived != (request_type.archived_at is not None):
        request_type.archived_at = utcnow() if archived else None
    await session.flush()
    return request_type


async def reorder_request_types(
    session: AsyncSession, category: RequestCategory, ids: Sequence[int]
) -> list[RequestType]:
    current = list(
        await session.scalars(
            select(RequestType)
            .where(RequestType.category_id == category.id)
            .order_by(RequestType.position, RequestType.id)
        )
    )
    ordered = _reorder_ids(current, ids)
    _renumber(ordered)
    await session.flush()
    return ordered


# ---- form fields


@dataclass(frozen=True, slots=True)
class Constraints:
    """A field's kind-specific constraints as an admin sets them (None: not set)."""

    min_value: int | float | str | None = None
    max_value: int | float | str | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    integer_only: bool = False
    min_selected: int | None = None
    max_selected: int | None = None
    max_files: int | None = None
    max_file_size: int | None = None

    @classmethod
    def of(cls, spec: FieldSpec) -> Constraints:
        return cls(**{f.name: getattr(spec, f.name) for f in dataclasses.fields(cls)})


# Paths of validate_field_definitions (camelCase attribute) -> the mutation input's path.
_INPUT_PATHS: dict[str, tuple[str, ...]] = {
    "label": ("label",),
    "options": ("options",),
    "default": ("defaultValue",),
    "conditions": ("conditions",),
    "minValue": ("constraints", "min"),
    "maxValue": ("constraints", "max"),
    "minLength": ("constraints", "minLength"),
    "maxLength": ("constraints", "maxLength"),
    "pattern": ("constraints", "pattern"),
    "integerOnly": ("constraints", "integerOnly"),
    "minSelected": ("constraints", "minSelected"),
    "maxSelected": ("constraints", "maxSelected"),
    "maxFiles": ("constraints", "maxFiles"),
    "maxFileSize": ("constraints", "maxFileSize"),
}


def _field_problem_mapper(edited_key: str | None) -> Callable[[Problem], Problem]:
    """Map a form-definition problem to the input of a mutation that edits one field."""

    def map_problem(p: Problem) -> Problem:
        if len(p.path) < 2 or p.path[0] != "fields":
            return p
        key, rest = p.path[1], p.path[2:]
        if edited_key is None:  # a reorder: the order is the only input
            return Problem(("ids",), p.code, p.message)
        if key == edited_key:
            if not rest:
                return Problem(("key",), p.code, p.message)
            base = _INPUT_PATHS.get(rest[0], (rest[0],))
            return Problem((*base, *rest[1:]), p.code, p.message)
        # Another field's problem caused by this change: a cycle through this field's
        # conditions, or a condition on an option value this field no longer offers.
        if p.code == "CONDITION_CYCLE":
            return Problem(("conditions",), p.code, p.message)
        if p.code == "INVALID_CONDITION_VALUE":
            return Problem(("options",), p.code, p.message)
        return Problem((), p.code, f"Field '{key}': {p.message}")

    return map_problem


def spec_of_row(row: FormField) -> FieldSpec:
    """The current definition of a field row (the row's key and position win)."""
    return FieldSpec.from_dict({**row.spec, "key": row.key, "position": row.position})


def _definition_problems(
    *,
    label: str | None,
    help_text: str | None,
    options: Sequence[FieldOption] | None,
    constraints: Constraints | None,
    conditions: Sequence[Condition] | None,
) -> list[Problem]:
    """Size limits of one field's input (the form-level rules live in domain/forms)."""
    problems: list[Problem] = []
    if label is not None:
        problems += _text_problems(label, "label", "Label", MAX_LABEL, required=True)
    if help_text is not None:
        problems += _text_problems(
            help_text, "helpText", "Help text", MAX_HELP_TEXT, required=False
        )
    if options is not None:
        if len(options) > MAX_OPTIONS:
            problems.append(
                Problem(("options",), "TOO_MANY", f"At most {MAX_OPTIONS} options, please.")
            )
        for i, o in enumerate(options):
            if len(o.value) > MAX_OPTION_TEXT or len(o.label) > MAX_OPTION_TEXT:
                problems.append(
                    Problem(
                        ("options", str(i)),
                        "TOO_LONG",
                        f"Option values and labels: at most {MAX_OPTION_TEXT} characters.",
                    )
                )
            elif not o.label.strip():
                problems.append(Problem(("options", str(i)), "REQUIRED", "Options need a label."))
    if constraints is not None and constraints.pattern is not None:
        if len(constraints.pattern) > MAX_PATTERN:
            problems.append(
                Problem(
                    ("constraints", "pattern"),
                    "TOO_LONG",
                    f"Patterns: at most {MAX_PATTERN} characters.",
                )
            )
    if conditions is not None:
        if len(conditions) > MAX_CONDITIONS:
            problems.append(
                Problem(
                    ("conditions",), "TOO_MANY", f"At most {MAX_CONDITIONS} conditions, please."
                )
            )
        for i, c in enumerate(conditions):
            if len(c.values) > MAX_CONDITION_VALUES or any(
                len(v) > MAX_OPTION_TEXT for v in c.values
            ):
                problems.append(
                    Problem(("conditions", str(i)), "TOO_MANY", "Too many or too long values.")
                )
    return problems


def _normalised_default(spec: FieldSpec) -> FieldSpec:
    """Blank defaults behave like none, so store none; valid ones in their normal form
    (dates in UTC, options in option order) so the stored form reads the same everywhere."""
    if spec.default is None or spec.kind is FieldKind.ATTACHMENT:
        return spec
    if is_blank(spec.default):
        return dataclasses.replace(spec, default=None)
    value, problems = validate_value(spec, spec.default)
    if problems:
        return spec  # reported by validate_field_definitions
    return dataclasses.replace(spec, default=value)


async def _fields_of(session: AsyncSession, request_type_id: int) -> list[FormField]:
    # Called after the request type is locked; populate_existing refreshes rows loaded before
    # the lock (the edited field), so a concurrent admin's committed change is not overwritten.
    return list(
        await session.scalars(
            select(FormField)
            .where(FormField.request_type_id == request_type_id)
            .order_by(FormField.position, FormField.id)
            .execution_options(populate_existing=True)
        )
    )


async def _save_form(
    session: AsyncSession,
    request_type: RequestType,
    active: list[tuple[FormField, FieldSpec]],
    map_problem: Callable[[Problem], Problem],
) -> FormVersion | None:
    """Validate the whole resulting form, then store its fields and, if the form changed, a
    new version. ``active``: the non-archived fields in their new order, with their specs
    (rows may be new and not yet added). Raises DomainError before writing anything."""
    if len(active) > MAX_FIELDS:
        raise DomainError.single(None, "TOO_MANY_FIELDS", f"At most {MAX_FIELDS} fields a form.")
    specs = [dataclasses.replace(spec, position=i) for i, (_, spec) in enumerate(active)]
    _raise([map_problem(p) for p in validate_field_definitions(specs)])

    for (row, _), spec in zip(active, specs, strict=True):
        row.position = spec.position
        row.spec = spec.to_dict()
        session.add(row)
    await session.flush()

    fields_json = [
        {"id": row.id, **spec.to_dict()} for (row, _), spec in zip(active, specs, strict=True)
    ]
    current = await current_form_version(session, request_type)
    if current.fields == fields_json:
        return None
    version = FormVersion(
        request_type_id=request_type.id,
        version=request_type.form_version + 1,
        fields=fields_json,
    )
    session.add(version)
    request_type.form_version = version.version
    await session.flush()
    return version


def _active(rows: Sequence[FormField]) -> list[FormField]:
    return [r for r in rows if r.archived_at is None]


async def create_form_field(
    session: AsyncSession,
    request_type: RequestType,
    *,
    key: str,
    kind: FieldKind,
    label: str,
    help_text: str = "",
    required: bool = False,
    default: object = None,
    options: Sequence[FieldOption] = (),
    constraints: Constraints | None = None,
    conditions: Sequence[Condition] = (),
) -> FormField:
    """A new field at the end of the form; writes a new form version."""
    constraints = constraints or Constraints()
    _raise(
        _definition_problems(
            label=label,
            help_text=help_text,
            options=options,
            constraints=constraints,
            conditions=conditions,
        )
    )
    rows = await _fields_of(session, request_type.id)
    taken = next((r for r in rows if r.key == key), None)
    if taken is not None:
        state = " an archived field" if taken.archived_at is not None else " another field"
        raise DomainError.single(
            "key", "DUPLICATE_KEY", f"Key '{key}' is used by{state} of this request type."
        )
    spec = _normalised_default(
        FieldSpec(
            key=key,
            kind=FieldKind(kind),
            label=label.strip(),
            required=required,
            help_text=help_text.strip(),
            default=default,
            options=tuple(options),
            conditions=tuple(conditions),
            **dataclasses.asdict(constraints),
        )
    )
    row = FormField(request_type_id=request_type.id, key=key, spec={})
    active = [(r, spec_of_row(r)) for r in _active(rows)] + [(row, spec)]
    await _save_form(session, request_type, active, _field_problem_mapper(key))
    return row


async def get_form_field(session: AsyncSession, field_id: int, path: str = "id") -> FormField:
    row = await session.get(FormField, field_id)
    if row is None:
        raise not_found(path, "Field")
    return row


async def update_form_field(
    session: AsyncSession,
    request_type: RequestType,
    row: FormField,
    *,
    kind: FieldKind | None = None,
    label: str | None = None,
    help_text: str | None = None,
    required: bool | None = None,
    default: object = KEEP,
    options: Sequence[FieldOption] | None = None,
    constraints: Constraints | None = None,
    conditions: Sequence[Condition] | None = None,
    archived: bool | None = None,
) -> FormField:
    """Change a field (None / KEEP: as it is; options, constraints and conditions are
    replaced as a whole). Archiving keeps the row: old versions still use its key. Unarchiving
    puts it at the end of the form. Writes a new form version when the form changed."""
    _raise(
        _definition_problems(
            label=label,
            help_text=help_text,
            options=options,
            constraints=constraints,
            conditions=conditions,
        )
    )
    rows = await _fields_of(session, request_type.id)
    row = next(r for r in rows if r.id == row.id)  # the instance _fields_of loaded
    old = spec_of_row(row)
    changes: dict[str, Any] = {}
    if kind is not None:
        changes["kind"] = FieldKind(kind)
    if label is not None:
        changes["label"] = label.strip()
    if help_text is not None:
        changes["help_text"] = help_text.strip()
    if required is not None:
        changes["required"] = required
    if default is not KEEP:
        changes["default"] = default
    if options is not None:
        changes["options"] = tuple(options)
    if constraints is not None:
        changes.update(dataclasses.asdict(constraints))
    if conditions is not None:
        changes["conditions"] = tuple(conditions)
    spec = _normalised_default(dataclasses.replace(old, **changes))

    was_archived = row.archived_at is not None
    archive = was_archived if archived is None else archived
    others = [r for r in _active(rows) if r.id != row.id]
    if archive and not was_archived:
        users = sorted(
            r.key for r in others if any(c.field_key == row.key for c in spec_of_row(r).conditions)
        )
        if users:
            raise DomainError.single(
                "archived",
                "FIELD_IN_USE",
                f"Conditions of {', '.join(users)} depend on this field; change them first.",
            )
    row.archived_at = (row.archived_at or utcnow()) if archive else None

    if archive:
        # An archived field is not part of the form: store its new definition, keep the rest.
        row.spec = spec.to_dict()
        active = [(r, spec_of_row(r)) for r in others]
    else:
        active = [(r, spec if r.id == row.id else spec_of_row(r)) for r in _active(rows)]
        if was_archived:
            active = [*(pair for pair in active if pair[0].id != row.id), (row, spec)]
    await _save_form(session, request_type, active, _field_problem_mapper(row.key))
    return row


async def reorder_form_fields(
    session: AsyncSession, request_type: RequestType, ids: Sequence[int]
) -> FormVersion | None:
    rows = await _fields_of(session, request_type.id)
    archived = {r.id for r in rows if r.archived_at is not None}
    bad = [i for i, pk in enumerate(ids) if pk in archived]
    if bad:
        raise DomainError(
            Problem(("ids", str(i)), "FIELD_ARCHIVED", "Archived fields have no place in the form.")
            for i in bad
        )
    ordered = _reorder_ids(_active(rows), ids)
    return await _save_form(
        session, request_type, [(r, spec_of_row(r)) for r in ordered], _field_problem_mapper(None)
    )


# ---- priority scheme


async def portal_settings(session: AsyncSession) -> PortalSettings:
    settings = await session.get(PortalSettings, 1)
    if settings is None:  # migration 0002 inserts the row; keep working if someone removed it
        settings = PortalSettings(id=1, name="Frontdesk", priority_scheme_key=DEFAULT.key)
        session.add(settings)
        await session.flush()
    return settings


async def set_priority_scheme(session: AsyncSession, key: str) -> PriorityScheme:
    scheme = BUILTIN_SCHEMES.get(key)
    if scheme is None:
        known = ", ".join(BUILTIN_SCHEMES)
        raise DomainError.single("key", "UNKNOWN_SCHEME", f"Unknown scheme '{key}' ({known}).")
    settings = await portal_settings(session)
    settings.priority_scheme_key = scheme.key
    # Defaults that name no level of the new scheme would be ignored silently; clear them so
    # what admins see is what applies.
    await session.execute(
        update(RequestType)
        .where(
            RequestType.default_priority_key.is_not(None),
            RequestType.default_priority_key.not_in([lv.key for lv in scheme.levels]),
        )
        .values(default_priority_key=None)
    )
    await session.flush()
    return scheme
