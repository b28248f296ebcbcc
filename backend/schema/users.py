"""User, Team, Membership, Organisation and ApiToken types."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry import Private

from backend.schema.enums import MembershipRole, UserRole
from backend.schema.relay import (
    Connection,
    Node,
    Page,
    after_id,
    check_first,
    encode_id,
    to_connection,
)


@strawberry.type(description="A person who uses the portal: a customer, an agent or an admin.")
class User(Node):
    pk: Private[int]
    email: str = strawberry.field(description="E-mail address (unique, lower-case).")
    display_name: str = strawberry.field(description="Name shown to others.")
    role: UserRole = strawberry.field(description="What the user is to the provider.")
    locale: str = strawberry.field(description="Preferred language, e.g. en or de-CH.")
    time_zone: str = strawberry.field(description="IANA time zone, e.g. Europe/Berlin.")
    is_active: bool = strawberry.field(description="Inactive users cannot sign in.")
    created_at: datetime = strawberry.field(description="When the account was created.")

    @classmethod
    def from_row(cls, row: Any) -> User:
        return cls(
            id=encode_id("User", row.id),
            pk=row.id,
            email=row.email,
            display_name=row.display_name,
            role=UserRole(row.role),
            locale=row.locale,
            time_zone=row.time_zone,
            is_active=row.is_active,
            created_at=row.created_at,
        )


async def load_user(info: strawberry.Info, user_id: int | None) -> User | None:
    """A user by id through the request's loader (None for no id or a vanished row)."""
    if user_id is None:
        return None
    row = await info.context.loaders.user.load(user_id)
    return User.from_row(row) if row else None


async def load_existing_user(info: strawberry.Info, user_id: int) -> User:
    """A user that a foreign key guarantees exists."""
    user = await load_user(info, user_id)
    assert user is not None, f"user {user_id} referenced but missing"
    return user


@strawberry.type(description="A team of agents; request types route to a team.")
class Team(Node):
    pk: Private[int]
    name: str = strawberry.field(description="Team name, e.g. Support.")
    description: str = strawberry.field(description="What the team handles.")
    created_at: datetime = strawberry.field(description="When the team was created.")

    @classmethod
    def from_row(cls, row: Any) -> Team:
        return cls(
            id=encode_id("Team", row.id),
            pk=row.id,
            name=row.name,
            description=row.description,
            created_at=row.created_at,
        )

    @strawberry.field(description="The agents in this team, in the order they joined.")
    async def members(
        self, info: strawberry.Info, first: int | None = 20, after: str | None = None
    ) -> Connection[User]:
        size = check_first(first)
        rows, total = await info.context.loaders.team_member_page.load(
            (self.pk, size, after_id(after))
        )
        users = await info.context.loaders.user.load_many([r.user_id for r in rows[:size]])
        by_member = dict(zip((r.id for r in rows[:size]), users, strict=True))
        return to_connection(
            Page(rows, total),
            size,
            after is not None,
            lambda r: User.from_row(by_member[r.id]),
            lambda r: (r.id,),
        )


@strawberry.type(description="A customer organisation whose people raise and follow requests.")
class Organisation(Node):
    pk: Private[int]
    name: str = strawberry.field(description="Organisation name, unique.")
    super_user_cap: int = strawberry.field(description="Most super users it may have.")
    created_at: datetime = strawberry.field(description="When the organisation was created.")

    @classmethod
    def from_row(cls, row: Any) -> Organisation:
        return cls(
            id=encode_id("Organisation", row.id),
            pk=row.id,
            name=row.name,
            super_user_cap=row.super_user_cap,
            created_at=row.created_at,
        )

    @strawberry.field(description="People of the organisation with their roles, oldest first.")
    async def members(
        self,
        info: strawberry.Info,
        first: int | None = 20,
        after: str | None = None,
        role: Annotated[
            MembershipRole | None, strawberry.argument(description="Only this role.")
        ] = None,
    ) -> Connection[Membership]:
        size = check_first(first)
        rows, total = await info.context.loaders.member_page.load(
            (self.pk, size, after_id(after), role.value if role else None)
        )
        return to_connection(
            Page(rows, total), size, after is not None, Membership.from_row, lambda r: (r.id,)
        )


@strawberry.type(description="A user's place in an organisation.")
class Membership(Node):
    user_id: Private[int]
    organisation_id: Private[int]
    role: MembershipRole = strawberry.field(description="SUPER_USER or MEMBER.")
    created_at: datetime = strawberry.field(description="When the user joined.")

    @classmethod
    def from_row(cls, row: Any) -> Membership:
        return cls(
            id=encode_id("Membership", row.id),
            user_id=row.user_id,
            organisation_id=row.organisation_id,
            role=MembershipRole(row.role),
            created_at=row.created_at,
        )

    @strawberry.field(description="The member.")
    async def user(self, info: strawberry.Info) -> User:
        return await load_existing_user(info, self.user_id)

    @strawberry.field(description="The organisation.")
    async def organisation(self, info: strawberry.Info) -> Organisation:
        row = await info.context.loaders.organisation.load(self.organisation_id)
        return Organisation.from_row(row)


@strawberry.type(description="A token for external systems (`Authorization: Bearer ...`).")
class ApiToken(Node):
    name: str = strawberry.field(description="What the token is for.")
    prefix: str = strawberry.field(description="First characters, to recognise the token.")
    created_at: datetime = strawberry.field(description="When it was created.")
    expires_at: datetime | None = strawberry.field(description="When it stops working.")
    last_used_at: datetime | None = strawberry.field(description="Last use, to the minute.")
    revoked_at: datetime | None = strawberry.field(description="When it was revoked.")

    @classmethod
    def from_row(cls, row: Any) -> ApiToken:
        return cls(
            id=encode_id("ApiToken", row.id),
            name=row.name,
            prefix=row.token_prefix,
            created_at=row.created_at,
            expires_at=row.expires_at,
            last_used_at=row.last_used_at,
            revoked_at=row.revoked_at,
        )
