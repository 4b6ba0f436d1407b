"""Contacts through the API: search, update, pagination, delete and merge semantics."""

from __future__ import annotations

import uuid
from typing import Any

from litestar.testing import AsyncTestClient
from sqlmodel import select

from assistant.db.models import Approval
from assistant.procedures.executor import Executor
from tests.plugins.app import Member
from tests.plugins.jobs import jobs_for, run
from tests.plugins.records import Records

Client = AsyncTestClient  # type: ignore[type-arg]


async def post(client: Client, member: Member, name: str, **args: Any) -> Any:
    return await client.post(f"/api/rpc/{name}", json=args, headers=member.headers)


async def test_search_is_case_insensitive_on_partial_name_email_and_phone(
    client: Client, staff: dict[str, Member]
) -> None:
    records = Records(client, staff["front_desk"])
    marker = uuid.uuid4().hex[:6]
    made = await records.contact(
        first_name="Xiomara",
        last_name=f"Quist{marker}",
        email=f"xq{marker}@Example.org",
        phone="+1 (628) 555-0177",
        tags=["VIP"],
    )
    assert made["tags"] == ["vip"]
    for query in (
        f"quist{marker}",
        f"QUIST{marker}",
        f"xiomara quist{marker}",
        f"XQ{marker}@example",
        "628) 555-01",
    ):
        found = (await post(client, staff["viewer"], "contacts.search", query=query)).json()
        assert made["id"] in [c["id"] for c in found["items"]], query
    by_tag = (await post(client, staff["viewer"], "contacts.search", tag="vip", limit=200)).json()
    assert made["id"] in [c["id"] for c in by_tag["items"]]
    mixed = (await post(client, staff["viewer"], "contacts.search", query=f"x628{marker}")).json()
    assert mixed["total"] == 0  # letters and digits: a name search, not a phone search
    nothing = (await post(client, staff["viewer"], "contacts.search", query="%")).json()
    assert all("%" in (c["email"] or "") + c["full_name"] for c in nothing["items"])


async def test_lists_paginate_with_total(client: Client, staff: dict[str, Member]) -> None:
    records = Records(client, staff["owner"])
    marker = f"Page{uuid.uuid4().hex[:6]}"
    ids = [(await records.contact(last_name=marker, first_name=f"N{i}"))["id"] for i in range(5)]
    first = (await post(client, staff["owner"], "contacts.search", query=marker, limit=2)).json()
    rest = (
        await post(client, staff["owner"], "contacts.search", query=marker, limit=2, offset=2)
    ).json()
    assert first["total"] == rest["total"] == 5
    assert len(first["items"]) == 2 and len(rest["items"]) == 2
    seen = {c["id"] for c in first["items"] + rest["items"]}
    assert len(seen) == 4 and seen <= set(ids)


