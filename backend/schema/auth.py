"""Inputs and payloads of sign-in, password reset and API token mutations."""

from __future__ import annotations

from datetime import datetime

import strawberry

from backend.schema.errors import UserError
from backend.schema.users import ApiToken
from backend.schema.viewer import Viewer


@strawberry.input(description="Credentials to sign in with.")
class LoginInput:
    email: str = strawberry.field(description="The account's e-mail address.")
    password: str = strawberry.field(description="The account's password.")


@strawberry.type(description="Result of `login`; on success the session cookie is set.")
class LoginPayload:
    viewer: Viewer | None = strawberry.field(description="The signed-in user, on success.")
    user_errors: list[UserError] = strawberry.field(description="Why signing in failed.")
    retry_after_seconds: int | None = strawberry.field(
        default=None,
        description="When refused with RATE_LIMITED: seconds until another attempt is allowed "
        "(each further failure after that doubles the wait, up to a cap).",
    )


@strawberry.input(description="How to sign out.")
class LogoutInput:
    everywhere: bool = strawberry.field(
        default=False, description="Also end every other session of this user."
    )


@strawberry.type(description="Result of `logout`.")
class LogoutPayload:
    signed_out: bool = strawberry.field(description="True when a session was ended.")
    user_errors: list[UserError] = strawberry.field(description="Problems, if any.")


@strawberry.input(description="Ask for a password reset link by e-mail.")
class PasswordResetRequestInput:
    email: str = strawberry.field(description="The account's e-mail address.")


@strawberry.type(
    description="Result of `passwordResetRequest`: the same whether or not the account exists."
)
class PasswordResetRequestPayload:
    accepted: bool = strawberry.field(description="The request was taken.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")
    retry_after_seconds: int | None = strawberry.field(
        default=None,
        description="When refused with RATE_LIMITED: seconds until another request is taken.",
    )


@strawberry.input(description="Choose a new password with a reset token.")
class PasswordResetInput:
    token: str = strawberry.field(description="The token from the reset link.")
    new_password: str = strawberry.field(description="The new password.")


@strawberry.type(description="Result of `passwordReset`; every session of the user is ended.")
class PasswordResetPayload:
    success: bool = strawberry.field(description="The password was changed.")
    user_errors: list[UserError] = strawberry.field(description="Why it was not changed.")


@strawberry.input(description="Change the signed-in user's own password.")
class PasswordChangeInput:
    current_password: str = strawberry.field(description="The password used now.")
    new_password: str = strawberry.field(description="The new password (see the policy).")


@strawberry.type(
    description="Result of `passwordChange`; every other session of the user is ended."
)
class PasswordChangePayload:
    success: bool = strawberry.field(description="The password was changed.")
    user_errors: list[UserError] = strawberry.field(description="Why it was not changed.")
    retry_after_seconds: int | None = strawberry.field(
        default=None,
        description="When refused with RATE_LIMITED: seconds until another attempt is allowed.",
    )


@strawberry.input(description="Create an API token for the signed-in user.")
class ApiTokenCreateInput:
    name: str = strawberry.field(description="What the token is for.")
    expires_at: datetime | None = strawberry.field(
        default=None, description="When it stops working (with a time zone); null: never."
    )


@strawberry.type(description="Result of `apiTokenCreate`. `token` is shown only this once.")
class ApiTokenCreatePayload:
    api_token: ApiToken | None = strawberry.field(description="The new token's record.")
    token: str | None = strawberry.field(
        description="The secret, for `Authorization: Bearer`; it cannot be shown again."
    )
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.input(description="Revoke one of the signed-in user's API tokens.")
class ApiTokenRevokeInput:
    id: strawberry.ID = strawberry.field(description="The token's ID.")


@strawberry.type(description="Result of `apiTokenRevoke`.")
class ApiTokenRevokePayload:
    api_token: ApiToken | None = strawberry.field(description="The revoked token.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")
