"""Opaque global IDs ("Type:pk", base64url): pure functions, used by the API and by domain
rules that receive IDs inside JSON values (attachment references in form fields)."""

from __future__ import annotations

import base64
import binascii


def b64encode(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def b64decode(text: str) -> str:
    padded = text + "=" * (-len(text) % 4)
    return base64.urlsafe_b64decode(padded.encode()).decode()


# Primary keys are 32-bit integers (PostgreSQL `integer`): a bigger number cannot name a row,
# and binding it would fail in the database instead of being answered.
MAX_PK = 2**31 - 1


class InvalidId(ValueError):
    pass


def encode(type_name: str, pk: int) -> str:
    return b64encode(f"{type_name}:{pk}")


def decode(global_id: str) -> tuple[str, int]:
    """(type name, primary key); InvalidId when it is not one of ours."""
    try:
        type_name, _, pk = b64decode(global_id).partition(":")
        if not type_name or not pk.isdigit() or len(pk) > 10 or int(pk) > MAX_PK:
            raise InvalidId(global_id)
        return type_name, int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError) as e:
        raise InvalidId(global_id) from e


def pk_of(global_id: str, type_name: str) -> int | None:
    """The primary key when `global_id` is a valid ID of `type_name`, else None."""
    try:
        actual, pk = decode(global_id)
    except InvalidId:
        return None
    return pk if actual == type_name else None
