"""The root Mutation type: each mutation takes one `input` and returns a payload."""

from __future__ import annotations

import strawberry

from backend.resolvers import admin, auth

# Fields are declared with their resolvers; descriptions say who may call them.
_m = strawberry.mutation


@strawberry.type(description="Everything that changes data.")
class Mutation:
    login = _m(resolver=auth.login, description="Sign in; sets an HttpOnly session cookie.")
    logout = _m(resolver=auth.logout, description="Sign out (optionally everywhere).")
    password_reset_request = _m(
        resolver=auth.password_reset_request, description="Mail a password reset link."
    )
    password_reset = _m(
        resolver=auth.password_reset_, description="Set a new password with a reset token."
    )
    api_token_create = _m(
        resolver=auth.api_token_create, description="Create an API token; shown once."
    )
    api_token_revoke = _m(resolver=auth.api_token_revoke, description="Revoke an API token.")

    user_create = _m(resolver=admin.user_create, description="Create a user (admins).")
    user_update = _m(resolver=admin.user_update, description="Change a user (admins).")
    organisation_create = _m(
        resolver=admin.organisation_create, description="Create an organisation (admins)."
    )
    organisation_update = _m(
        resolver=admin.organisation_update, description="Change an organisation (admins)."
    )
    organisation_member_add = _m(
        resolver=admin.organisation_member_add,
        description="Add a member (admins; super users of the organisation within the cap).",
    )
    organisation_member_update = _m(
        resolver=admin.organisation_member_update,
        description="Change a member's role (admins; super users of the organisation).",
    )
    organisation_member_remove = _m(
        resolver=admin.organisation_member_remove,
        description="Remove a member (admins; super users of the organisation).",
    )
    team_create = _m(resolver=admin.team_create, description="Create a team (admins).")
    team_update = _m(resolver=admin.team_update, description="Change a team (admins).")
    team_member_add = _m(resolver=admin.team_member_add, description="Add an agent (admins).")
    team_member_remove = _m(
        resolver=admin.team_member_remove, description="Remove an agent (admins)."
    )
