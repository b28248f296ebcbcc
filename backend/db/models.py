"""SQLAlchemy models. Enumerations are stored as short strings checked by constraints."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, UTCDateTime, utcnow


class UserRole(StrEnum):
    CUSTOMER = "CUSTOMER"
    AGENT = "AGENT"
    ADMIN = "ADMIN"


class MembershipRole(StrEnum):
    SUPER_USER = "SUPER_USER"
    MEMBER = "MEMBER"


# JSONB on PostgreSQL (indexable, compact), JSON text on SQLite.
JSONType = JSON().with_variant(JSONB(), "postgresql")


def _in_check(column: str, enum: type[StrEnum]) -> str:
    values = ", ".join(f"'{m.value}'" for m in enum)
    return f"{column} IN ({values})"


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(_in_check("role", UserRole), name="role"),
        # Sorting requests by requester or assignee name.
        Index("ix_users_display_name_id", "display_name", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Stored lower-cased: e-mail addresses are unique regardless of case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=UserRole.CUSTOMER.value)
    locale: Mapped[str] = mapped_column(String(35), default="en")
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The requests overview's columns, in order; null: the default set.
    overview_columns: Mapped[list[str] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Organisation(Base):
    __tablename__ = "organisations"
    __table_args__ = (CheckConstraint("super_user_cap >= 1", name="super_user_cap_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    super_user_cap: Mapped[int] = mapped_column(Integer, default=4)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("organisation_id", "user_id"),
        CheckConstraint(_in_check("role", MembershipRole), name="role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=MembershipRole.MEMBER.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TeamMember(Base):
    __tablename__ = "team_members"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuthSession(Base):
    """A sign-in session; the cookie carries a random token, only its hash is stored."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    client_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))


