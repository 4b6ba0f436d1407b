"""Bad input on every procedure gets 422 naming the field: never a 500, never a partial write."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from assistant import compose
from tests.plugins.app import Member

Client = AsyncTestClient  # type: ignore[type-arg]
# Internal procedures have no route (jobs call them); every other one is checked here.
NAMES = [p.name for p in compose.procedures() if not p.internal]


def _fields(name: str) -> dict[str, Any]:
    schema = compose.procedures().get(name).input.model_json_schema()  # type: ignore[union-attr]
    return dict(schema["properties"]), set(schema.get("required", []))  # type: ignore[return-value]


def _caller(staff: dict[str, Member], name: str) -> Member:
    return staff["owner"]


def _error(response: Any) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == "invalid_input"
    return error


@pytest.mark.parametrize("name", NAMES)
async def test_wrong_types_name_the_field(
    client: Client, staff: dict[str, Member], name: str
) -> None:
    properties, _ = _fields(name)
    for field in properties:
        response = await client.post(
            f"/api/rpc/{name}", json={field: {"not": "valid"}}, headers=staff["owner"].headers
        )
        error = _error(response)
        assert field in error["fields"], (name, field, error)


@pytest.mark.parametrize("name", NAMES)
async def test_missing_required_fields_are_named(
    client: Client, staff: dict[str, Member], name: str
) -> None:
    properties, required = _fields(name)
    response = await client.post(f"/api/rpc/{name}", json={}, headers=staff["owner"].headers)
    if not required and response.status_code != 422:
        assert response.status_code in (200, 202)  # 202: the bulk job waits for approval
        return
    if not required:  # one of several fields is needed (a user by id or by e-mail)
        error = _error(response)
        named = set(error["fields"]) | {w for w in properties if w in error["message"]}
        assert named & set(properties), response.text
        return
    error = _error(response)
    assert required <= set(error["fields"]), (name, error)


@pytest.mark.parametrize("name", NAMES)
async def test_oversized_strings_are_refused(
    client: Client, staff: dict[str, Member], name: str
) -> None:
    properties, _ = _fields(name)
    strings = [
        f
        for f, spec in properties.items()
        if spec.get("type") == "string"
        or any(o.get("type") == "string" for o in spec.get("anyOf", []))
    ]
    for field in strings:
        response = await client.post(
            f"/api/rpc/{name}", json={field: "x" * 100_001}, headers=staff["owner"].headers
        )
        assert field in _error(response)["fields"], (name, field)


@pytest.mark.parametrize("name", NAMES)
async def test_unknown_fields_and_non_objects_are_refused(
    client: Client, staff: dict[str, Member], name: str
) -> None:
    response = await client.post(
        f"/api/rpc/{name}", json={"contact_idd": 1}, headers=staff["owner"].headers
    )
    assert "contact_idd" in _error(response)["fields"]
    for body in ([1, 2], "text", 3):
        response = await client.post(f"/api/rpc/{name}", json=body, headers=staff["owner"].headers)
        _error(response)
    response = await client.post(
        f"/api/rpc/{name}",
        content=b'{"broken": ',
        headers={**staff["owner"].headers, "content-type": "application/json"},
    )
    _error(response)


async def test_invalid_values_of_the_right_type(client: Client, staff: dict[str, Member]) -> None:
    owner = staff["owner"].headers
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("contacts.create", {"first_name": "A", "email": "not-an-email"}, "email"),
        ("contacts.create", {"first_name": "A", "phone": "call me maybe"}, "phone"),
        ("contacts.create", {"first_name": "A", "date_of_birth": "2999-01-01"}, "date_of_birth"),
        ("contacts.create", {"first_name": ""}, "first_name"),
        ("contacts.get", {"contact_id": -3}, "contact_id"),
        ("contacts.search", {"limit": 0}, "limit"),
        ("contacts.search", {"limit": 10_000}, "limit"),
        ("tasks.list", {"status": "someday"}, "status"),
        ("appointments.book", {"contact_id": 1, "starts_at": "next tuesday"}, "starts_at"),
        (
            "appointments.book",
            {"contact_id": 1, "starts_at": "2030-01-01T10:00:00Z", "duration_minutes": 0},
            "duration_minutes",
        ),
        (
            "appointments.list",
            {"date_from": "2030-01-02T00:00:00Z", "date_to": "2030-01-01T00:00:00Z"},
            "body",
        ),
    ]
    for name, args, field in cases:
        response = await client.post(f"/api/rpc/{name}", json=args, headers=owner)
        error = _error(response)
        assert field in error["fields"] or field == "body", (name, args, error)
