"""Demo request catalog: categories, request types and forms a service provider would
recognise, with fields of every kind and conditional fields. Idempotent: categories and request
types are found by name and created only when missing (an existing type keeps its form).

Everything goes through domain/catalog, so the demo form passes the same checks as an admin's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.config import Settings
from backend.db.models import IssueType, RequestCategory, RequestType, Team
from backend.domain import catalog
from backend.domain.catalog import Constraints
from backend.domain.conditions import Condition, ConditionEffect, ConditionOperator
from backend.domain.forms import FieldKind, FieldOption

K = FieldKind
MB = 1024 * 1024


@dataclass(frozen=True)
class DemoField:
    key: str
    kind: FieldKind
    label: str
    help_text: str = ""
    required: bool = False
    default: Any = None
    options: tuple[tuple[str, str], ...] = ()
    constraints: Constraints = field(default_factory=Constraints)
    conditions: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class DemoType:
    name: str
    description: str
    icon: str
    team: str
    fields: tuple[DemoField, ...]
    issue_type: IssueType = IssueType.SERVICE_REQUEST
    default_priority: str | None = None


def shown_when(key: str, *values: str) -> Condition:
    return Condition(ConditionEffect.SHOW, key, ConditionOperator.IN, values)


def required_when(key: str, *values: str) -> Condition:
    return Condition(ConditionEffect.REQUIRE, key, ConditionOperator.IN, values)


REPORT_A_BUG = DemoType(
    "Report a bug",
    "Something in the product does not work as it should.",
    "bug",
    "Support",
    (
        DemoField(
            "environment",
            K.SELECT,
            "Environment",
            "Where did it happen?",
            required=True,
            default="production",
            options=(
                ("production", "Production"),
                ("staging", "Staging"),
                ("development", "Development"),
            ),
        ),
        DemoField(
            "severity_detail",
            K.TEXT,
            "Who is affected in production?",
            "E.g. all candidates of today's exam session, or one admin account.",
            required=True,
            constraints=Constraints(max_length=200),
            conditions=(shown_when("environment", "production"),),
        ),
        DemoField(
            "affected_url",
            K.URL,
            "Affected page",
            "Copy the address from your browser's address bar.",
        ),
        DemoField(
            "steps",
            K.TEXTAREA,
            "Steps to reproduce",
            "What did you do, what happened, and what did you expect?",
            required=True,
            constraints=Constraints(min_length=10, max_length=5000),
        ),
        DemoField(
            "screenshot",
            K.ATTACHMENT,
            "Screenshots",
            "Up to 3 images or PDFs, 10 MB each.",
            constraints=Constraints(max_files=3, max_file_size=10 * MB),
        ),
    ),
    default_priority="P3",
)

ASK_A_QUESTION = DemoType(
    "Ask a question",
    "How do I ...? Questions about using the product.",
    "question",
    "Support",
    (
        DemoField(
            "topic",
            K.SELECT,
            "Topic",
            required=True,
            options=(
                ("account", "Account and sign-in"),
                ("exams", "Exams and results"),
                ("integrations", "Integrations and API"),
                ("other", "Something else"),
            ),
        ),
        DemoField(
            "question",
            K.TEXTAREA,
            "Your question",
            "The more context, the faster the answer.",
            required=True,
            constraints=Constraints(min_length=10),
        ),
        DemoField(
            "api_client",
            K.TEXT,
            "API client ID",
            "Shown under Settings > API; looks like CL-1234.",
            constraints=Constraints(pattern=r"CL-[0-9]{4}"),
            conditions=(shown_when("topic", "integrations"),),
        ),
    ),
)

REQUEST_TRAINING = DemoType(
    "Request training",
    "Training sessions for your administrators or examiners.",
    "school",
    "Sales",
    (
        DemoField(
            "training_topic",
            K.SELECT,
            "Training",
            required=True,
            options=(
                ("admin", "Administration basics"),
                ("authoring", "Exam authoring"),
                ("reporting", "Reporting and analytics"),
            ),
        ),
        DemoField(
            "participants",
            K.NUMBER,
            "Participants",
            "How many people will attend?",
            required=True,
            default=5,
            constraints=Constraints(min_value=1, max_value=50, integer_only=True),
        ),
        DemoField(
            "format",
            K.SELECT,
            "Format",
            default="remote",
            options=(("remote", "Remote (video call)"), ("onsite", "On site")),
        ),
        DemoField(
            "location",
            K.TEXT,
            "Address for the on-site training",
            required=True,
            conditions=(shown_when("format", "onsite"),),
        ),
        DemoField(
            "preferred_date",
            K.DATE,
            "Preferred date",
            "We confirm the date within two working days.",
            constraints=Constraints(min_value="2025-01-01"),
        ),
    ),
)

REQUEST_AN_ADD_ON = DemoType(
    "Request an add-on",
    "Extra modules or seats for your subscription.",
    "extension",
    "Sales",
    (
        DemoField(
            "add_on",
            K.SELECT,
            "Add-on",
            required=True,
            options=(
                ("proctoring", "Remote proctoring"),
                ("sso", "Single sign-on"),
                ("analytics", "Advanced analytics"),
            ),
        ),
        DemoField(
            "seats",
            K.NUMBER,
            "Seats",
            constraints=Constraints(min_value=1, max_value=10000, integer_only=True),
        ),
        DemoField(
            "billing_contact",
            K.EMAIL,
            "Billing contact",
            "Who receives the quote and the invoice?",
            required=True,
        ),
    ),
)

REQUEST_A_QUOTA_INCREASE = DemoType(
    "Request a quota increase",
    "More storage, API calls or candidates per month than your plan includes.",
    "trending-up",
    "Billing",
    (
        DemoField(
            "resource",
            K.SELECT,
            "Resource",
            required=True,
            options=(
                ("storage", "Storage (GB)"),
                ("api_calls", "API calls per day (thousands)"),
                ("candidates", "Candidates per month"),
            ),
        ),
        DemoField(
            "amount",
            K.NUMBER,
            "Additional amount",
            "Whole units of the resource, 1 to 1000.",
            required=True,
            constraints=Constraints(min_value=1, max_value=1000, integer_only=True),
        ),
        DemoField(
            "cost_centre",
            K.TEXT,
            "Cost centre",
            "Format AB-1234; needed for candidate quotas.",
            constraints=Constraints(pattern=r"[A-Z]{2}-[0-9]{4}"),
            conditions=(required_when("resource", "candidates"),),
        ),
        DemoField(
            "accept_cost",
            K.CHECKBOX,
            "I accept the extra cost",
            "The increase is billed from the next invoice at your plan's rate.",
            required=True,
        ),
    ),
)

STAFF_ONBOARDING = DemoType(
    "Staff onboarding",
    "Accounts, equipment and a welcome meeting for a new colleague.",
    "person-add",
    "Support",
    (
        DemoField("employee_name", K.TEXT, "New colleague's name", required=True),
        DemoField(
            "employee_email",
            K.EMAIL,
            "Work e-mail address",
            "The address the accounts are created for.",
            required=True,
        ),
        DemoField("start_date", K.DATE, "Start date", required=True),
        DemoField("manager", K.USER, "Manager", "Who approves access requests?"),
        DemoField("laptop", K.ASSET, "Laptop", "Pick a laptop from your organisation's pool."),
        DemoField(
            "software",
            K.MULTI_SELECT,
            "Software",
            "Everything the colleague needs on day one.",
            default=["office", "chat"],
            options=(
                ("office", "Office suite"),
                ("chat", "Team chat"),
                ("vpn", "VPN"),
                ("design", "Design tools"),
                ("dev", "Developer tools"),
            ),
            constraints=Constraints(max_selected=5),
        ),
        DemoField(
            "vpn_reason",
            K.TEXTAREA,
            "Why is VPN access needed?",
            required=True,
            conditions=(shown_when("software", "vpn"),),
        ),
        DemoField(
            "welcome_meeting",
            K.DATETIME,
            "Welcome meeting",
            "When should we walk the colleague through the accounts?",
        ),
        DemoField("desk_needed", K.CHECKBOX, "Needs a desk in the office", default=False),
    ),
)

SUGGEST_AN_IMPROVEMENT = DemoType(
    "Suggest an improvement",
    "An idea that would make the product better for you.",
    "lightbulb",
    "Support",
    (
        DemoField(
            "area",
            K.SELECT,
            "Area",
            options=(
                ("portal", "Candidate portal"),
                ("authoring", "Exam authoring"),
                ("reporting", "Reporting"),
            ),
        ),
        DemoField(
            "idea",
            K.TEXTAREA,
            "Your idea",
            "What would you like, and what problem would it solve?",
            required=True,
        ),
        DemoField(
            "mockup", K.ATTACHMENT, "Sketch or mock-up", constraints=Constraints(max_files=1)
        ),
        DemoField("contact_me", K.CHECKBOX, "I'm happy to be interviewed about it"),
    ),
    default_priority="P4",
)

REPORT_AN_OUTAGE = DemoType(
    "Report an outage",
    "A service is down or unusable for many people. We respond around the clock.",
    "alert",
    "Support",
    (
        DemoField(
            "affected_services",
            K.MULTI_SELECT,
            "Affected services",
            required=True,
            options=(
                ("portal", "Candidate portal"),
                ("api", "API"),
                ("delivery", "Exam delivery"),
                ("sso", "Single sign-on"),
            ),
            constraints=Constraints(min_selected=1),
        ),
        DemoField(
            "started_at",
            K.DATETIME,
            "Started at",
            "When did you first notice it? Include your time zone.",
            required=True,
        ),
        DemoField(
            "users_affected",
            K.NUMBER,
            "People affected (estimate)",
            constraints=Constraints(min_value=0, integer_only=True),
        ),
        DemoField(
            "exam_running",
            K.CHECKBOX,
            "An exam session is running right now",
            default=False,
        ),
        DemoField(
            "session_contact",
            K.EMAIL,
            "Invigilator on site",
            "Who can we reach during the session?",
            required=True,
            conditions=(shown_when("exam_running", "true"),),
        ),
        DemoField("error_message", K.TEXTAREA, "Error message", "Exactly as shown, if any."),
    ),
    issue_type=IssueType.INCIDENT,
    default_priority="P2",
)

CATALOG: dict[str, tuple[str, tuple[DemoType, ...]]] = {
    "Support": ("Help with using the product.", (REPORT_A_BUG, ASK_A_QUESTION)),
    "Service": (
        "Changes to your accounts, people and plan.",
        (STAFF_ONBOARDING, REQUEST_A_QUOTA_INCREASE),
    ),
    "Sales Support": ("Training and extras.", (REQUEST_TRAINING, REQUEST_AN_ADD_ON)),
    "Feedback": ("Tell us what to improve.", (SUGGEST_AN_IMPROVEMENT,)),
    "Incidents": ("Something is down: we respond around the clock.", (REPORT_AN_OUTAGE,)),
}


async def _by_name(session: AsyncSession, model: Any, name: str) -> Any:
    return await session.scalar(select(model).where(func.lower(model.name) == name.lower()))


async def seed_catalog(session: AsyncSession, settings: Settings) -> None:
    """Create the demo catalog's missing categories and request types (with their forms)."""
    del settings  # same signature as the other seeders; nothing configurable here yet
    scheme = await catalog.active_priority_scheme(session)
    for category_name, (description, demo_types) in CATALOG.items():
        category = await _by_name(session, RequestCategory, category_name)
        if category is None:
            category = await catalog.create_category(
                session, name=category_name, description=description
            )
        for demo in demo_types:
            if await _by_name(session, RequestType, demo.name) is not None:
                continue
            team = await _by_name(session, Team, demo.team)
            # The demo may run after an admin switched schemes: only a level of the active one.
            priority = demo.default_priority if scheme.level(demo.default_priority) else None
            request_type = await catalog.create_request_type(
                session,
                category_id=category.id,
                name=demo.name,
                description=demo.description,
                icon=demo.icon,
                issue_type=demo.issue_type,
                default_priority_key=priority,
                team_id=team.id if team else None,
            )
            for f in demo.fields:
                await catalog.create_form_field(
                    session,
                    request_type,
                    key=f.key,
                    kind=f.kind,
                    label=f.label,
                    help_text=f.help_text,
                    required=f.required,
                    default=f.default,
                    options=[FieldOption(v, label) for v, label in f.options],
                    constraints=f.constraints,
                    conditions=f.conditions,
                )
