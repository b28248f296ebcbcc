"""Errors answered before GraphQL runs (HTTP level), as GraphQL-shaped JSON with a stable code.

Strawberry answers a request it cannot read (bad JSON, no query, unknown operation, wrong
content type) with a plain-text 400. Clients handle one error shape more easily, so these get
`{"errors": [{"message": ..., "extensions": {"code": ...}}]}` with the same status and message.
"""

from __future__ import annotations

import json
from typing import Any

from cross_web import HTTPException
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError

# Codes of HTTP-level errors (docs/errors.md lists each with its status).
BAD_REQUEST = "BAD_REQUEST"
INVALID_JSON = "INVALID_JSON"
MISSING_QUERY = "MISSING_QUERY"
UNKNOWN_OPERATION = "UNKNOWN_OPERATION"
OPERATION_NOT_ALLOWED = "OPERATION_NOT_ALLOWED"
UNSUPPORTED_CONTENT_TYPE = "UNSUPPORTED_CONTENT_TYPE"
BATCHING_NOT_SUPPORTED = "BATCHING_NOT_SUPPORTED"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
NOT_FOUND = "NOT_FOUND"
REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"
INVALID_MULTIPART = "INVALID_MULTIPART"

MALFORMED_MULTIPART = (
    "The multipart request does not follow the GraphQL multipart request spec: `operations` "
    "must be a JSON object and `map` a JSON object of file part names to lists of paths."
)

_BY_REASON = {
    "Unsupported content type": UNSUPPORTED_CONTENT_TYPE,
    "Batching is not enabled": BATCHING_NOT_SUPPORTED,
    "No GraphQL query found in the request": MISSING_QUERY,
    "File(s) missing in form data": INVALID_MULTIPART,
    "Unable to parse the multipart body": INVALID_MULTIPART,
    MALFORMED_MULTIPART: INVALID_MULTIPART,
}

_BY_STATUS = {404: NOT_FOUND, 405: METHOD_NOT_ALLOWED, 413: REQUEST_TOO_LARGE}


def error_body(code: str, message: str, **extensions: Any) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}


def error_response(status: int, code: str, message: str, **extensions: Any) -> JSONResponse:
    return JSONResponse(error_body(code, message, **extensions), status_code=status)


def code_for(error: HTTPException) -> str:
    cause = error.__cause__
    if isinstance(cause, json.JSONDecodeError):
        return INVALID_JSON
    if isinstance(cause, MissingQueryError):
        return MISSING_QUERY
    if isinstance(cause, CannotGetOperationTypeError):
        return UNKNOWN_OPERATION
    if isinstance(cause, InvalidOperationTypeError):
        return METHOD_NOT_ALLOWED if error.status_code == 405 else OPERATION_NOT_ALLOWED
    if error.reason in _BY_REASON:
        return _BY_REASON[error.reason]
    return _BY_STATUS.get(error.status_code, BAD_REQUEST)


def http_error_response(error: HTTPException | StarletteHTTPException) -> JSONResponse:
    if isinstance(error, StarletteHTTPException):
        # Starlette's own refusals while reading the request: a multipart body it cannot parse.
        code = (
            INVALID_MULTIPART
            if error.status_code == 400
            else _BY_STATUS.get(error.status_code, BAD_REQUEST)
        )
        return error_response(error.status_code, code, str(error.detail))
    return error_response(error.status_code, code_for(error), error.reason)


def decode_json(data: str | bytes) -> object:
    """json.loads, where every way a body can fail to decode is a JSONDecodeError (a 400):
    invalid UTF-8, integers past Python's digit limit and nesting past the recursion limit
    otherwise escape as other exceptions and would answer 500."""
    try:
        return json.loads(data)
    except json.JSONDecodeError:
        raise
    except (ValueError, RecursionError) as error:
        raise json.JSONDecodeError("The body is not JSON we can read", "", 0) from error
