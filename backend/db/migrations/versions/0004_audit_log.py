"""audit log of admin actions, password reset request counting, throttle pruning indexes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 00:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import backend.db.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "audit_log_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("target_type", sa.String(length=40), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("before", _JSON, nullable=True),
        sa.Column("after", _JSON, nullable=True),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.Column("created_at", backend.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_audit_log_entries_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log_entries")),
    )
    with op.batch_alter_table("audit_log_entries", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_entries_created_at", ["created_at"], unique=False)
        batch_op.create_index(
            "ix_audit_log_entries_target_type_target_id_id",
            ["target_type", "target_id", "id"],
            unique=False,
        )
        batch_op.create_index("ix_audit_log_entries_actor_id_id", ["actor_id", "id"], unique=False)
        batch_op.create_index("ix_audit_log_entries_action_id", ["action", "id"], unique=False)

    op.create_table(
        "password_reset_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=False),
        sa.Column("created_at", backend.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_reset_requests")),
    )
    with op.batch_alter_table("password_reset_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_password_reset_requests_email_created_at", ["email", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_password_reset_requests_client_address_created_at",
            ["client_address", "created_at"],
            unique=False,
        )
        batch_op.create_index("ix_password_reset_requests_created_at", ["created_at"], unique=False)

    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_login_attempts_created_at", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempts_created_at")

    with op.batch_alter_table("password_reset_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_password_reset_requests_created_at")
        batch_op.drop_index("ix_password_reset_requests_client_address_created_at")
        batch_op.drop_index("ix_password_reset_requests_email_created_at")
    op.drop_table("password_reset_requests")

    with op.batch_alter_table("audit_log_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_entries_action_id")
        batch_op.drop_index("ix_audit_log_entries_actor_id_id")
        batch_op.drop_index("ix_audit_log_entries_target_type_target_id_id")
        batch_op.drop_index("ix_audit_log_entries_created_at")
    op.drop_table("audit_log_entries")
