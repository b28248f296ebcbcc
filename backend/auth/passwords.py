"""Password hashing with argon2 (argon2-cffi's defaults follow RFC 9106's recommendations)."""

from __future__ import annotations

import os

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# The test suite signs in thousands of times; at RFC 9106's cost (about 150 ms a hash here) that
# is most of its run time. FRONTDESK_INSECURE_FAST_HASHING=1, set by tests/conftest.py only,
# uses argon2's minimum cost. Each hash records its own parameters, so a hash made that way
# still verifies without the flag and is upgraded to the full cost at the next sign-in.
FAST_FOR_TESTS = os.environ.get("FRONTDESK_INSECURE_FAST_HASHING") == "1"
_hasher = (
    PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    if FAST_FOR_TESTS
    else PasswordHasher()
)
# Verified against when the account does not exist, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("frontdesk-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
