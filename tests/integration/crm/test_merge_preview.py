"""Impact previews against what really happens (issue 18), on SQLite and PostgreSQL: the
counts and records a merge's preview lists are exactly the rows the merge moves."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient
from sqlmodel import col, select

from assistant.db.models import Action, Appointment, ContactTag, EmailDraft, Note, Tag, Task
from assistant.procedures.executor import Executor
from tests.plugins.app import Member
from tests.plugins.jobs import jobs_for, run
from tests.plugins.records import Records

Client = AsyncTestClient  # type: ignore[type-arg]
OWNED = {"note": Note, "task": Task, "appointment": Appointment, "draft": EmailDraft}


async def _owned(executor: Executor, contact_id: int) -> dict[str, set[int]]:
    """What a contact owns now, by the preview's record types."""
    out: dict[str, set[int]] = {}
    async with executor.runtime.sessions() as session:
        for kind, model in OWNED.items():
            rows = await session.exec(select(model.id).where(model.contact_id == contact_id))  # type: ignore[attr-defined]
            out[kind] = set(rows.all())
        tags = await session.exec(
            select(Tag.id)
            .join(ContactTag, col(ContactTag.tag_id) == col(Tag.id))
            .where(ContactTag.contact_id == contact_id)
        )
        out["tag"] = set(tags.all())  # type: ignore[arg-type]
    return out


async def _preview(executor: Executor, approval_id: int) -> dict[str, Any]:
    async with executor.runtime.sessions() as session:
        row = (await session.exec(select(Action).where(Action.approval_id == approval_id))).one()
    assert row.impact is not None
    return row.impact


async def test_a_merge_preview_lists_exactly_what_the_merge_moves(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    prac, owner = staff["practitioner"], staff["owner"]
    records = Records(client, prac)
    keep, dup = await records.contact(), await records.contact()
    for body in ("knee pain", "better"):
        await records.note(dup["id"], body)
    await records.note(keep["id"], "stays where it is")
    await records.task(contact_id=dup["id"], title="call back")
    for _ in range(2):
        await records.appointment(dup["id"])
    await records.draft(dup["id"])
    for tag in ("shared", "only-dup"):
        await records.rpc("tags.add", contact_id=dup["id"], tag=tag)
    await records.rpc("tags.add", contact_id=keep["id"], tag="shared")
    before_keep, before_dup = await _owned(executor, keep["id"]), await _owned(executor, dup["id"])

    asked = await client.post(
        "/api/rpc/contacts.merge",
        json={"contact_id": keep["id"], "duplicate_id": dup["id"]},
        headers=prac.headers,
    )
    approval_id = asked.json()["approval_id"]
    preview = await _preview(executor, approval_id)
    assert preview["counts"] == {"appointment": 2, "draft": 1, "note": 2, "tag": 1, "task": 1}
    assert preview["keep"]["id"] == keep["id"] and preview["remove"]["id"] == dup["id"]
    named = {r["type"]: r["name"] for r in preview["records"]}
    assert named["task"] == "call back" and named["tag"] == "only-dup"
    assert named["note"].startswith("Note of ")  # never the note's text

    approved = await client.post(f"/api/approvals/{approval_id}/approve", json={},
                                 headers=owner.headers)  # fmt: skip
    assert approved.status_code == 200
    [job] = await jobs_for(executor, idempotency_key=f"approval:{approval_id}")
    assert await run(executor, job.id or 0) == "succeeded"

    after_keep = await _owned(executor, keep["id"])
    moved = {kind: after_keep[kind] - before_keep[kind] for kind in after_keep}
    listed: dict[str, set[int]] = {kind: set() for kind in moved}
    for record in preview["records"]:
        listed[record["type"]].add(record["id"])
    assert moved == listed
    assert {k: len(v) for k, v in moved.items() if v} == preview["counts"]
    assert moved["note"] == before_dup["note"]


async def test_a_delete_preview_lists_what_erasure_removes(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    prac = staff["practitioner"]
    records = Records(client, prac)
    contact = await records.contact()
    await records.note(contact["id"])
    await records.task(contact_id=contact["id"])
    asked = await client.post("/api/rpc/contacts.delete", json={"contact_id": contact["id"]},
                              headers=prac.headers)  # fmt: skip
    preview = await _preview(executor, asked.json()["approval_id"])
    assert preview["counts"] == {"contact": 1, "note": 1, "task": 1}
    assert preview["call"].startswith(f"Delete contact {contact['full_name']}")
