"""The `viewer` query's type: the signed-in user and what belongs to them."""

from __future__ import annotations

import strawberry
from strawberry import Private

from backend.auth.viewer import Viewer as ViewerIdentity
from backend.resolvers.overview import overview_columns_of
from backend.schema.overview import OverviewColumn
from backend.schema.users import ApiToken, Membership, Team, User, load_existing_user


@strawberry.type(description="The signed-in user, their organisations and teams.")
class Viewer:
    identity: Private[ViewerIdentity]

    @strawberry.field(description="The signed-in user.")
    async def user(self, info: strawberry.Info) -> User:
        return await load_existing_user(info, self.identity.user_id)

    @strawberry.field(description="Organisations the user belongs to, with their role in each.")
    async def memberships(self, info: strawberry.Info) -> list[Membership]:
        rows = await info.context.loaders.memberships_of_user.load(self.identity.user_id)
        return [Membership.from_row(r) for r in rows]

    @strawberry.field(description="Teams the user works in (agents).")
    async def teams(self, info: strawberry.Info) -> list[Team]:
        rows = await info.context.loaders.teams_of_user.load(self.identity.user_id)
        return [Team.from_row(r) for r in rows]

    @strawberry.field(description="The user's API tokens, newest first (never the secrets).")
    async def api_tokens(self, info: strawberry.Info) -> list[ApiToken]:
        rows = await info.context.loaders.api_tokens_of_user.load(self.identity.user_id)
        return [ApiToken.from_row(r) for r in rows]

    @strawberry.field(
        description="Columns of the user's requests overview, in order (the default set until "
        "changed with overviewColumnsSet)."
    )
    async def overview_columns(self, info: strawberry.Info) -> list[OverviewColumn]:
        return await overview_columns_of(info, self.identity.user_id)
