"""What tests/security/test_api_fuzz.py found, pinned by fast tests on both backends: JSON
bodies are taken as their schema says (`true` is not the id 1, "5" is not a number, no
text holds a NUL: PostgreSQL refused it, a 500), an id past
the database's INTEGER is a 422 naming the field (it was a 500 on PostgreSQL), and a null
last name clears it (it was a 500: the column is NOT NULL), and a tag that cannot be one is a
422 (it was a 500 after the contact had been written)."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from assistant import compose
from assistant.procedures.types import MAX_ID, Input
from server.bodies import is_json_body
from tests.plugins.app import Member
from tests.plugins.records import Records

Client = AsyncTestClient  # type: ignore[type-arg]


def _invalid(response: Any, field: str) -> None:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert field in error["message"], error


@pytest.mark.parametrize(
    ("procedure", "body", "field"),
    [
        ("contacts.get", {"contact_id": True}, "contact_id"),
        ("contacts.get", {"contact_id": "1"}, "contact_id"),
        ("contacts.get", {"contact_id": 1.0}, "contact_id"),
        ("contacts.get", {"contact_id": MAX_ID + 1}, "contact_id"),
        ("tasks.list", {"mine": 1}, "mine"),
        ("tasks.list", {"limit": "5"}, "limit"),
        ("jobs.cancel", {"job_id": False}, "job_id"),
        ("appointments.book", {"contact_id": 1, "starts_at": 1_700_000_000}, "starts_at"),
        ("contacts.create", {"first_name": "Nul\u0000"}, "first_name"),
        ("contacts.search", {"query": "a", "ids": [1], "tag": "x\u0000y"}, "tag"),
    ],
)
async def test_loosely_typed_json_is_422(
    client: Client, staff: dict[str, Member], procedure: str, body: dict[str, Any], field: str
) -> None:
    response = await client.post(f"/api/rpc/{procedure}", json=body, headers=staff["owner"].headers)
    _invalid(response, field)


async def test_strings_the_schema_asks_for_still_parse(
    client: Client, staff: dict[str, Member]
) -> None:
    contact = await client.post(
        "/api/rpc/contacts.create",
        json={"first_name": "Strict", "last_name": "Json", "date_of_birth": "1980-02-03"},
        headers=staff["owner"].headers,
    )
    assert contact.status_code == 200, contact.text
    booked = await client.post(
        "/api/rpc/appointments.book",
        json={"contact_id": contact.json()["id"], "starts_at": "2031-05-06T09:00:00Z"},
        headers=staff["owner"].headers,
    )
    assert booked.status_code == 200, booked.text


@pytest.mark.parametrize("path", ["/api/actions?user_id={}", "/api/actions?conversation_id={}"])
async def test_query_ids_past_the_database_are_422(
    client: Client, staff: dict[str, Member], path: str
) -> None:
    response = await client.get(path.format(MAX_ID + 1), headers=staff["owner"].headers)
    assert response.status_code == 422, response.text


def test_every_routed_procedure_takes_a_strict_json_body() -> None:
    loose = [
        p.name
        for p in compose.procedures()
        if not p.internal and not (issubclass(p.input, Input) and is_json_body(p.input))
    ]
    assert loose == []


async def test_a_null_last_name_clears_it(client: Client, staff: dict[str, Member]) -> None:
    contact = await Records(client, staff["front_desk"]).contact()
    response = await client.post(
        "/api/rpc/contacts.update",
        json={"contact_id": contact["id"], "last_name": None},
        headers=staff["front_desk"].headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["last_name"] == ""


@pytest.mark.parametrize(
    ("procedure", "body"),
    [
        ("contacts.create", {"first_name": "Tagged", "tags": ["vip", ""]}),
        ("contacts.create", {"first_name": "Tagged", "tags": ["!!"]}),
        ("contacts.search", {"tag": "--"}),
    ],
)
async def test_a_tag_that_cannot_be_one_is_422(
    client: Client, staff: dict[str, Member], procedure: str, body: dict[str, Any]
) -> None:
    response = await client.post(f"/api/rpc/{procedure}", json=body, headers=staff["owner"].headers)
    _invalid(response, "tag")
