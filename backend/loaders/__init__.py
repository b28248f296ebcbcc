"""DataLoaders, built per request: one per relation, one SQL statement per batch."""

from __future__ import annotations

from functools import partial
from typing import Any

from sqlalchemy.engine import Row
from strawberry.dataloader import DataLoader

from backend.db.engine import Database
from backend.loaders.catalog import CatalogLoaders
from backend.loaders.detail import DetailLoaders
from backend.loaders.organisations import (
    MemberPageKey,
    load_member_pages,
    load_memberships_of_users,
    load_organisations,
)
from backend.loaders.overview import load_overview_columns
from backend.loaders.requests import load_attachments, load_form_versions, load_participants
from backend.loaders.teams import (
    TeamMemberPageKey,
    load_team_member_pages,
    load_teams,
    load_teams_of_users,
)
from backend.loaders.users import load_api_tokens_of_users, load_users


class Loaders:
    def __init__(self, db: Database) -> None:
        self.user: DataLoader[int, Row[Any] | None] = DataLoader(partial(load_users, db))
        self.api_tokens_of_user: DataLoader[int, list[Row[Any]]] = DataLoader(
            partial(load_api_tokens_of_users, db)
        )
        self.organisation: DataLoader[int, Row[Any] | None] = DataLoader(
            partial(load_organisations, db)
        )
        self.memberships_of_user: DataLoader[int, list[Row[Any]]] = DataLoader(
            partial(load_memberships_of_users, db)
        )
        self.member_page: DataLoader[MemberPageKey, tuple[list[Row[Any]], int]] = DataLoader(
            partial(load_member_pages, db)
        )
        self.team: DataLoader[int, Row[Any] | None] = DataLoader(partial(load_teams, db))
        self.participants: DataLoader[int, list[Row[Any]]] = DataLoader(
            partial(load_participants, db)
        )
        self.attachments_of_request: DataLoader[int, list[Row[Any]]] = DataLoader(
            partial(load_attachments, db)
        )
        self.form_version: DataLoader[int, Row[Any] | None] = DataLoader(
            partial(load_form_versions, db)
        )
        self.teams_of_user: DataLoader[int, list[Row[Any]]] = DataLoader(
            partial(load_teams_of_users, db)
        )
        self.team_member_page: DataLoader[TeamMemberPageKey, tuple[list[Row[Any]], int]] = (
            DataLoader(partial(load_team_member_pages, db))
        )
        self.catalog = CatalogLoaders(db)
        self.detail = DetailLoaders(db)
        self.overview_columns: DataLoader[int, list[str] | None] = DataLoader(
            partial(load_overview_columns, db)
        )
