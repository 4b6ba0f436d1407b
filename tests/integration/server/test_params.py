"""Ids and event ids out of range or not ASCII digits are 422 naming the field, never 500."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.plugins.app import Member

Client = AsyncTestClient  # type: ignore[type-arg]
HUGE = "99999999999999999999"

PATHS = [
    ("GET", "/api/approvals/{id}", "approval_id"),
    ("POST", "/api/approvals/{id}/approve", "approval_id"),
    ("POST", "/api/approvals/{id}/reject", "approval_id"),
    ("GET", "/api/jobs/{id}", "job_id"),
    ("POST", "/api/jobs/{id}/cancel", "job_id"),
    ("GET", "/api/conversations/{id}", "conversation_id"),
    ("DELETE", "/api/conversations/{id}", "conversation_id"),
]


def _invalid(response: Any, field: str) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert field in error["fields"], error
    assert field in error["message"], error
    return error


@pytest.mark.parametrize(("method", "path", "field"), PATHS)
@pytest.mark.parametrize("bad", [HUGE, "9223372036854775808", "0"])
async def test_out_of_range_path_ids_are_422(
    client: Client, staff: dict[str, Member], method: str, path: str, field: str, bad: str
) -> None:
    body = {"reason": "x"} if method == "POST" else None
    response = await client.request(
        method, path.format(id=bad), json=body, headers=staff["owner"].headers
    )
    _invalid(response, field)


@pytest.mark.parametrize("bad", [HUGE, "²", "١٢", "-1", "1e3", "0x10", "Ⅻ"])
async def test_a_bad_last_event_id_query_is_422(
    client: Client, staff: dict[str, Member], bad: str
) -> None:
    response = await client.get(
        "/api/events", params={"last_event_id": bad}, headers=staff["owner"].headers
    )
    _invalid(response, "Last-Event-ID")


@pytest.mark.parametrize("bad", [HUGE.encode(), "²".encode(), "café".encode(), b"\xff\xfe"])
async def test_a_bad_last_event_id_header_is_422(
    client: Client, staff: dict[str, Member], bad: bytes
) -> None:
    headers: dict[str, Any] = {**staff["owner"].headers, "Last-Event-ID": bad}
    response = await client.get("/api/events", headers=headers)
    _invalid(response, "Last-Event-ID")


async def _pending_approval(client: Client, staff: dict[str, Member]) -> int:
    created = await client.post(
        "/api/rpc/contacts.create",
        json={"first_name": "Nobody", "last_name": "Body"},
        headers=staff["owner"].headers,
    )
    assert created.status_code == 200, created.text
    asked = await client.post(
        "/api/rpc/contacts.delete",
        json={"contact_id": created.json()["id"]},
        headers=staff["front_desk"].headers,
    )
    assert asked.status_code == 202, asked.text
    approval_id: int = asked.json()["approval_id"]
    return approval_id


@pytest.mark.parametrize("body", [None, {}, {"reason": None}])
async def test_approve_takes_no_body_at_all(
    client: Client, staff: dict[str, Member], body: dict[str, Any] | None
) -> None:
    approval_id = await _pending_approval(client, staff)
    response = await client.post(
        f"/api/approvals/{approval_id}/approve", json=body, headers=staff["owner"].headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "approved"


@pytest.mark.parametrize("body", [None, {}, {"reason": ""}, {"reason": 5}])
async def test_reject_without_a_reason_is_422_naming_the_reason(
    client: Client, staff: dict[str, Member], body: dict[str, Any] | None
) -> None:
    approval_id = await _pending_approval(client, staff)
    response = await client.post(
        f"/api/approvals/{approval_id}/reject", json=body, headers=staff["owner"].headers
    )
    error = _invalid(response, "reason")
    assert "'data'" not in error["message"]


@pytest.mark.parametrize("path", ["/api/chat", "/api/rpc/tasks.list"])
async def test_a_missing_body_is_named_in_words(
    client: Client, staff: dict[str, Member], path: str
) -> None:
    response = await client.post(path, headers=staff["owner"].headers)
    error = _invalid(response, "body")
    assert error["message"] == "invalid body: a JSON body is required"
