"""The GraphQL schema: root types, extensions, and the committed SDL file."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext

from backend.config import Settings
from backend.schema.attachments import Attachment
from backend.schema.catalog import CATALOG_TYPES
from backend.schema.detail import DETAIL_TYPES
from backend.schema.extensions import is_expected, schema_extensions
from backend.schema.mutation import Mutation
from backend.schema.query import Query
from backend.schema.subscription import Subscription
from backend.schema.users import ApiToken, Membership, Organisation, Team, User

SCHEMA_FILE = Path(__file__).parent / "schema.graphql"
log = logging.getLogger("frontdesk.graphql")


class FrontdeskSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Client mistakes are answered, not logged as failures; bugs are logged with traceback.
        for error in errors:
            if not is_expected(error):
                log.error("unexpected error", exc_info=error.original_error)


def build_schema(settings: Settings) -> strawberry.Schema:
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
            *CATALOG_TYPES,
            *DETAIL_TYPES,
        ],
        extensions=schema_extensions(settings),
    )


def export_sdl(schema: Any) -> str:
    return schema.as_str().rstrip() + "\n"
