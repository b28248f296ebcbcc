"""`node(id:)`: decode the global ID, check the type, load through the policies."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from sqlalchemy import select

from backend.auth import policies
from backend.auth.viewer import Viewer
from backend.context import Context
from backend.db.models import Membership as MembershipRow
from backend.db.models import User as UserRow
from backend.loaders.organisations import MEMBERSHIP_COLUMNS
from backend.resolvers import catalog as catalog_nodes
from backend.resolvers.attachments import attachment_node
from backend.resolvers.audit import audit_log_entry_node
from backend.resolvers.common import require_viewer
from backend.resolvers.detail import comment_node
from backend.resolvers.requests import visible_request
from backend.schema.errors import BadUserInput
from backend.schema.relay import InvalidId, decode_id
from backend.schema.requests import Request
from backend.schema.users import ApiToken, Membership, Organisation, Team, User

Resolver = Callable[[Context, Viewer, int], Awaitable[Any]]


async def _user(context: Context, viewer: Viewer, pk: int) -> User | None:
    if not viewer.is_staff and pk != viewer.user_id:
        async with context.db.read() as session:
            visible = await session.scalar(
                select(UserRow.id).where(UserRow.id == pk, policies.user_filter(viewer))
            )
        if visible is None:
            return None
    row = await context.loaders.user.load(pk)
    return User.from_row(row) if row else None


async def _organisation(context: Context, viewer: Viewer, pk: int) -> Organisation | None:
    if not policies.can_see_organisation(viewer, pk):
        return None
    row = await context.loaders.organisation.load(pk)
    return Organisation.from_row(row) if row else None


async def _membership(context: Context, viewer: Viewer, pk: int) -> Membership | None:
    async with context.db.read() as session:
        row = (
            await session.execute(select(*MEMBERSHIP_COLUMNS).where(MembershipRow.id == pk))
        ).first()
    if row is None or not policies.can_see_organisation(viewer, row.organisation_id):
        return None
    return Membership.from_row(row)


async def _team(context: Context, viewer: Viewer, pk: int) -> Team | None:
    if not policies.can_see_teams(viewer):
        return None
    row = await context.loaders.team.load(pk)
    return Team.from_row(row) if row else None


async def _api_token(context: Context, viewer: Viewer, pk: int) -> ApiToken | None:
    rows = await context.loaders.api_tokens_of_user.load(viewer.user_id)
    return next((ApiToken.from_row(r) for r in rows if r.id == pk), None)


async def _request(context: Context, viewer: Viewer, pk: int) -> Request | None:
    return await visible_request(context, viewer, pk=pk)


NODE_RESOLVERS: dict[str, Resolver] = {
    "Request": _request,
    "Comment": comment_node,
    "User": _user,
    "Organisation": _organisation,
    "Membership": _membership,
    "Team": _team,
    "ApiToken": _api_token,
    "RequestCategory": catalog_nodes.request_category_node,
    "RequestType": catalog_nodes.request_type_node,
    "FormField": catalog_nodes.form_field_node,
    "Attachment": attachment_node,
    "AuditLogEntry": audit_log_entry_node,
}


async def resolve_node(info: strawberry.Info, global_id: str) -> Any:
    """The object, or None when it does not exist or the viewer may not see it (the same
    answer, so IDs reveal nothing)."""
    context: Context = info.context
    viewer = require_viewer(context)
    try:
        type_name, pk = decode_id(global_id)
    except InvalidId:
        raise BadUserInput("Not a valid ID.", "id") from None
    resolver = NODE_RESOLVERS.get(type_name)
    if resolver is None:
        raise BadUserInput(f"Not a valid ID: unknown type {type_name!r}.", "id")
    return await resolver(context, viewer, pk)
