"""What undo keeps, against erasure and concurrency: deleting the contact a merge kept leaves
nothing of the merged-away record in the undo store; two approvers and one undo racing end
in one consistent state."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from litestar.testing import AsyncTestClient
from sqlmodel import col, select

from assistant.db.models import Action, Approval, Contact, ContactTag, Tag
from assistant.procedures.executor import Executor
from assistant.settings import Settings
from server.app import create_app
from tests.plugins.app import Member
from tests.plugins.chat import serve_in_process
from tests.plugins.jobs import jobs_for, run
from tests.plugins.records import Records

Client = AsyncTestClient  # type: ignore[type-arg]


async def _approve_and_run(
    client: Client, executor: Executor, owner: Member, approval_id: int
) -> None:
    approved = await client.post(
        f"/api/approvals/{approval_id}/approve", json={}, headers=owner.headers
    )
    assert approved.status_code == 200, approved.text
    [job] = await jobs_for(executor, idempotency_key=f"approval:{approval_id}")
    assert await run(executor, job.id or 0) == "succeeded"


async def test_erasure_after_a_merge_leaves_nothing_of_the_deleted_contact_in_the_undo_store(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    desk, prac, owner = staff["front_desk"], staff["practitioner"], staff["owner"]
    clinical = Records(client, prac)
    last = f"Zed{uuid.uuid4().hex[:6]}"
    email = f"{last.lower()}@example.com"
    keep = await clinical.contact(first_name="Keeper", last_name=last)
    dup = await clinical.contact(first_name="Dupli", last_name=last, email=email,
                                 phone="+1 917 555 0142", address="9 Quayside Lane")  # fmt: skip
    await clinical.note(dup["id"], f"Dupli {last} reports a sore back")
    asked = await client.post(
        "/api/rpc/contacts.merge",
        json={"contact_id": keep["id"], "duplicate_id": dup["id"]},
        headers=desk.headers,
    )
    await _approve_and_run(client, executor, owner, asked.json()["approval_id"])
    async with executor.runtime.sessions() as session:
        merge = (
            await session.exec(
                select(Action).where(col(Action.approval_id) == asked.json()["approval_id"])
            )
        ).one()
    assert merge.undo is not None and email in str(merge.undo)  # kept, for the window

    deleting = await client.post(
        "/api/rpc/contacts.delete", json={"contact_id": keep["id"]}, headers=desk.headers
    )
    await _approve_and_run(client, executor, owner, deleting.json()["approval_id"])

    async with executor.runtime.sessions() as session:
        rows = (await session.exec(select(Action))).all()
    store = "\n".join(repr((r.args, r.result, r.impact, r.undo, r.reason)) for r in rows)
    for needle in (email, f"Dupli {last}", "Quayside", "917 555 0142", "sore back", last):
        assert needle not in store, needle
    merged = next(r for r in rows if r.id == merge.id)
    assert merged.undo == {"purged": "erased"}
    listed = await client.get("/api/actions?procedure=contacts.merge&limit=1", headers=desk.headers)
    item = listed.json()["items"][0]
    assert item["action_id"] == merge.id and item["undo"]["available"] is False


async def test_two_approvers_and_one_undo_racing_end_in_one_consistent_state(
    app_settings: Settings, staff: dict[str, Member], executor: Executor
) -> None:
    """A merge waits for approval while its requester undoes an earlier tag on the kept
    contact: one approval wins, the undo lands, and the merge (bound to the contact's version
    before the undo) ends stale rather than running on a changed record."""
    desk, owner, owner2 = staff["front_desk"], staff["owner"], staff["owner2"]
    async with (
        serve_in_process(create_app(app_settings)) as base,
        httpx.AsyncClient(base_url=base, timeout=30) as http,
    ):
        records = Records(http, desk)  # type: ignore[arg-type]
        keep = await records.contact()
        dup = await records.contact()
        tag = f"race-{uuid.uuid4().hex[:6]}"
        await records.rpc("tags.add", contact_id=keep["id"], tag=tag)
        tagged = (await http.get("/api/actions?limit=1", headers=desk.headers)).json()["items"][0]
        asked = await http.post(
            "/api/rpc/contacts.merge",
            json={"contact_id": keep["id"], "duplicate_id": dup["id"]},
            headers=desk.headers,
        )
        approval_id = asked.json()["approval_id"]
        first, second, undone = await asyncio.gather(
            http.post(f"/api/approvals/{approval_id}/approve", json={}, headers=owner.headers),
            http.post(f"/api/approvals/{approval_id}/approve", json={}, headers=owner2.headers),
            http.post(f"/api/actions/{tagged['action_id']}/undo", headers=desk.headers),
        )
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    assert undone.status_code == 200, undone.text
    jobs = await jobs_for(executor, idempotency_key=f"approval:{approval_id}")
    assert len(jobs) == 1
    assert await run(executor, jobs[0].id or 0) == "succeeded"
    async with executor.runtime.sessions() as session:
        approval = await session.get(Approval, approval_id)
        assert approval is not None and approval.status == "stale"
        assert await session.get(Contact, dup["id"]) is not None  # the merge did not run
        links = await session.exec(
            select(ContactTag)
            .join(Tag, col(Tag.id) == col(ContactTag.tag_id))
            .where(col(ContactTag.contact_id) == keep["id"], col(Tag.name) == tag)
        )
        assert links.first() is None
        row = await session.get(Action, tagged["action_id"])
        assert row is not None and row.status == "undone" and row.undone_by == desk.user_id


async def test_erasure_purges_what_undo_kept_of_every_change_to_the_contact(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    prac, owner = staff["practitioner"], staff["owner"]
    records = Records(client, prac)
    contact = await records.contact(address="4 Hidden Mews", phone="+1 917 555 0177")
    await records.note(contact["id"], "a private remark")
    await records.rpc("tags.add", contact_id=contact["id"], tag="regular")
    await records.rpc("contacts.update", contact_id=contact["id"], address="5 Open Road")
    await records.task(contact_id=contact["id"], title="ring back")
    await records.appointment(contact["id"])
    listed = await client.get("/api/actions?status=done&limit=5", headers=prac.headers)
    ids = [a["action_id"] for a in listed.json()["items"]]
    assert all(a["undo"]["available"] for a in listed.json()["items"])

    deleting = await client.post(
        "/api/rpc/contacts.delete", json={"contact_id": contact["id"]}, headers=prac.headers
    )
    await _approve_and_run(client, executor, owner, deleting.json()["approval_id"])
    async with executor.runtime.sessions() as session:
        rows = (await session.exec(select(Action).where(col(Action.id).in_(ids)))).all()
    assert len(rows) == 5 and all(r.undo == {"purged": "erased"} for r in rows)
    for action_id in ids:
        refused = await client.post(f"/api/actions/{action_id}/undo", headers=prac.headers)
        assert refused.status_code == 409 and "erased" in refused.json()["error"]["message"]
