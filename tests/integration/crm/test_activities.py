"""Notes, tasks, appointments, tags and drafts: behaviour and conflicts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from litestar.testing import AsyncTestClient

from tests.plugins.app import Member
from tests.plugins.records import Records

Client = AsyncTestClient  # type: ignore[type-arg]


async def post(client: Client, member: Member, name: str, **args: Any) -> Any:
    return await client.post(f"/api/rpc/{name}", json=args, headers=member.headers)


async def test_notes_are_listed_newest_first(client: Client, staff: dict[str, Member]) -> None:
    records = Records(client, staff["practitioner"])
    contact = (await records.contact())["id"]
    first = await records.note(contact, "first")
    second = await records.note(contact, "second")
    listed = (await post(client, staff["owner"], "notes.list", contact_id=contact)).json()
    assert [n["id"] for n in listed["items"]] == [second["id"], first["id"]]
    assert listed["items"][0]["author_id"] == staff["practitioner"].user_id
    unknown = await post(client, staff["owner"], "notes.add", contact_id=99_999_999, body="x")
    assert unknown.status_code == 404


async def test_tasks_default_to_the_caller_and_complete_once(
    client: Client, staff: dict[str, Member]
) -> None:
    fd = staff["front_desk"]
    due = datetime.now(UTC) + timedelta(days=1)
    task = await Records(client, fd).task(title="call Priya's insurer", due_at=due.isoformat())
    assert task["assignee_id"] == fd.user_id and task["status"] == "open"
    mine = (await post(client, fd, "tasks.list", mine=True, limit=200)).json()
    assert task["id"] in [t["id"] for t in mine["items"]]
    others = (await post(client, staff["owner"], "tasks.list", mine=True, limit=200)).json()
    assert task["id"] not in [t["id"] for t in others["items"]]
    done = (await post(client, fd, "tasks.complete", task_id=task["id"])).json()
    assert done["status"] == "done" and done["completed_at"]
    again = await post(client, fd, "tasks.complete", task_id=task["id"])
    assert again.status_code == 409


async def test_appointments_refuse_overlaps_and_cancel_once(
    client: Client, staff: dict[str, Member]
) -> None:
    pr = staff["practitioner"]
    records = Records(client, pr)
    contact = (await records.contact())["id"]
    start = datetime(2029, 6, 1, 15, 0, tzinfo=UTC)
    booked = await records.appointment(contact, start, duration_minutes=45)
    assert booked["practitioner_id"] == pr.user_id
    assert booked["ends_at"].startswith("2029-06-01T15:45")
    clash = await post(
        client,
        pr,
        "appointments.book",
        contact_id=contact,
        starts_at=(start + timedelta(minutes=30)).isoformat(),
    )
    assert clash.status_code == 409
    error = clash.json()["error"]
    # In words, in the caller's zone (New York: 15:00 UTC is 11:00 am); the id in the field.
    name = (await records.rpc("contacts.get", contact_id=contact))["full_name"]
    assert error["message"] == f"You already have {name} from 11:00-11:45 am on Fri 1 Jun"
    assert error["fields"] == {"starts_at": f"overlaps appointment {booked['id']}"}
    after = await records.appointment(contact, start + timedelta(minutes=45))
    day = (
        await post(
            client,
            pr,
            "appointments.list",
            mine=True,
            date_from="2029-06-01T00:00:00+00:00",
            date_to="2029-06-02T00:00:00+00:00",
        )
    ).json()
    assert [a["id"] for a in day["items"]] == [booked["id"], after["id"]]
    cancelled = (await post(client, pr, "appointments.cancel", appointment_id=booked["id"])).json()
    assert cancelled["status"] == "cancelled"
    assert (
        await post(client, pr, "appointments.cancel", appointment_id=booked["id"])
    ).status_code == 409
    naive = await post(
        client, pr, "appointments.book", contact_id=contact, starts_at="2029-06-01T15:00:00"
    )
    assert naive.status_code == 422


async def test_tags_normalise_and_are_idempotent(client: Client, staff: dict[str, Member]) -> None:
    records = Records(client, staff["front_desk"])
    contact = await records.contact()
    tagged = await records.rpc("tags.add", contact_id=contact["id"], tag="New Client")
    assert tagged["tags"] == ["new-client"]
    again = await records.rpc("tags.add", contact_id=contact["id"], tag="new-client")
    assert again["tags"] == ["new-client"] and again["version"] == tagged["version"]
    removed = await records.rpc("tags.remove", contact_id=contact["id"], tag="NEW CLIENT")
    assert removed["tags"] == []
    bad = await post(client, staff["front_desk"], "tags.add", contact_id=contact["id"], tag="<b>")
    assert bad.status_code == 422 and "tag" in bad.json()["error"]["fields"]


async def test_drafts_from_templates_and_edits(client: Client, staff: dict[str, Member]) -> None:
    records = Records(client, staff["front_desk"])
    contact = await records.contact(first_name="Omar")
    draft = await records.rpc(
        "emails.draft",
        contact_id=contact["id"],
        purpose="follow_up",
        instructions="About the missed appointment on Monday.",
    )
    assert draft["status"] == "ready"
    assert draft["body"].startswith("Dear Omar,") and "missed appointment" in draft["body"]
    edited = await records.rpc("emails.update", draft_id=draft["id"], subject="See you soon")
    assert edited["subject"] == "See you soon" and edited["body"] == draft["body"]
    bad = await post(
        client, staff["front_desk"], "emails.draft", contact_id=contact["id"], purpose="spam"
    )
    assert bad.status_code == 422 and "purpose" in bad.json()["error"]["fields"]


async def test_email_drafts_list_per_contact_newest_first_for_staff_only(
    client: AsyncTestClient,
    staff: dict[str, Member],  # type: ignore[type-arg]
) -> None:
    headers = staff["front_desk"].headers
    made = await client.post(
        "/api/rpc/contacts.create", json={"first_name": "Drafty"}, headers=headers
    )
    contact_id = made.json()["id"]
    for purpose in ("welcome", "reminder"):
        drafted = await client.post(
            "/api/rpc/emails.draft",
            json={"contact_id": contact_id, "purpose": purpose},
            headers=headers,
        )
        assert drafted.status_code == 200, drafted.text
    listed = await client.post(
        "/api/rpc/emails.list", json={"contact_id": contact_id}, headers=headers
    )
    assert listed.status_code == 200
    body = listed.json()
    assert body["total"] == 2
    assert [d["purpose"] for d in body["items"]] == ["reminder", "welcome"]
    assert {d["contact_id"] for d in body["items"]} == {contact_id}
    viewer = await client.post(
        "/api/rpc/emails.list", json={"contact_id": contact_id}, headers=staff["viewer"].headers
    )
    assert viewer.status_code == 403
