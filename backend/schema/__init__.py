"""The GraphQL schema: root types, extensions, and the committed SDL file."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from backend.config import Settings
from backend.schema import argument_plans
from backend.schema.attachments import Attachment
from backend.schema.audit import AuditLogEntry
from backend.schema.catalog import CATALOG_TYPES
from backend.schema.detail import DETAIL_TYPES
from backend.schema.execution import FastExecutor
from backend.schema.extensions import is_expected, schema_extensions
from backend.schema.mutation import Mutation
from backend.schema.query import Query
from backend.schema.subscription import Subscription
from backend.schema.users import ApiToken, Membership, Organisation, Team, User

SCHEMA_FILE = Path(__file__).parent / "schema.graphql"
log = logging.getLogger("frontdesk.graphql")


class FrontdeskSchema(strawberry.Schema):
    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        # `execute` answers once, so it cannot run a subscription: strawberry would run one
        # sent over HTTP as a query and fail inside. Subscriptions go over the WebSocket
        # (`stream`); here they are refused like a mutation over GET (HTTP 400).
        if allowed_operation_types is None:
            allowed_operation_types = DEFAULT_ALLOWED_OPERATION_TYPES
        allowed = set(allowed_operation_types)
        return await super().execute(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed - {OperationType.SUBSCRIPTION},
            operation_extensions,
        )

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Client mistakes are answered, not logged as failures; bugs are logged with traceback.
        for error in errors:
            if not is_expected(error):
                log.error("unexpected error", exc_info=error.original_error)


def build_schema(
    settings: Settings, count_error: Callable[[str], None] | None = None
) -> strawberry.Schema:
    argument_plans.install()  # resolvers' arguments converted by plans made once per field
    return FrontdeskSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[
            User,
            Organisation,
            Membership,
            Team,
            ApiToken,
            Attachment,
            AuditLogEntry,
            *CATALOG_TYPES,
            *DETAIL_TYPES,
        ],
        extensions=schema_extensions(settings, count_error),
        # Plain attribute fields and batch-loaded values skip per-field machinery.
        execution_context_class=FastExecutor,
    )


def export_sdl(schema: Any) -> str:
    return schema.as_str().rstrip() + "\n"
