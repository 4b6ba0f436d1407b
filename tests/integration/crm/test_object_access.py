"""Clinical text (notes, the profile summary drawn from them) reaches owners and practitioners
only, in every read path."""

from __future__ import annotations

import uuid

import pytest
from litestar.testing import AsyncTestClient

from assistant.db.models import Contact
from assistant.runtime import Runtime
from tests.plugins.app import Member
from tests.plugins.records import Records

Client = AsyncTestClient  # type: ignore[type-arg]
SUMMARY = "Chronic migraines; responds well to acupuncture."


@pytest.fixture
async def patient(client: Client, staff: dict[str, Member], runtime: Runtime) -> dict[str, object]:
    records = Records(client, staff["practitioner"])
    contact = await records.contact(last_name=f"Private{uuid.uuid4().hex[:6]}")
    await records.note(contact["id"], "migraine diary reviewed")
    async with runtime.sessions() as session, session.begin():
        row = await session.get(Contact, contact["id"])
        assert row is not None
        row.enrichment = {"phone_region": "US"}
        row.profile_summary = SUMMARY
        session.add(row)
    return contact


@pytest.mark.parametrize(
    ("role", "sees"),
    [("owner", True), ("practitioner", True), ("front_desk", False), ("viewer", False)],
)
async def test_profile_summary_only_for_clinical_roles(
    client: Client, staff: dict[str, Member], patient: dict[str, object], role: str, sees: bool
) -> None:
    headers = staff[role].headers
    got = (
        await client.post(
            "/api/rpc/contacts.get", json={"contact_id": patient["id"]}, headers=headers
        )
    ).json()
    found = (
        await client.post(
            "/api/rpc/contacts.search", json={"query": patient["last_name"]}, headers=headers
        )
    ).json()["items"]
    for view in (got, *found):
        assert view["enrichment"] == {"phone_region": "US"}
        assert view["profile_summary"] == (SUMMARY if sees else None)
        assert ("migraine" in str(view)) is sees


@pytest.mark.parametrize("role", ["front_desk", "viewer"])
async def test_notes_are_closed_to_non_clinical_roles(
    client: Client, staff: dict[str, Member], patient: dict[str, object], role: str
) -> None:
    for name, args in (
        ("notes.list", {"contact_id": patient["id"]}),
        ("notes.add", {"contact_id": patient["id"], "body": "x"}),
        ("notes.delete", {"note_id": 1}),
    ):
        response = await client.post(f"/api/rpc/{name}", json=args, headers=staff[role].headers)
        assert response.status_code == 403
        assert "migraine" not in response.text


async def test_unknown_ids_are_404_for_every_id_argument(
    client: Client, staff: dict[str, Member]
) -> None:
    missing = 987_654_321
    cases = {
        "contacts.get": {"contact_id": missing},
        "contacts.update": {"contact_id": missing, "first_name": "X"},
        "contacts.delete": {"contact_id": missing},
        "contacts.merge": {"contact_id": missing, "duplicate_id": missing + 1},
        "tags.add": {"contact_id": missing, "tag": "vip"},
        "notes.list": {"contact_id": missing},
        "notes.delete": {"note_id": missing},
        "tasks.complete": {"task_id": missing},
        "tasks.create": {"title": "x", "contact_id": missing},
        "appointments.cancel": {"appointment_id": missing},
        "appointments.book": {"contact_id": missing, "starts_at": "2031-01-01T09:00:00Z"},
        "emails.draft": {"contact_id": missing, "purpose": "welcome"},
        "emails.update": {"draft_id": missing, "body": "x"},
    }
    for name, args in cases.items():
        response = await client.post(f"/api/rpc/{name}", json=args, headers=staff["owner"].headers)
        assert response.status_code == 404, (name, response.text)
        assert response.json()["error"]["code"] == "not_found"
