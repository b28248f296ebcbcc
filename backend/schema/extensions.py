"""Schema extensions: stable error codes, masking of unexpected errors, and limits."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from graphql import GraphQLError
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from backend.config import Settings

log = logging.getLogger("frontdesk.graphql")

MASKED_MESSAGE = "Unexpected error."


def is_expected(error: GraphQLError) -> bool:
    """Errors meant for the client: ours (coded), and parse or validation errors."""
    original = error.original_error
    return original is None or isinstance(original, GraphQLError)


def _code_for(error: GraphQLError) -> str:
    message = error.message
    if "tokens" in message and "Parsing aborted" in message:
        return "QUERY_TOO_LARGE"
    if message.startswith("Syntax Error"):
        return "GRAPHQL_PARSE_FAILED"
    if "exceeds maximum operation depth" in message:
        return "QUERY_TOO_DEEP"
    if "aliases found" in message or ("alias" in message.lower() and "maximum" in message.lower()):
        return "TOO_MANY_ALIASES"
    return "GRAPHQL_VALIDATION_FAILED"


class ErrorCodes(SchemaExtension):
    """Give every error a stable `extensions.code`; outside development, replace unexpected
    errors (bugs) by a generic message so internals never leak."""

    def __init__(self, *, mask: bool) -> None:
        self.mask = mask

    def _process(self, error: GraphQLError) -> GraphQLError:
        if error.extensions and "code" in error.extensions:
            return error
        if is_expected(error):
            return GraphQLError(
                error.message,
                nodes=error.nodes,
                source=error.source,
                positions=error.positions,
                path=error.path,
                original_error=error.original_error,
                extensions={**(error.extensions or {}), "code": _code_for(error)},
            )
        return GraphQLError(
            MASKED_MESSAGE if self.mask else error.message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None if self.mask else error.original_error,
            extensions={"code": "INTERNAL_SERVER_ERROR"},
        )

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = [self._process(e) for e in errors]  # type: ignore[union-attr]


class SafeParserCache(ParserCache):
    """Strawberry's ParserCache parses before its hook yields, so a syntax error escapes the
    operation hook and skips ErrorCodes. Here a failing document is left to strawberry's own
    parse, which reports it like any other request error."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        try:
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        except GraphQLError:
            pass
        yield


def schema_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """Factories: strawberry builds fresh extensions per operation (the caches are shared)."""
    mask = not settings.is_development
    return [
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        lambda: SafeParserCache(maxsize=512),
        lambda: ValidationCache(maxsize=512),
        lambda: ErrorCodes(mask=mask),
    ]
