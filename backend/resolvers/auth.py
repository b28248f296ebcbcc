"""Sign-in, sign-out, password reset and API tokens."""

from __future__ import annotations

from datetime import timedelta

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from backend.auth import password_reset, sessions
from backend.auth.throttle import ThrottlePolicy, WindowPolicy
from backend.config import Settings
from backend.context import Context
from backend.domain.errors import Problem
from backend.resolvers.common import in_transaction, require_viewer
from backend.schema.auth import (
    ApiTokenCreateInput,
    ApiTokenCreatePayload,
    ApiTokenRevokeInput,
    ApiTokenRevokePayload,
    LoginInput,
    LoginPayload,
    LogoutInput,
    LogoutPayload,
    PasswordChangeInput,
    PasswordChangePayload,
    PasswordResetInput,
    PasswordResetPayload,
    PasswordResetRequestInput,
    PasswordResetRequestPayload,
)
from backend.schema.errors import user_errors
from backend.schema.relay import expect_id
from backend.schema.users import ApiToken
from backend.schema.viewer import Viewer


def _set_session_cookie(context: Context, token: str | None) -> None:
    response = context.response
    if not isinstance(response, Response):
        return
    if token is None:
        response.delete_cookie(sessions.SESSION_COOKIE, path="/")
        return
    response.set_cookie(
        sessions.SESSION_COOKIE,
        token,
        max_age=context.settings.session_ttl_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=context.settings.secure_cookies,
        path="/",
    )


def _throttle(settings: Settings) -> ThrottlePolicy:
    return ThrottlePolicy(
        max_per_account=settings.login_max_failures_per_account,
        max_per_address=settings.login_max_failures_per_address,
        window=timedelta(seconds=settings.login_window_seconds),
        backoff_base=timedelta(seconds=settings.login_backoff_base_seconds),
        backoff_max=timedelta(seconds=settings.login_backoff_max_seconds),
    )


async def login(info: strawberry.Info, input: LoginInput) -> LoginPayload:
    context: Context = info.context
    settings = context.settings
    throttle = _throttle(settings)
    # Failed attempts are recorded and committed too: they feed the throttle.
    async with context.db.transaction() as session:
        outcome = await sessions.login(
            session,
            email=input.email,
            password=input.password,
            client_address=context.client_address,
            user_agent=context.request.headers.get("user-agent"),
            throttle=throttle,
            session_ttl=timedelta(hours=settings.session_ttl_hours),
        )
        if outcome.session_token and context.session_token:
            # Rotate: the session the browser held before signing in ends now.
            await sessions.revoke_session(session, context.session_token)
    if outcome.problems or outcome.session_token is None:
        return LoginPayload(
            viewer=None,
            user_errors=user_errors(outcome.problems),
            retry_after_seconds=outcome.retry_after,
        )
    _set_session_cookie(context, outcome.session_token)
    async with context.db.read() as session:
        identity = await sessions.viewer_from_session_token(session, outcome.session_token)
    assert identity is not None
    context.viewer = identity
    return LoginPayload(viewer=Viewer(identity=identity), user_errors=[])


async def logout(
    info: strawberry.Info,
    # UNSET: the argument may be left out entirely (the SDL keeps no default value).
    input: LogoutInput | None = strawberry.UNSET,
) -> LogoutPayload:
    context: Context = info.context
    viewer = context.viewer
    everywhere = bool(input and input.everywhere)
    if viewer is not None and viewer.api_token_id is not None and context.session_token is None:
        return LogoutPayload(
            signed_out=False,
            user_errors=user_errors(
                [Problem((), "NOT_A_SESSION", "API tokens are ended with apiTokenRevoke.")]
            ),
        )
    signed_out = False
    if context.session_token is not None or (viewer is not None and everywhere):
        async with context.db.transaction() as session:
            if context.session_token is not None:
                await sessions.revoke_session(session, context.session_token)
            if viewer is not None and everywhere:
                await sessions.revoke_all_sessions(session, viewer.user_id)
        signed_out = viewer is not None
    _set_session_cookie(context, None)
    context.viewer = None
    return LogoutPayload(signed_out=signed_out, user_errors=[])


