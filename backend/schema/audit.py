"""The audit log of admin actions, as admins read it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry import Private
from strawberry.scalars import JSON

from backend.schema.relay import Node, encode_id
from backend.schema.users import User, load_user

# Targets that are not objects of their own (see domain/audit.PORTAL) have no global ID.
_NODE_TARGETS = frozenset(
    {"User", "Organisation", "Membership", "Team", "RequestCategory", "RequestType", "FormField"}
)


@strawberry.type(
    description="One admin action: who did what to which object, with the object's state "
    "before and after (secrets such as password hashes and tokens are never recorded). "
    "Written in the transaction of the action, so it exists exactly when the change does."
)
class AuditLogEntry(Node):
    actor_id: Private[int | None]
    created_at: datetime = strawberry.field(description="When the action was taken.")
    actor_label: str = strawberry.field(
        description="Who acted, as they were then: the user's e-mail address, or `cli:<account>` "
        "for the command line."
    )
    action: str = strawberry.field(
        description="What was done, `object.verb`: user.create, user.update, "
        "organisation.create, organisation.update, membership.add, membership.update, "
        "membership.remove, team.create, team.update, team.add_agent, team.remove_agent, "
        "category.create, category.update, category.reorder, request_type.create, "
        "request_type.update, request_type.reorder, form_field.create, form_field.update, "
        "form_field.reorder, priority_scheme.set."
    )
    target_type: str = strawberry.field(
        description="Type of the object acted on, e.g. User or RequestType; Portal for "
        "portal-wide changes (category order, priority scheme)."
    )
    target_id: strawberry.ID | None = strawberry.field(
        description="Global ID of the object acted on (it may since have been removed); null "
        "for Portal."
    )
    before: JSON | None = strawberry.field(
        description="The object's state before the action; null when it was created."
    )
    after: JSON | None = strawberry.field(
        description="The object's state after the action; null when it was removed."
    )
    request_id: str | None = strawberry.field(
        description="Id of the API request that made the change (as in the server logs); null "
        "for the command line."
    )

    @classmethod
    def from_row(cls, row: Any) -> AuditLogEntry:
        target_id = None
        if row.target_id is not None and row.target_type in _NODE_TARGETS:
            target_id = encode_id(row.target_type, row.target_id)
        return cls(
            id=encode_id("AuditLogEntry", row.id),
            actor_id=row.actor_id,
            created_at=row.created_at,
            actor_label=row.actor_label,
            action=row.action,
            target_type=row.target_type,
            target_id=target_id,
            before=row.before,
            after=row.after,
            request_id=row.request_id,
        )

    @strawberry.field(description="The user who acted; null for the command line.")
    async def actor(self, info: strawberry.Info) -> User | None:
        return await load_user(info, self.actor_id)


@strawberry.input(description="Which audit log entries; all given conditions must hold.")
class AuditLogFilter:
    action: str | None = strawberry.field(
        default=None, description="Only this action, e.g. `user.update`."
    )
    actor_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only actions of this user."
    )
    target_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only actions on this object (any type's global ID)."
    )
    target_type: str | None = strawberry.field(
        default=None, description="Only actions on objects of this type, e.g. `RequestType`."
    )
