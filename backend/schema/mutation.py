"""The root Mutation type: each mutation takes one `input` and returns a payload."""

from __future__ import annotations

import strawberry

from backend.resolvers import actions, admin, attachments, auth, overview, requests
from backend.resolvers import catalog as catalog_resolvers

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
    password_change = _m(
        resolver=auth.password_change,
        description="Change your own password (signed in with a session, not an API token).",
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
    request_submit = _m(
        resolver=requests.request_submit,
        description="Raise a request (super users of the organisation; agents on behalf).",
    )
    overview_columns_set = _m(
        resolver=overview.overview_columns_set,
        description="Choose the columns of your requests overview, in order.",
    )
    # ---- actions on a request (requestId of a request you cannot see: NOT_FOUND)
    request_comment_add = _m(
        resolver=actions.request_comment_add,
        description="Reply on a request, or write an internal note (agents); a customer's "
        "reply on WAITING_FOR_CUSTOMER moves it to WAITING_FOR_SUPPORT.",
    )
    request_share = _m(
        resolver=actions.request_share,
        description="Change a request's visibility and participants (its reporter and the "
        "super users of its organisation).",
    )
    request_notifications_set = _m(
        resolver=actions.request_notifications_set,
        description="Turn your notifications about a request on or off.",
    )
    request_cancel = _m(
        resolver=actions.request_cancel, description="Cancel an open request (workflow table)."
    )
    request_reopen = _m(
        resolver=actions.request_reopen,
        description="Reopen a RESOLVED or CLOSED request (workflow table).",
    )
    request_escalate = _m(
        resolver=actions.request_escalate,
        description="Escalate an open request, with a reason (workflow table).",
    )
    request_transition = _m(
        resolver=actions.request_transition,
        description="Move a request along the workflow table (see availableTransitions).",
    )
    request_assign = _m(
        resolver=actions.request_assign, description="Assign or unassign a request (agents)."
    )
    request_priority_set = _m(
        resolver=actions.request_priority_set,
        description="Set a request's priority, with a reason (agents).",
    )
    request_update = _m(
        resolver=actions.request_update,
        description="Change a request's summary, description, due date, fields or files (agents).",
    )
    attachment_upload = _m(
        resolver=attachments.attachment_upload,
        description="Upload a file (multipart request with a CSRF header); reference its ID "
        "in requestSubmit.",
    )

    # ---- catalog (admins)
    request_category_create = _m(
        resolver=catalog_resolvers.request_category_create,
        description="Create a request category at the end of the portal (admins).",
    )
    request_category_update = _m(
        resolver=catalog_resolvers.request_category_update,
        description="Rename, describe, archive or restore a request category (admins).",
    )
    request_categories_reorder = _m(
        resolver=catalog_resolvers.request_categories_reorder,
        description="Put request categories in order (admins).",
    )
    request_type_create = _m(
        resolver=catalog_resolvers.request_type_create,
        description="Create a request type with an empty form, version 1 (admins).",
    )
    request_type_update = _m(
        resolver=catalog_resolvers.request_type_update,
        description="Change, move, archive or restore a request type (admins).",
    )
    request_types_reorder = _m(
        resolver=catalog_resolvers.request_types_reorder,
        description="Put a category's request types in order (admins).",
    )
    form_field_create = _m(
        resolver=catalog_resolvers.form_field_create,
        description="Add a field to a request type's form; writes a new form version (admins).",
    )
    form_field_update = _m(
        resolver=catalog_resolvers.form_field_update,
        description="Change or archive a form field; writes a new form version (admins).",
    )
    form_fields_reorder = _m(
        resolver=catalog_resolvers.form_fields_reorder,
        description="Put a form's fields in order; writes a new form version (admins).",
    )
    priority_scheme_set = _m(
        resolver=catalog_resolvers.priority_scheme_set,
        description="Switch the portal's priority scheme (admins).",
    )