async def password_reset_request(
    info: strawberry.Info, input: PasswordResetRequestInput
) -> PasswordResetRequestPayload:
    context: Context = info.context
    settings = context.settings

    limits = WindowPolicy(
        max_per_email=settings.password_reset_max_per_email,
        max_per_address=settings.password_reset_max_per_address,
        window=timedelta(seconds=settings.password_reset_window_seconds),
    )

    async def work(session: AsyncSession) -> int | None:
        return await password_reset.request_reset(
            session,
            email=input.email,
            public_url=settings.public_url,
            ttl=timedelta(minutes=settings.password_reset_ttl_minutes),
            log_link=settings.is_development,
            client_address=context.client_address,
            limits=limits,
        )

    wait, problems = await in_transaction(context, work)
    if wait is not None:
        problems = [sessions.rate_limited(wait, "reset requests")]
    return PasswordResetRequestPayload(
        accepted=not problems, user_errors=user_errors(problems), retry_after_seconds=wait
    )


async def password_reset_(info: strawberry.Info, input: PasswordResetInput) -> PasswordResetPayload:
    context: Context = info.context

    async def work(session):  # type: ignore[no-untyped-def]
        return await password_reset.reset_password(
            session,
            token=input.token,
            new_password=input.new_password,
            min_length=context.settings.password_min_length,
        )

    user, problems = await in_transaction(context, work)
    return PasswordResetPayload(success=user is not None, user_errors=user_errors(problems))


async def password_change(
    info: strawberry.Info, input: PasswordChangeInput
) -> PasswordChangePayload:
    context: Context = info.context
    viewer = require_viewer(context)
    if viewer.session_id is None:
        # An API token is not proof of knowing the password's owner is at the keyboard.
        return PasswordChangePayload(
            success=False,
            user_errors=user_errors(
                [Problem((), "NOT_A_SESSION", "Sign in with your password to change it.")]
            ),
        )

    async def work(session: AsyncSession) -> sessions.PasswordChangeOutcome:
        return await sessions.change_password(
            session,
            user_id=viewer.user_id,
            current_password=input.current_password,
            new_password=input.new_password,
            min_length=context.settings.password_min_length,
            client_address=context.client_address,
            throttle=_throttle(context.settings),
            keep_session_id=viewer.session_id,
        )

    # Failed checks of the current password are committed too: they feed the throttle.
    outcome, problems = await in_transaction(context, work)
    if outcome is not None:
        problems = outcome.problems
    return PasswordChangePayload(
        success=outcome is not None and outcome.changed,
        user_errors=user_errors(problems),
        retry_after_seconds=outcome.retry_after if outcome else None,
    )


async def api_token_create(
    info: strawberry.Info, input: ApiTokenCreateInput
) -> ApiTokenCreatePayload:
    context: Context = info.context
    viewer = require_viewer(context)

    async def work(session):  # type: ignore[no-untyped-def]
        return await sessions.create_api_token(
            session, user_id=viewer.user_id, name=input.name, expires_at=input.expires_at
        )

    created, problems = await in_transaction(context, work)
    if created is None:
        return ApiTokenCreatePayload(api_token=None, token=None, user_errors=user_errors(problems))
    row, token = created
    return ApiTokenCreatePayload(api_token=ApiToken.from_row(row), token=token, user_errors=[])


async def api_token_revoke(
    info: strawberry.Info, input: ApiTokenRevokeInput
) -> ApiTokenRevokePayload:
    context: Context = info.context
    viewer = require_viewer(context)

    async def work(session):  # type: ignore[no-untyped-def]
        token_id = expect_id(input.id, "ApiToken", "id")
        return await sessions.revoke_api_token(session, token_id=token_id, user_id=viewer.user_id)

    row, problems = await in_transaction(context, work)
    return ApiTokenRevokePayload(
        api_token=ApiToken.from_row(row) if row else None, user_errors=user_errors(problems)
    )
