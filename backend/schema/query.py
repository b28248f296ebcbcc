"""The root Query type."""

from __future__ import annotations

from typing import Annotated

import strawberry

from backend.resolvers import audit as audit_resolvers
from backend.resolvers import catalog as catalog_resolvers
from backend.resolvers import lists, overview, requests
from backend.resolvers.nodes import resolve_node
from backend.schema.audit import AuditLogEntry, AuditLogFilter
from backend.schema.catalog import Portal
from backend.schema.enums import UserRole
from backend.schema.errors import BadUserInput
from backend.schema.overview import RequestConnection, RequestFilter, RequestOrder
from backend.schema.relay import MAX_PAGE_SIZE, Connection, Node
from backend.schema.requests import Request
from backend.schema.users import Organisation, Team, User
from backend.schema.viewer import Viewer

First = Annotated[
    int | None, strawberry.argument(description=f"Page size, 0 to {MAX_PAGE_SIZE} (default 20).")
]
After = Annotated[str | None, strawberry.argument(description="Cursor to continue after.")]


@strawberry.type(description="Everything that can be read.")
class Query:
    @strawberry.field(description="The signed-in user; null when signed out.")
    def viewer(self, info: strawberry.Info) -> Viewer | None:
        identity = info.context.viewer
        return Viewer(identity=identity) if identity else None

    @strawberry.field(
        description="Any object by its global ID; null when it does not exist or is not "
        "visible to you."
    )
    async def node(self, info: strawberry.Info, id: strawberry.ID) -> Node | None:
        return await resolve_node(info, id)

    @strawberry.field(description="Several objects by global ID, in the order asked (at most 100).")
    async def nodes(self, info: strawberry.Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_PAGE_SIZE:
            raise BadUserInput(f"At most {MAX_PAGE_SIZE} ids at once.", "ids")
        return [await resolve_node(info, i) for i in ids]

    @strawberry.field(description="Organisations you may see (all, for agents and admins).")
    async def organisations(
        self, info: strawberry.Info, first: First = 20, after: After = None
    ) -> Connection[Organisation]:
        return await lists.organisations(info, first, after)

    @strawberry.field(description="Users (agents and admins).")
    async def users(
        self,
        info: strawberry.Info,
        first: First = 20,
        after: After = None,
        role: Annotated[UserRole | None, strawberry.argument(description="Only this role.")] = None,
    ) -> Connection[User]:
        return await lists.users(info, first, after, role)

    @strawberry.field(description="Teams of agents (agents and admins).")
    async def teams(
        self, info: strawberry.Info, first: First = 20, after: After = None
    ) -> Connection[Team]:
        return await lists.teams(info, first, after)

    @strawberry.field(
        description="A request by its reference (e.g. FD-42); null when it does not exist or "
        "is not visible to you."
    )
    async def request(self, info: strawberry.Info, reference: str) -> Request | None:
        return await requests.request_by_reference(info, reference)

    @strawberry.field(
        description="Requests you may see, filtered and ordered (default: newest first; with "
        "`filter.search` and no orderBy: best match first)."
    )
    async def requests(
        self,
        info: strawberry.Info,
        filter: Annotated[
            RequestFilter | None, strawberry.argument(description="Which requests.")
        ] = None,
        order_by: Annotated[
            list[RequestOrder] | None,
            strawberry.argument(description="Sort keys, at most 3; the ID breaks ties."),
        ] = None,
        first: First = 20,
        after: After = None,
    ) -> RequestConnection:
        return await overview.requests(info, filter, order_by, first, after)

    @strawberry.field(
        description="Admin actions, newest first (admins only; others get FORBIDDEN)."
    )
    async def audit_log(
        self,
        info: strawberry.Info,
        first: First = 20,
        after: After = None,
        filter: Annotated[
            AuditLogFilter | None, strawberry.argument(description="Which entries.")
        ] = None,
    ) -> Connection[AuditLogEntry]:
        return await audit_resolvers.audit_log(info, first, after, filter)

    @strawberry.field(
        description="The customer portal: categories, request types and their forms that you can "
        "use, and the priority scheme."
    )
    async def portal(self, info: strawberry.Info) -> Portal:
        return await catalog_resolvers.portal(info)
