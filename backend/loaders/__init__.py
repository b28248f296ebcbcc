"""DataLoaders per request (made on first use, see lazy.py): one per relation, one SQL
statement per batch."""

from __future__ import annotations

from backend.loaders.catalog import CatalogLoaders
from backend.loaders.detail import DetailLoaders
from backend.loaders.lazy import LoaderGroup, loader, subgroup
from backend.loaders.organisations import (
    load_member_pages,
    load_memberships_of_users,
    load_organisations,
)
from backend.loaders.overview import load_overview_columns
from backend.loaders.requests import load_attachments, load_form_versions, load_participants
from backend.loaders.teams import (
    load_team_member_pages,
    load_teams,
    load_teams_of_users,
)
from backend.loaders.users import load_api_tokens_of_users, load_users


class Loaders(LoaderGroup):
    user = loader(load_users)
    api_tokens_of_user = loader(load_api_tokens_of_users)
    organisation = loader(load_organisations)
    memberships_of_user = loader(load_memberships_of_users)
    member_page = loader(load_member_pages)
    team = loader(load_teams)
    participants = loader(load_participants)
    attachments_of_request = loader(load_attachments)
    form_version = loader(load_form_versions)
    teams_of_user = loader(load_teams_of_users)
    team_member_page = loader(load_team_member_pages)
    catalog = subgroup(CatalogLoaders)
    detail = subgroup(DetailLoaders)
    overview_columns = loader(load_overview_columns)
