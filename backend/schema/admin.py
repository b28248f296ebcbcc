"""Inputs and payloads of the admin mutations: users, organisations, members and teams."""

from __future__ import annotations

import strawberry

from backend.schema.enums import MembershipRole, UserRole
from backend.schema.errors import UserError
from backend.schema.users import Membership, Organisation, Team, User


@strawberry.input(description="A new account (admins).")
class UserCreateInput:
    email: str = strawberry.field(description="E-mail address, unique.")
    display_name: str = strawberry.field(description="Name shown to others.")
    role: UserRole = strawberry.field(default=UserRole.CUSTOMER, description="Role.")
    password: str | None = strawberry.field(
        default=None, description="Initial password; null sends an invitation link instead."
    )
    locale: str = strawberry.field(default="en", description="Preferred language.")
    time_zone: str = strawberry.field(default="UTC", description="IANA time zone.")


@strawberry.type(description="Result of `userCreate`.")
class UserCreatePayload:
    user: User | None = strawberry.field(description="The new user.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.input(description="Change an account (admins). Null fields stay as they are.")
class UserUpdateInput:
    id: strawberry.ID = strawberry.field(description="The user's ID.")
    display_name: str | None = strawberry.field(default=None, description="New name.")
    role: UserRole | None = strawberry.field(default=None, description="New role.")
    is_active: bool | None = strawberry.field(
        default=None, description="False signs the user out and blocks sign-in."
    )
    locale: str | None = strawberry.field(default=None, description="Preferred language.")
    time_zone: str | None = strawberry.field(default=None, description="IANA time zone.")


@strawberry.type(description="Result of `userUpdate`.")
class UserUpdatePayload:
    user: User | None = strawberry.field(description="The changed user.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.input(description="A new customer organisation (admins).")
class OrganisationCreateInput:
    name: str = strawberry.field(description="Unique name.")
    super_user_cap: int | None = strawberry.field(
        default=None, description="Most super users; null: the configured default (4)."
    )


@strawberry.type(description="Result of `organisationCreate`.")
class OrganisationCreatePayload:
    organisation: Organisation | None = strawberry.field(description="The new organisation.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.input(description="Change an organisation (admins). Null fields stay as they are.")
class OrganisationUpdateInput:
    id: strawberry.ID = strawberry.field(description="The organisation's ID.")
    name: str | None = strawberry.field(default=None, description="New name.")
    super_user_cap: int | None = strawberry.field(default=None, description="New cap.")


@strawberry.type(description="Result of `organisationUpdate`.")
class OrganisationUpdatePayload:
    organisation: Organisation | None = strawberry.field(description="The changed organisation.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.input(
    description="Add a person to an organisation (admins, or its super users within the cap). "
    "Give `userId`, or `email` (an unknown address gets a new customer account and an "
    "invitation mail)."
)
class OrganisationMemberAddInput:
    organisation_id: strawberry.ID = strawberry.field(description="The organisation.")
    user_id: strawberry.ID | None = strawberry.field(default=None, description="An existing user.")
    email: str | None = strawberry.field(default=None, description="Or an e-mail address.")
    display_name: str | None = strawberry.field(
        default=None, description="Name for a new account (default: the address's local part)."
    )
    role: MembershipRole = strawberry.field(
        default=MembershipRole.MEMBER, description="SUPER_USER counts against the cap."
    )


@strawberry.type(description="Result of `organisationMemberAdd`.")
class OrganisationMemberAddPayload:
    membership: Membership | None = strawberry.field(description="The new membership.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.input(description="Change a member's role (admins, or the organisation's super users).")
class OrganisationMemberUpdateInput:
    organisation_id: strawberry.ID = strawberry.field(description="The organisation.")
    user_id: strawberry.ID = strawberry.field(description="The member.")
    role: MembershipRole = strawberry.field(description="The new role.")


@strawberry.type(description="Result of `organisationMemberUpdate`.")
class OrganisationMemberUpdatePayload:
    membership: Membership | None = strawberry.field(description="The changed membership.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.input(description="Remove a member (admins, or the organisation's super users).")
class OrganisationMemberRemoveInput:
    organisation_id: strawberry.ID = strawberry.field(description="The organisation.")
    user_id: strawberry.ID = strawberry.field(description="The member to remove.")


@strawberry.type(description="Result of `organisationMemberRemove`.")
class OrganisationMemberRemovePayload:
    organisation: Organisation | None = strawberry.field(description="The organisation.")
    removed_membership_id: strawberry.ID | None = strawberry.field(
        description="ID of the membership that ended."
    )
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.input(description="A new team of agents (admins).")
class TeamCreateInput:
    name: str = strawberry.field(description="Unique name, e.g. Billing.")
    description: str = strawberry.field(default="", description="What the team handles.")


@strawberry.input(description="Change a team (admins). Null fields stay as they are.")
class TeamUpdateInput:
    id: strawberry.ID = strawberry.field(description="The team's ID.")
    name: str | None = strawberry.field(default=None, description="New name.")
    description: str | None = strawberry.field(default=None, description="New description.")


@strawberry.input(description="Add an agent to a team (admins).")
class TeamMemberAddInput:
    team_id: strawberry.ID = strawberry.field(description="The team.")
    user_id: strawberry.ID = strawberry.field(description="The agent.")


@strawberry.input(description="Remove an agent from a team (admins).")
class TeamMemberRemoveInput:
    team_id: strawberry.ID = strawberry.field(description="The team.")
    user_id: strawberry.ID = strawberry.field(description="The agent.")


@strawberry.type
class _TeamPayload:
    team: Team | None = strawberry.field(description="The team after the change.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.type(description="Result of `teamCreate`.")
class TeamCreatePayload(_TeamPayload):
    pass


@strawberry.type(description="Result of `teamUpdate`.")
class TeamUpdatePayload(_TeamPayload):
    pass


@strawberry.type(description="Result of `teamMemberAdd`.")
class TeamMemberAddPayload(_TeamPayload):
    pass


@strawberry.type(description="Result of `teamMemberRemove`.")
class TeamMemberRemovePayload(_TeamPayload):
    pass
