"""Request ids: taken from a sane incoming `X-Request-ID` (a proxy's or a client's) or made
here, echoed in the response and carried by every log line written while the request runs."""

from __future__ import annotations

import random
import re
from contextvars import ContextVar

HEADER = b"x-request-id"
# Accepted as is: short and free of anything that could forge log lines or headers.
_SANE = re.compile(rb"[A-Za-z0-9._:+/=-]{1,128}")

request_id: ContextVar[str | None] = ContextVar("frontdesk_request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request (or WebSocket connection) being served, if any."""
    return request_id.get()


def new_request_id() -> str:
    # 128 random bits as 32 hex digits (like a UUID4's hex). Ids need to be unique, not
    # secret: the seeded PRNG is several times cheaper than a system call per request.
    return f"{random.getrandbits(128):032x}"


def request_id_from(headers: list[tuple[bytes, bytes]]) -> str:
    """The incoming id when it is sane, else a new one (ASGI header names are lower case)."""
    for name, value in headers:
        if name == HEADER:
            if _SANE.fullmatch(value):
                return value.decode("ascii")
            break
    return new_request_id()
