"""Errors as the API shows them: `UserError` in payloads, coded top-level errors otherwise."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import strawberry
from graphql import GraphQLError

from backend.domain.errors import DomainError, Problem


class PublicError(GraphQLError):
    """A top-level error meant for the client (never masked), with a stable code."""

    def __init__(self, message: str, code: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": code, **extensions})


class Unauthenticated(PublicError):
    def __init__(self) -> None:
        super().__init__("Sign in first.", "UNAUTHENTICATED")


class BadUserInput(PublicError):
    def __init__(self, message: str, argument: str | None = None) -> None:
        if argument is None:
            super().__init__(message, "BAD_USER_INPUT")
        else:
            super().__init__(message, "BAD_USER_INPUT", argument=argument)


@strawberry.type(description="A problem with a mutation's input; nothing was written.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path to the input field at fault, e.g. ["input", "email"]; '
        "null when the problem is not about one field."
    )
    code: str = strawberry.field(description="Stable machine-readable code, e.g. REQUIRED.")
    message: str = strawberry.field(description="Human-readable explanation.")


def user_errors(problems: Iterable[Problem]) -> list[UserError]:
    return [
        UserError(field=["input", *p.path] if p.path else None, code=p.code, message=p.message)
        for p in problems
    ]


def from_domain_error(error: DomainError) -> list[UserError]:
    return user_errors(error.problems)
