"""The password policy: the one rule for every place a password is set (user creation by the
CLI or an admin, invitations and reset links, changing one's own password, the demo data).

A password must be long enough, not absurdly long, not the e-mail address or built on its
local part, and not a common or trivially guessable password (NIST SP 800-63B, 5.1.1.2).
"""

from __future__ import annotations

import gzip
from functools import cache
from itertools import pairwise
from pathlib import Path

from backend.domain.errors import Problem

# argon2 hashes input of any length, but nobody types more than this; megabytes of "password"
# would only cost the server time.
MAX_LENGTH = 256
# Sign-in still verifies passwords up to the limit of earlier versions, so nobody is locked
# out; anything longer cannot be a stored password and is refused without hashing.
LOGIN_MAX_LENGTH = 1024
# A local part shorter than this ("jo@...") would forbid too many good passwords.
_MIN_LOCAL_PART = 3
# Repetitions of a unit up to this long count as trivial ("abcabcabcabc").
_MAX_REPEATED_UNIT = 4

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt.gz")


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list (see COMMON_PASSWORDS.md), case-folded; read once, on first use."""
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(word for line in lines if (word := line.strip().casefold()))


def _is_trivial(folded: str) -> bool:
    """A short unit repeated ("aaaaaaaaaa", "123123123123") or a run of neighbouring
    characters ("abcdefghij", "9876543210"): the list leaves these out (see its README)."""
    n = len(folded)
    for size in range(1, min(_MAX_REPEATED_UNIT, n // 2) + 1):
        if folded == (folded[:size] * (n // size + 1))[:n]:
            return True
    steps = {ord(b) - ord(a) for a, b in pairwise(folded)}
    return len(steps) == 1 and abs(next(iter(steps))) <= 1


def password_problems(
    password: str, *, min_length: int, email: str | None = None, path: str = "password"
) -> list[Problem]:
    """What is wrong with `password` for the account with `email` (at most one problem: the
    first rule it breaks); empty when it may be set."""
    if len(password) < min_length:
        return [
            Problem(
                (path,),
                "PASSWORD_TOO_SHORT",
                f"The password needs at least {min_length} characters.",
            )
        ]
    if len(password) > MAX_LENGTH:
        return [
            Problem(
                (path,),
                "PASSWORD_TOO_LONG",
                f"The password may have at most {MAX_LENGTH} characters.",
            )
        ]
    folded = password.casefold()
    if email:
        address = email.strip().casefold()
        local = address.split("@", 1)[0]
        if folded == address or (len(local) >= _MIN_LOCAL_PART and local in folded):
            return [
                Problem(
                    (path,),
                    "PASSWORD_CONTAINS_EMAIL",
                    "The password must not contain the e-mail address or its name part.",
                )
            ]
    if folded in common_passwords() or _is_trivial(folded):
        return [
            Problem(
                (path,),
                "PASSWORD_TOO_COMMON",
                "This password is too common or too easy to guess; choose another one.",
            )
        ]
    return []
