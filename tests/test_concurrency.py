"""Concurrent writers: a clash is answered as a CONFLICT userError or resolved, never a 500."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.support.client import GraphQLClient
from tests.support.server import LiveServer
from tests.test_request_submit import SUBMIT, make_request_type, org_id, valid_input

CATEGORY = """mutation($input: RequestCategoryCreateInput!) { requestCategoryCreate(input: $input) {
  requestCategory { id } userErrors { field code } } }"""


async def _burst(
    server: LiveServer, cookies: dict[str, str], bodies: list[dict[str, Any]]
) -> list[Any]:
    async with httpx.AsyncClient(base_url=server.url, cookies=cookies, timeout=60) as client:
        responses = await asyncio.gather(*(client.post("/graphql", json=b) for b in bodies))
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    return [r.json() for r in responses]


def test_same_category_name_at_once(server: LiveServer, admin: GraphQLClient, unique: Any) -> None:
    name = unique("Clash")
    body = {"query": CATEGORY, "variables": {"input": {"name": name}}}
    results = asyncio.run(_burst(server, dict(admin.cookies.items()), [body] * 6))
    assert all("errors" not in r for r in results), results
    payloads = [r["data"]["requestCategoryCreate"] for r in results]
    created = [p for p in payloads if p["requestCategory"]]
    refused = [p["userErrors"][0]["code"] for p in payloads if not p["requestCategory"]]
    assert len(created) == 1
    assert set(refused) <= {"NAME_TAKEN", "CONFLICT"} and len(refused) == 5


def test_same_idempotency_key_at_once(server: LiveServer, client_factory: Any) -> None:
    alice = client_factory("alice@acme.example")
    rt = make_request_type(server)
    body = {
        "query": SUBMIT,
        "variables": {"input": valid_input(rt, org_id(alice, "Acme Exams"), idempotencyKey="k-1")},
    }
    results = asyncio.run(_burst(server, dict(alice.cookies.items()), [body] * 5))
    assert all("errors" not in r for r in results), results
    ids = {r["data"]["requestSubmit"]["request"]["id"] for r in results}
    assert len(ids) == 1