async def test_update_changes_fields_and_bumps_version(
    client: Client, staff: dict[str, Member]
) -> None:
    made = await Records(client, staff["owner"]).contact(phone="+1 415 555 0100")
    updated = (
        await post(
            client,
            staff["front_desk"],
            "contacts.update",
            contact_id=made["id"],
            phone="415 555 0132",
            email="tom@example.com",
        )
    ).json()
    assert updated["phone"] == "415 555 0132" and updated["email"] == "tom@example.com"
    assert updated["version"] == made["version"] + 1
    stale = await post(
        client,
        staff["owner"],
        "contacts.update",
        contact_id=made["id"],
        last_name="Other",
        expected_version=made["version"],
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    nothing = await post(client, staff["owner"], "contacts.update", contact_id=made["id"])
    assert nothing.status_code == 422


async def test_delete_waits_for_approval_and_changes_nothing(
    client: Client, staff: dict[str, Member]
) -> None:
    records = Records(client, staff["owner"])
    made = await records.contact(first_name="Ann", last_name=f"Smith{uuid.uuid4().hex[:4]}")
    await records.note(made["id"], "private history")
    response = await post(client, staff["front_desk"], "contacts.delete", contact_id=made["id"])
    assert response.status_code == 202
    pending = response.json()
    assert pending["summary"] == f"contacts.delete (contact #{made['id']})"  # ids only
    assert pending["detail"].startswith(f"Delete contact Ann {made['last_name']} (#{made['id']})")
    assert "private history" not in pending["detail"]
    still = await post(client, staff["owner"], "contacts.get", contact_id=made["id"])
    assert still.status_code == 200 and still.json()["version"] == made["version"]
    notes = (await post(client, staff["owner"], "notes.list", contact_id=made["id"])).json()
    assert notes["total"] == 1
    missing = await post(client, staff["owner"], "contacts.delete", contact_id=99_999_999)
    assert missing.status_code == 404


async def _run_approved(
    client: Client, executor: Executor, staff: dict[str, Member], name: str, **args: Any
) -> Any:
    """Run a critical call the only way there is: requested, approved by a second owner,
    executed by the approval job."""
    requested = await post(client, staff["owner"], name, **args)
    assert requested.status_code == 202, requested.text
    approval_id = requested.json()["approval_id"]
    approved = await client.post(
        f"/api/approvals/{approval_id}/approve", json={}, headers=staff["owner2"].headers
    )
    assert approved.status_code == 200, approved.text
    [job] = await jobs_for(executor, idempotency_key=f"approval:{approval_id}")
    assert await run(executor, job.id or 0) == "succeeded"
    async with executor.runtime.sessions() as session:
        row = await session.get(Approval, approval_id)
    assert row is not None and row.status == "executed", row and row.reason
    return row.result


async def test_delete_removes_all_personal_data_when_run(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    records = Records(client, staff["owner"])
    made = await records.contact(email="gone@example.com", tags=["vip"])
    note = await records.note(made["id"])
    await records.task(contact_id=made["id"])
    await records.appointment(made["id"])
    await records.draft(made["id"])
    await _run_approved(client, executor, staff, "contacts.delete", contact_id=made["id"])
    assert (
        await post(client, staff["owner"], "contacts.get", contact_id=made["id"])
    ).status_code == 404
    gone = await post(client, staff["owner"], "notes.delete", note_id=note["id"])
    assert gone.status_code == 404
    tasks = (
        await post(client, staff["owner"], "tasks.list", contact_id=made["id"], status="all")
    ).json()
    assert tasks["total"] == 0
    appts = (
        await post(
            client,
            staff["owner"],
            "appointments.list",
            contact_id=made["id"],
            include_cancelled=True,
        )
    ).json()
    assert appts["total"] == 0


async def test_merge_moves_records_fills_gaps_and_deletes_duplicate(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    records = Records(client, staff["owner"])
    keep = await records.contact(first_name="John", last_name="Smith", tags=["vip"])
    dup = await records.contact(
        first_name="Jon",
        last_name="Smith",
        email="jon@example.com",
        phone="+1 415 555 0109",
        tags=["insurance", "vip"],
    )
    note = await records.note(dup["id"], "dup's note")
    task = await records.task(contact_id=dup["id"])
    appt = await records.appointment(dup["id"])
    draft = await records.draft(dup["id"])
    pending = await post(
        client,
        staff["practitioner"],
        "contacts.merge",
        contact_id=keep["id"],
        duplicate_id=dup["id"],
    )
    assert pending.status_code == 202
    assert "Merge Jon Smith" in pending.json()["detail"]

    await _run_approved(
        client, executor, staff, "contacts.merge", contact_id=keep["id"], duplicate_id=dup["id"]
    )
    merged = (await post(client, staff["owner"], "contacts.get", contact_id=keep["id"])).json()
    assert merged["email"] == "jon@example.com" and merged["phone"] == "+1 415 555 0109"
    assert merged["tags"] == ["insurance", "vip"]
    assert (
        await post(client, staff["owner"], "contacts.get", contact_id=dup["id"])
    ).status_code == 404
    notes = (await post(client, staff["owner"], "notes.list", contact_id=keep["id"])).json()
    assert [n["id"] for n in notes["items"]] == [note["id"]]
    tasks = (await post(client, staff["owner"], "tasks.list", contact_id=keep["id"])).json()
    assert [t["id"] for t in tasks["items"]] == [task["id"]]
    appts = (await post(client, staff["owner"], "appointments.list", contact_id=keep["id"])).json()
    assert [a["id"] for a in appts["items"]] == [appt["id"]]
    moved = await post(client, staff["owner"], "emails.update", draft_id=draft["id"], body="hi")
    assert moved.json()["contact_id"] == keep["id"]


async def test_merge_into_itself_is_invalid(client: Client, staff: dict[str, Member]) -> None:
    made = await Records(client, staff["owner"]).contact()
    response = await post(
        client, staff["owner"], "contacts.merge", contact_id=made["id"], duplicate_id=made["id"]
    )
    assert response.status_code == 422


async def test_pending_approvals_are_listed_for_requester_and_approvers(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    made = await Records(client, staff["owner"]).contact()
    response = await post(client, staff["front_desk"], "contacts.delete", contact_id=made["id"])
    approval_id = response.json()["approval_id"]
    for role in ("front_desk", "owner", "practitioner"):
        listed = (await client.get("/api/approvals", headers=staff[role].headers)).json()
        assert approval_id in [a["approval_id"] for a in listed["items"]], role
    viewer = (await client.get("/api/approvals", headers=staff["viewer"].headers)).json()
    assert approval_id not in [a["approval_id"] for a in viewer["items"]]
    async with executor.runtime.sessions() as session:
        row = (await session.exec(select(Approval).where(Approval.id == approval_id))).one()
    # Bound to the contact's version and to the preview's digest (what the deletion erases).
    assert row.target[f"contacts:{made['id']}"] == str(made["version"])
    assert set(row.target) == {f"contacts:{made['id']}", "impact"}
    assert len(row.call_hash) == 64


async def test_search_sorts_by_name_either_way_and_by_age(
    client: Client, staff: dict[str, Member]
) -> None:
    records = Records(client, staff["owner"])
    marker = f"Sort{uuid.uuid4().hex[:6]}"
    made = [(await records.contact(first_name=f"{marker}{n}", last_name=n))["id"] for n in "BCA"]

    async def ids(sort: str) -> list[int]:
        page = await post(client, staff["viewer"], "contacts.search", query=marker, sort=sort)
        return [c["id"] for c in page.json()["items"]]

    assert await ids("name") == [made[2], made[0], made[1]]  # A, B, C
    assert await ids("-name") == [made[1], made[0], made[2]]
    assert await ids("oldest") == made
    assert await ids("newest") == made[::-1]
    refused = await post(client, staff["viewer"], "contacts.search", sort="shoe size")
    assert refused.status_code == 422
    assert "sort" in refused.json()["error"]["fields"]