class ApiToken(Base):
    """A bearer token for external systems; shown once, stored as a hash."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PasswordResetToken(Base):
    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MailOutbox(Base):
    """Outgoing mail, written in the transaction that causes it; a sender delivers it later."""

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginAttempt(Base):
    """Failed sign-ins, counted per account and per client address for throttling."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_created_at", "email", "created_at"),
        Index("ix_login_attempts_client_address_created_at", "client_address", "created_at"),
        # Pruning rows past the window.
        Index("ix_login_attempts_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    client_address: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PasswordResetRequest(Base):
    """Password reset requests, counted per e-mail address (known or not) and per client
    address for rate limiting."""

    __tablename__ = "password_reset_requests"
    __table_args__ = (
        Index("ix_password_reset_requests_email_created_at", "email", "created_at"),
        Index(
            "ix_password_reset_requests_client_address_created_at", "client_address", "created_at"
        ),
        Index("ix_password_reset_requests_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    client_address: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditLogEntry(Base):
    """One admin action: who, what, on which object, before and after (secrets left out).
    Written in the transaction of the action; never changed afterwards."""

    __tablename__ = "audit_log_entries"
    __table_args__ = (
        Index("ix_audit_log_entries_created_at", "created_at"),
        # Filters of the audit log query, each with the id for newest-first keyset paging.
        Index("ix_audit_log_entries_target_type_target_id_id", "target_type", "target_id", "id"),
        Index("ix_audit_log_entries_actor_id_id", "actor_id", "id"),
        Index("ix_audit_log_entries_action_id", "action", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Null for the command line and the system; the label says who it was then.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    request_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# ---- catalog


class IssueType(StrEnum):
    INCIDENT = "INCIDENT"
    SERVICE_REQUEST = "SERVICE_REQUEST"


class PortalSettings(Base):
    """The single row of portal-wide settings an admin may change at run time."""

    __tablename__ = "portal_settings"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), default="Frontdesk")
    priority_scheme_key: Mapped[str] = mapped_column(String(40), default="default")


class RequestCategory(Base):
    """A portal group: a funnel to its request types."""

    __tablename__ = "request_categories"
    __table_args__ = (Index("ix_request_categories_position", "position", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RequestType(Base):
    __tablename__ = "request_types"
    __table_args__ = (
        CheckConstraint(_in_check("issue_type", IssueType), name="issue_type"),
        Index("ix_request_types_category_id_position", "category_id", "position", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("request_categories.id"))
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    icon: Mapped[str] = mapped_column(String(40), default="help")
    issue_type: Mapped[str] = mapped_column(String(20), default=IssueType.SERVICE_REQUEST.value)
    default_priority_key: Mapped[str | None] = mapped_column(String(40))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # The version new requests are validated against; bumped by every form change.
    form_version: Mapped[int] = mapped_column(Integer, default=1)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FormField(Base):
    """The current definition of one field; every change also writes a FormVersion."""

    __tablename__ = "form_fields"
    __table_args__ = (UniqueConstraint("request_type_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_type_id: Mapped[int] = mapped_column(ForeignKey("request_types.id"))
    key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # The FieldSpec as JSON (kind, label, constraints, conditions): domain/forms owns its shape.
    spec: Mapped[dict[str, Any]] = mapped_column(JSONType)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FormVersion(Base):
    """An immutable snapshot of a request type's form; a request keeps the one it used."""

    __tablename__ = "form_versions"
    __table_args__ = (UniqueConstraint("request_type_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_type_id: Mapped[int] = mapped_column(ForeignKey("request_types.id"))
    version: Mapped[int] = mapped_column(Integer)
    # [{"id": form field id, **FieldSpec.to_dict()}] in display order.
    fields: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# ---- requests


class RequestStatus(StrEnum):
    WAITING_FOR_SUPPORT = "WAITING_FOR_SUPPORT"
    WAITING_FOR_CUSTOMER = "WAITING_FOR_CUSTOMER"
    UNDER_INVESTIGATION = "UNDER_INVESTIGATION"
    UNDER_REVIEW = "UNDER_REVIEW"
    ESCALATED = "ESCALATED"
    RESOLVED = "RESOLVED"
    CLOSED = "CLOSED"
    REOPENED = "REOPENED"
    CANCELLED = "CANCELLED"


class Visibility(StrEnum):
    PRIVATE = "PRIVATE"
    ORGANISATION = "ORGANISATION"


class Level(StrEnum):
    """Urgency and impact."""

    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"


class Counter(Base):
    """Gapless sequences (request references): incremented inside the using transaction."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class Request(Base):
    __tablename__ = "requests"
    __table_args__ = (
        CheckConstraint(_in_check("status", RequestStatus), name="status"),
        CheckConstraint(_in_check("visibility", Visibility), name="visibility"),
        UniqueConstraint("created_by_id", "idempotency_key"),
        Index("ix_requests_organisation_id_created_at", "organisation_id", "created_at", "id"),
        Index("ix_requests_reporter_id_created_at", "reporter_id", "created_at"),
        # Keyset pagination: one index per sort order, the id as tie-breaker.
        Index("ix_requests_created_at_id", "created_at", "id"),
        Index("ix_requests_updated_at_id", "updated_at", "id"),
        Index("ix_requests_due_at_id", "due_at", "id"),
        Index("ix_requests_priority_rank_id", "priority_rank", "id"),
        Index("ix_requests_status_id", "status", "id"),
        Index("ix_requests_status_resolved_at", "status", "resolved_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    request_type_id: Mapped[int] = mapped_column(ForeignKey("request_types.id"), index=True)
    form_version_id: Mapped[int] = mapped_column(ForeignKey("form_versions.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    summary: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    field_values: Mapped[dict[str, Any]] = mapped_column(JSONType)
    urgency: Mapped[str | None] = mapped_column(String(10))
    impact: Mapped[str | None] = mapped_column(String(10))
    priority_key: Mapped[str] = mapped_column(String(40))
    priority_rank: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(30), default=RequestStatus.WAITING_FOR_SUPPORT.value)
    visibility: Mapped[str] = mapped_column(String(20), default=Visibility.PRIVATE.value)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When it last became RESOLVED: the auto-close clock starts here.
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    external_reference: Mapped[str | None] = mapped_column(String(200))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RequestParticipant(Base):
    __tablename__ = "request_participants"
    __table_args__ = (UniqueConstraint("request_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TimelineEvent(Base):
    """One row per change of a request, written in the transaction of the change."""

    __tablename__ = "timeline_events"
    __table_args__ = (Index("ix_timeline_events_request_id_id", "request_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Kind-specific details (old and new values, ids); the schema types them per kind.
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # Internal events (internal notes) are for agents only.
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attachment(Base):
    """An uploaded file: content stored once by SHA-256 under the data directory."""

    __tablename__ = "attachments"
    __table_args__ = (
        # Serves both "files of a request" and the sweep of uploads never referenced.
        Index("ix_attachments_request_id_created_at", "request_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(255))
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    # Which form field or comment references the file; both null: the request itself.
    field_key: Mapped[str | None] = mapped_column(String(64))
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Comment(Base):
    """A public reply or an internal note (agents only)."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_request_id_id", "request_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RequestNotificationSetting(Base):
    """A user's choice to (not) be notified about one request; no row: the default (on)."""

    __tablename__ = "request_notification_settings"
    __table_args__ = (UniqueConstraint("request_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    enabled: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TransitionActor(StrEnum):
    """Who may take a workflow transition."""

    AGENT = "AGENT"  # agents and admins
    CUSTOMER = "CUSTOMER"  # customers who may see the request
    ANY = "ANY"


class WorkflowTransition(Base):
    """The workflow as data: from a status to another, and who may take the step."""

    __tablename__ = "workflow_transitions"
    __table_args__ = (
        UniqueConstraint("from_status", "to_status", "actor"),
        CheckConstraint(_in_check("from_status", RequestStatus), name="from_status"),
        CheckConstraint(_in_check("to_status", RequestStatus), name="to_status"),
        CheckConstraint(_in_check("actor", TransitionActor), name="actor"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    from_status: Mapped[str] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(60))


class SchedulerLease(Base):
    """Who runs a periodic job now: one holder across workers and hosts, until it expires."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RequestSearchDocument(Base):
    """The text a request is found by, kept in step with every write in its transaction.

    `public_text` (summary, description, text field values, public comments) is searched for
    everyone; `internal_text` (internal notes) only for agents. `head_text` is the request's
    own text alone (reference, summary, description, field values), indexed apart so that
    searches rank the requests whose own text matches first, among few candidates. Indexed by
    FTS5 tables on SQLite, by GIN indexes (expressions, and a stored `head_vector` column) on
    PostgreSQL, all made in the migrations.
    """

    __tablename__ = "request_search_documents"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), primary_key=True
    )
    public_text: Mapped[str] = mapped_column(Text, default="")
    internal_text: Mapped[str] = mapped_column(Text, default="")
    head_text: Mapped[str] = mapped_column(Text, default="", server_default="")
