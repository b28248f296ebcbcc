"""Random secrets for cookies, API tokens and reset links; only their SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets

API_TOKEN_PREFIX = "fdt_"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def new_api_token() -> str:
    return API_TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    # Tokens carry 256 random bits, so an unsalted fast hash is enough to make a leak useless.
    return hashlib.sha256(token.encode()).hexdigest()
