"""Schema extensions: stable error codes, masking of unexpected errors, and limits."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from graphql import GraphQLError, NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from backend.config import Settings
from backend.observability.request_id import current_request_id
from backend.schema.input_limits import InputLimits, input_rule

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
    if message.startswith("GraphQL introspection has been disabled"):
        return "INTROSPECTION_DISABLED"
    if "exceeds maximum operation depth" in message:
        return "QUERY_TOO_DEEP"
    if "aliases found" in message or ("alias" in message.lower() and "maximum" in message.lower()):
        return "TOO_MANY_ALIASES"
    return "GRAPHQL_VALIDATION_FAILED"


def _internal_error_extensions() -> dict[str, str]:
    """The code, and the request id that support can find in the logs (when serving one)."""
    request_id = current_request_id()
    if request_id is None:
        return {"code": "INTERNAL_SERVER_ERROR"}
    return {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}


class ErrorCodes(SchemaExtension):
    """Give every error a stable `extensions.code`; outside development, replace unexpected
    errors (bugs) by a generic message so internals never leak. Those carry the request id,
    which the log line with the traceback carries too."""

    def __init__(self, *, mask: bool, count: Callable[[str], None] | None = None) -> None:
        self.mask = mask
        self.count = count

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
            extensions=_internal_error_extensions(),
        )

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = [self._process(e) for e in errors]  # type: ignore[union-attr]
            if self.count is not None:
                for error in result.errors:  # type: ignore[union-attr]
                    self.count(error.extensions["code"])


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


def schema_extensions(
    settings: Settings, count_error: Callable[[str], None] | None = None
) -> list[Callable[[], SchemaExtension]]:
    """Factories: strawberry builds fresh extensions per operation (the caches are shared).
    `count_error` hears the code of every error answered (metrics)."""
    mask = not settings.is_development
    # Rule classes are built once: the validation cache is keyed by the rules, and strawberry's
    # limiters make new rule classes per instance (per request), so it would never hit.
    limit_rules = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    if not settings.introspection_enabled:
        limit_rules.append(NoSchemaIntrospectionCustomRule)
    input_values_rule = input_rule(settings.max_input_list_items)
    return [
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: AddValidationRules(limit_rules),
        lambda: SafeParserCache(maxsize=512),
        lambda: ValidationCache(maxsize=512),
        lambda: InputLimits(input_values_rule, settings.max_input_list_items),  # after the cache
        lambda: ErrorCodes(mask=mask, count=count_error),
    ]
