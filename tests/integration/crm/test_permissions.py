"""The permission table of DESIGN.md section 3, written out by hand.

R = runs (200), A = waits for approval (202), - = 403. Not derived from `roles=`: this is
the specification the declarations are checked against.
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from assistant import compose
from tests.plugins.app import Member
from tests.plugins.records import Records

# fmt: off
#                        owner practitioner front_desk viewer
EXPECTED: dict[str, tuple[str, str, str, str]] = {
    "contacts.create":     ("R", "R", "R", "-"),
    "contacts.get":        ("R", "R", "R", "R"),
    "contacts.search":     ("R", "R", "R", "R"),
    "contacts.update":     ("R", "R", "R", "-"),
    "contacts.delete":     ("A", "A", "A", "-"),
    "contacts.merge":      ("A", "A", "A", "-"),
    "contacts.enrich":     ("R", "R", "R", "-"),
    "contacts.enrich_all": ("A", "A", "-", "-"),
    "tags.add":            ("R", "R", "R", "-"),
    "tags.remove":         ("R", "R", "R", "-"),
    "notes.add":           ("R", "R", "-", "-"),
    "notes.list":          ("R", "R", "-", "-"),
    "notes.delete":        ("R", "R", "-", "-"),
    "tasks.create":        ("R", "R", "R", "-"),
    "tasks.list":          ("R", "R", "R", "R"),
    "tasks.complete":      ("R", "R", "R", "-"),
    "appointments.book":   ("R", "R", "R", "-"),
    "appointments.list":   ("R", "R", "R", "R"),
    "appointments.cancel": ("R", "R", "R", "-"),
    "emails.draft":        ("R", "R", "R", "-"),
    "emails.update":       ("R", "R", "R", "-"),
    "emails.send":         ("A", "A", "A", "-"),
}
# fmt: on
ROLES = ("owner", "practitioner", "front_desk", "viewer")
STATUS = {"R": 200, "A": 202, "-": 403}


async def valid_args(name: str, records: Records) -> dict[str, Any]:
    """Arguments that would succeed, on fresh records, so only the role decides the outcome."""
    if name == "contacts.create":
        return {"first_name": "Perm", "last_name": "Check"}
    if name == "contacts.search":
        return {"query": "perm"}
    if name in ("tasks.list", "appointments.list", "contacts.enrich_all"):
        return {}
    if name == "tasks.create":
        return {"title": "call back"}
    contact = (await records.contact())["id"]
    simple: dict[str, dict[str, Any]] = {
        "contacts.get": {"contact_id": contact},
        "contacts.update": {"contact_id": contact, "phone": "+1 415 555 0199"},
        "contacts.delete": {"contact_id": contact},
        "contacts.enrich": {"contact_id": contact},
        "tags.add": {"contact_id": contact, "tag": "vip"},
        "tags.remove": {"contact_id": contact, "tag": "vip"},
        "notes.add": {"contact_id": contact, "body": "feels better"},
        "notes.list": {"contact_id": contact},
        "appointments.book": {
            "contact_id": contact,
            "starts_at": "2031-05-04T10:00:00+02:00",
            "practitioner_id": None,
        },
        "emails.draft": {"contact_id": contact, "purpose": "welcome"},
    }
    if name in simple:
        return simple[name]
    if name == "contacts.merge":
        return {"contact_id": contact, "duplicate_id": (await records.contact())["id"]}
    if name == "notes.delete":
        return {"note_id": (await records.note(contact))["id"]}
    if name == "tasks.complete":
        return {"task_id": (await records.task(contact_id=contact))["id"]}
    if name == "appointments.cancel":
        return {"appointment_id": (await records.appointment(contact))["id"]}
    if name == "emails.send":
        return {"draft_id": (await records.draft(contact))["id"]}
    if name == "emails.update":
        return {"draft_id": (await records.draft(contact))["id"], "subject": "Hello"}
    raise AssertionError(f"no arguments written for {name}")


def test_table_covers_every_declared_procedure() -> None:
    assert set(EXPECTED) == set(compose.procedures().names())


@pytest.mark.parametrize("role_index", range(4), ids=ROLES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
async def test_permission_table(
    client: AsyncTestClient,
    staff: dict[str, Member],
    name: str,
    role_index: int,  # type: ignore[type-arg]
) -> None:
    role = ROLES[role_index]
    args = await valid_args(name, Records(client, staff["owner"]))
    response = await client.post(f"/api/rpc/{name}", json=args, headers=staff[role].headers)
    expected = STATUS[EXPECTED[name][role_index]]
    assert response.status_code == expected, (name, role, response.text)
    if expected == 403:
        assert response.json()["error"]["code"] == "forbidden"
    if expected == 202:
        body = response.json()
        assert body["procedure"] == name and body["status"] == "pending"
        assert body["requested_by"] == staff[role].user_id
        assert set(body["approver_roles"]) == {"owner", "practitioner"}
        assert {"approval_id", "args", "summary", "expires_at"} <= set(body)


@pytest.mark.parametrize("role", ROLES)
async def test_rpc_listing_matches_the_table(
    client: AsyncTestClient,
    staff: dict[str, Member],
    role: str,  # type: ignore[type-arg]
) -> None:
    response = await client.get("/api/rpc", headers=staff[role].headers)
    assert response.status_code == 200
    listed = {p["name"]: p for p in response.json()}
    index = ROLES.index(role)
    assert set(listed) == {n for n, row in EXPECTED.items() if row[index] != "-"}
    for name, info in listed.items():
        assert info["needs_approval"] == (EXPECTED[name][index] == "A")
        assert info["tool_name"] == name.replace(".", "_")
        assert info["input_schema"]["type"] == "object"
