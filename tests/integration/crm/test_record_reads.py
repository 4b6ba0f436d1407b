"""One task or appointment by id (record links), and contact names for a list by id."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.plugins.app import Member
from tests.plugins.records import Records

Client = AsyncTestClient  # type: ignore[type-arg]


async def post(client: Client, member: Member, name: str, **args: Any) -> Any:
    return await client.post(f"/api/rpc/{name}", json=args, headers=member.headers)


async def test_a_task_and_an_appointment_are_read_by_id(
    client: Client, staff: dict[str, Member]
) -> None:
    records = Records(client, staff["front_desk"])
    contact = (await records.contact())["id"]
    task = await records.task(title="send intake form", contact_id=contact)
    booked = await records.appointment(contact, duration_minutes=45)
    got = (await post(client, staff["viewer"], "tasks.get", task_id=task["id"])).json()
    assert got == task
    seen = await post(client, staff["viewer"], "appointments.get", appointment_id=booked["id"])
    assert seen.json() == booked


async def test_unknown_ids_are_404_naming_the_field(
    client: Client, staff: dict[str, Member]
) -> None:
    missing = await post(client, staff["owner"], "tasks.get", task_id=99_999_999)
    assert missing.status_code == 404 and "task_id" in missing.text
    gone = await post(client, staff["owner"], "appointments.get", appointment_id=99_999_999)
    assert gone.status_code == 404 and "appointment_id" in gone.text
    typo = await post(client, staff["owner"], "tasks.get", task_id=1, title="x")
    assert typo.status_code == 422


async def test_search_by_ids_returns_exactly_those_contacts(
    client: Client, staff: dict[str, Member]
) -> None:
    records = Records(client, staff["owner"])
    a, b, _ = (await records.contact()), (await records.contact()), (await records.contact())
    found = (await post(client, staff["viewer"], "contacts.search", ids=[a["id"], b["id"]])).json()
    assert {c["id"] for c in found["items"]} == {a["id"], b["id"]} and found["total"] == 2
    none = (await post(client, staff["viewer"], "contacts.search", ids=[])).json()
    assert none == {"items": [], "total": 0}
    too_many = await post(client, staff["viewer"], "contacts.search", ids=list(range(1, 202)))
    assert too_many.status_code == 422 and "ids" in too_many.text
