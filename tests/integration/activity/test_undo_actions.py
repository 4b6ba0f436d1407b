"""Undo (issue 19): each invertible procedure, undone, leaves its records exactly as they were
(rows compared before and after, on SQLite and PostgreSQL); a later change refuses the undo
with its reason; every undo and refusal is audited."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import AsyncTestClient
from sqlmodel import col, select

from assistant.db.models import (
    Action,
    Appointment,
    AuditEvent,
    Contact,
    ContactTag,
    EmailDraft,
    Event,
    Note,
    Tag,
    Task,
)
from assistant.procedures.executor import Executor
from assistant.procedures.ledger import purge_expired
from tests.plugins.app import Member
from tests.plugins.jobs import jobs_for, run
from tests.plugins.records import Records

Client = AsyncTestClient  # type: ignore[type-arg]
# Bookkeeping an undo moves on (approvals bind to versions, so they never go back).
VOLATILE = {"version", "updated_at"}


async def state(executor: Executor, contact_ids: list[int]) -> dict[str, Any]:
    """Every row that belongs to these contacts, and every tag, as plain values."""

    def rows(found: Any) -> list[dict[str, Any]]:
        return sorted(
            (r.model_dump(mode="json", exclude=VOLATILE) for r in found),
            key=lambda r: sorted((k, str(v)) for k, v in r.items()),
        )

    async with executor.runtime.sessions() as session:
        out: dict[str, Any] = {
            "contacts": rows(
                (await session.exec(select(Contact).where(col(Contact.id).in_(contact_ids)))).all()
            ),
            "tags": rows((await session.exec(select(Tag))).all()),
            "contact_tags": rows(
                (
                    await session.exec(
                        select(ContactTag).where(col(ContactTag.contact_id).in_(contact_ids))
                    )
                ).all()
            ),
        }
        for name, model in (
            ("notes", Note), ("tasks", Task), ("appointments", Appointment),
            ("email_drafts", EmailDraft),
        ):  # fmt: skip
            query = select(model).where(col(model.contact_id).in_(contact_ids))  # type: ignore[attr-defined]
            if model is Appointment:  # a cancelled booking is kept for the record
                query = query.where(col(Appointment.status) == "booked")
            out[name] = rows((await session.exec(query)).all())
    return out


async def last_action(client: Client, member: Member) -> dict[str, Any]:
    response = await client.get("/api/actions?limit=1", headers=member.headers)
    assert response.status_code == 200, response.text
    item: dict[str, Any] = response.json()["items"][0]
    return item


async def undo(client: Client, member: Member, action_id: int) -> Any:
    return await client.post(f"/api/actions/{action_id}/undo", headers=member.headers)


async def audit_outcomes(executor: Executor, procedure: str) -> list[str]:
    async with executor.runtime.sessions() as session:
        found = await session.exec(
            select(AuditEvent.outcome)
            .where(AuditEvent.procedure == procedure)
            .order_by(col(AuditEvent.id))
        )
        return list(found.all())


Act = Callable[[Records, int], Awaitable[Any]]
# What a set-up made, for the call after it (a task to complete).
Made = dict[str, Any]
Step = Callable[[Records, int, Made], Awaitable[Any]]


async def _tagged(records: Records, contact_id: int, made: Made) -> None:
    await records.rpc("tags.add", contact_id=contact_id, tag="regular")


async def _task(records: Records, contact_id: int, made: Made) -> None:
    made["task_id"] = (await records.task(contact_id=contact_id, title="call the insurer"))["id"]


async def _nothing(records: Records, contact_id: int, made: Made) -> None:
    return None


async def _update(records: Records, contact_id: int, made: Made) -> Any:
    return await records.rpc(
        "contacts.update", contact_id=contact_id, phone="+1 415 555 0101", address="1 Main St",
        last_name="Renamed", email=None,
    )  # fmt: skip


UNIQUE_TAG = f"new-{uuid.uuid4().hex[:6]}"
# procedure -> (set-up before the "before" state, the call whose undo is checked)
CASES: dict[str, tuple[Step, Step]] = {
    "notes.add": (_nothing, lambda r, c, m: r.note(c, "knee is better")),
    "tags.add": (_nothing, lambda r, c, m: r.rpc("tags.add", contact_id=c, tag=UNIQUE_TAG)),
    "tags.remove": (_tagged, lambda r, c, m: r.rpc("tags.remove", contact_id=c, tag="regular")),
    "contacts.update": (_nothing, _update),
    "tasks.create": (_nothing, lambda r, c, m: r.task(contact_id=c, title="send the form")),
    "tasks.complete": (_task, lambda r, c, m: r.rpc("tasks.complete", task_id=m["task_id"])),
    "appointments.book": (_nothing, lambda r, c, m: r.appointment(c)),
}


@pytest.mark.parametrize("procedure", sorted(CASES))
async def test_undo_restores_the_exact_prior_state(
    client: Client, staff: dict[str, Member], executor: Executor, procedure: str
) -> None:
    member = staff["practitioner"]
    records = Records(client, member)
    contact = await records.contact(
        email=f"u{uuid.uuid4().hex[:6]}@example.com", phone="+1 212 555 0100"
    )
    setup, act = CASES[procedure]
    made: Made = {}
    await setup(records, contact["id"], made)
    before = await state(executor, [contact["id"]])

    await act(records, contact["id"], made)
    action = await last_action(client, member)
    assert action["procedure"] == procedure and action["status"] == "done"
    assert action["undo"]["available"] is True and action["undo"]["until"]
    assert await state(executor, [contact["id"]]) != before

    response = await undo(client, member, action["action_id"])
    assert response.status_code == 200, response.text
    assert response.json()["action_ids"] == [action["action_id"]]
    assert await state(executor, [contact["id"]]) == before

    again = await last_action(client, member)  # the undo is an action of its own
    assert again["procedure"] == "actions.undo" and again["undo"]["available"] is False
    listed = await client.get(f"/api/actions?procedure={procedure}&limit=1", headers=member.headers)
    undone = listed.json()["items"][0]
    assert undone["status"] == "undone" and undone["undone_by"] == member.user_id
    assert undone["undo"] == {"available": False, "until": undone["undo"]["until"],
                              "reason": "already undone"}  # fmt: skip
    assert "ok" in await audit_outcomes(executor, "actions.undo")
    second = await undo(client, member, action["action_id"])
    assert second.status_code == 409 and "already undone" in second.json()["error"]["message"]


# Times as staff in California give them (the chat resolves "tomorrow at 10" in their zone):
# the database reads them back in UTC, which is the same time, not a later change.
PACIFIC = timezone(timedelta(hours=-8))
LOCAL: dict[str, Act] = {
    "tasks.create": lambda r, c: r.task(
        contact_id=c, title="call back", due_at=datetime(2030, 3, 4, 10, tzinfo=PACIFIC).isoformat()
    ),
    "appointments.book": lambda r, c: r.appointment(
        c, datetime(2030, 3, 4, 14, tzinfo=PACIFIC) + timedelta(days=next(DAYS))
    ),
}
DAYS = iter(range(1, 10_000))


@pytest.mark.parametrize("procedure", sorted(LOCAL))
async def test_a_call_made_in_local_time_is_undone(
    client: Client, staff: dict[str, Member], executor: Executor, procedure: str
) -> None:
    member = staff["practitioner"]
    records = Records(client, member)
    contact = await records.contact()
    before = await state(executor, [contact["id"]])
    await LOCAL[procedure](records, contact["id"])
    action = await last_action(client, member)
    assert action["procedure"] == procedure and action["undo"]["available"] is True

    response = await undo(client, member, action["action_id"])
    assert response.status_code == 200, response.text
    assert await state(executor, [contact["id"]]) == before


# procedure -> (the call, a later change to the same record, words of the refusal)
LATER: dict[str, tuple[Act, Callable[[Records, dict[str, Any]], Awaitable[Any]], str]] = {
    "notes.add": (
        lambda r, c: r.note(c, "first note"),
        lambda r, out: r.rpc("notes.delete", note_id=out["id"]),
        "was deleted since",
    ),
    "contacts.update": (
        lambda r, c: r.rpc("contacts.update", contact_id=c, phone="+1 415 555 0102"),
        lambda r, out: r.rpc("contacts.update", contact_id=out["id"], phone="+1 415 555 0103"),
        "phone changed since",
    ),
    "tasks.create": (
        lambda r, c: r.task(contact_id=c, title="book a scan"),
        lambda r, out: r.rpc("tasks.complete", task_id=out["id"]),
        "changed since (completed_at, status)",
    ),
    "tags.add": (
        lambda r, c: r.rpc("tags.add", contact_id=c, tag="vip"),
        lambda r, out: r.rpc("tags.remove", contact_id=out["id"], tag="vip"),
        "was taken off since",
    ),
    "appointments.book": (
        lambda r, c: r.appointment(c),
        lambda r, out: r.rpc("appointments.cancel", appointment_id=out["id"]),
        "was cancelled since",
    ),
    "tags.remove": (
        lambda r, c: _untag_after_tagging(r, c),
        lambda r, out: r.rpc("tags.add", contact_id=out["id"], tag="vip"),
        "was put back since",
    ),
    "tasks.complete": (
        lambda r, c: _complete_a_task(r, c),
        lambda r, out: r.rpc("tasks.reopen", task_id=out["id"]),
        "changed since (completed_at, status)",
    ),
}


async def _untag_after_tagging(records: Records, contact_id: int) -> Any:
    await records.rpc("tags.add", contact_id=contact_id, tag="vip")
    return await records.rpc("tags.remove", contact_id=contact_id, tag="vip")


async def _complete_a_task(records: Records, contact_id: int) -> Any:
    task = await records.task(contact_id=contact_id, title="ring the lab")
    return await records.rpc("tasks.complete", task_id=task["id"])


@pytest.mark.parametrize("procedure", sorted(LATER))
async def test_undo_is_refused_after_a_later_change(
    client: Client, staff: dict[str, Member], executor: Executor, procedure: str
) -> None:
    member = staff["front_desk"] if procedure != "notes.add" else staff["practitioner"]
    records = Records(client, member)
    contact = await records.contact()
    call, later, words = LATER[procedure]
    out = await call(records, contact["id"])
    action = await last_action(client, member)
    await later(records, out)
    after_later = await state(executor, [contact["id"]])

    response = await undo(client, member, action["action_id"])
    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert error["code"] == "stale" and words in error["message"], error
    assert await state(executor, [contact["id"]]) == after_later  # nothing was overwritten
    assert "stale" in await audit_outcomes(executor, "actions.undo")
    listed = await client.get(f"/api/actions?procedure={procedure}&limit=1", headers=member.headers)
    assert listed.json()["items"][0]["status"] == "done"  # still done: the refusal rolled back


async def test_only_the_requester_or_an_owner_may_undo(
    client: Client, staff: dict[str, Member]
) -> None:
    desk, other, owner = staff["front_desk"], staff["practitioner"], staff["owner"]
    contact = await Records(client, desk).contact()
    await Records(client, desk).task(contact_id=contact["id"])
    action = await last_action(client, desk)
    assert (await undo(client, other, action["action_id"])).status_code == 404
    mine = await client.get("/api/actions", headers=other.headers)
    assert action["action_id"] not in [a["action_id"] for a in mine.json()["items"]]
    everyone = await client.get("/api/actions?everyone=true&limit=200", headers=owner.headers)
    assert action["action_id"] in [a["action_id"] for a in everyone.json()["items"]]
    assert (await undo(client, owner, action["action_id"])).status_code == 200


async def test_the_window_closes_and_what_undo_kept_is_purged(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    member = staff["practitioner"]
    contact = await Records(client, member).contact()
    await Records(client, member).note(contact["id"], "kept until the window closes")
    action = await last_action(client, member)
    async with executor.runtime.sessions() as session:  # what undo keeps is ciphertext
        raw = (
            await session.exec(
                sa.text("SELECT undo, args FROM actions WHERE id = :id").bindparams(
                    id=action["action_id"]
                )
            )
        ).one()
    assert raw[0] and "note_id" not in raw[0] and "kept until" not in raw[1]
    async with executor.runtime.sessions() as session, session.begin():
        row = await session.get(Action, action["action_id"])
        assert row is not None and row.undo is not None
        row.undo_until = executor.runtime.clock.now() - timedelta(seconds=1)
        session.add(row)
    async with executor.runtime.sessions() as session, session.begin():
        assert await purge_expired(session, executor.runtime.clock.now()) >= 1
    async with executor.runtime.sessions() as session:
        row = await session.get(Action, action["action_id"])
        assert row is not None and row.undo is None
    response = await undo(client, member, action["action_id"])
    assert response.status_code == 409
    assert response.json()["error"]["message"].endswith("the undo window has closed")


async def test_a_failed_call_is_recorded_with_its_reason(
    client: Client, staff: dict[str, Member]
) -> None:
    member = staff["front_desk"]
    response = await client.post(
        "/api/rpc/tasks.complete", json={"task_id": 2_000_000_000}, headers=member.headers
    )
    assert response.status_code == 404
    action = await last_action(client, member)
    assert action["procedure"] == "tasks.complete" and action["status"] == "failed"
    assert "not found" in action["reason"]
    assert action["undo"]["available"] is False


async def test_activity_filters_and_pages(client: Client, staff: dict[str, Member]) -> None:
    member = staff["front_desk"]
    contact = await Records(client, member).contact()
    for title in ("one", "two", "three"):
        await Records(client, member).task(contact_id=contact["id"], title=title)
    page = await client.get(
        "/api/actions?procedure=tasks.create&status=done&limit=2&offset=1", headers=member.headers
    )
    assert page.status_code == 200
    body = page.json()
    assert len(body["items"]) == 2 and body["total"] >= 3
    assert all(a["procedure"] == "tasks.create" for a in body["items"])
    bad = await client.get("/api/actions?status=maybe", headers=member.headers)
    assert bad.status_code == 422


async def test_a_merge_undone_restores_both_contacts_with_their_records(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    desk, prac, owner = staff["front_desk"], staff["practitioner"], staff["owner"]
    clinical = Records(client, prac)
    keep = await clinical.contact(first_name="John", last_name="Smith")
    dup = await clinical.contact(
        first_name="Jon", last_name="Smith", email=f"jon{uuid.uuid4().hex[:6]}@example.com",
        phone="+1 646 555 0111", tags=["vip"],
    )  # fmt: skip
    await clinical.rpc("tags.add", contact_id=keep["id"], tag="regular")
    await clinical.note(dup["id"], "allergic to latex")
    await clinical.note(keep["id"], "prefers mornings")
    await clinical.task(contact_id=dup["id"], title="call back")
    await clinical.appointment(dup["id"])
    await clinical.draft(dup["id"])
    ids = [keep["id"], dup["id"]]
    before = await state(executor, ids)

    asked = await client.post(
        "/api/rpc/contacts.merge",
        json={"contact_id": keep["id"], "duplicate_id": dup["id"]},
        headers=desk.headers,
    )
    assert asked.status_code == 202
    approval_id = asked.json()["approval_id"]
    approved = await client.post(
        f"/api/approvals/{approval_id}/approve", json={}, headers=owner.headers
    )
    assert approved.status_code == 200
    [job] = await jobs_for(executor, idempotency_key=f"approval:{approval_id}")
    assert await run(executor, job.id or 0) == "succeeded"
    merged = await state(executor, ids)
    assert [c["id"] for c in merged["contacts"]] == [keep["id"]]

    action = await last_action(client, desk)
    assert action["procedure"] == "contacts.merge" and action["approval_id"] == approval_id
    async with executor.runtime.sessions() as session:
        told = (
            await session.exec(
                select(Event)
                .where(Event.user_id == desk.user_id, Event.kind == "approval.updated")
                .order_by(col(Event.id).desc())
            )
        ).first()
    assert told is not None and told.data["status"] == "executed"
    assert told.data["action_id"] == action["action_id"]  # an approved execution, undoable
    assert told.data["undo"]["available"] is True
    assert action["decided_by"] == owner.user_id and action["undo"]["available"] is True
    response = await undo(client, desk, action["action_id"])
    assert response.status_code == 200, response.text
    assert await state(executor, ids) == before


async def test_note_text_in_the_activity_is_for_clinical_roles_only(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    """An account moved to the front desk no longer reads the note bodies it once wrote."""
    from tests.plugins.app import make_member

    moved = await make_member(executor.runtime.settings, "practitioner")
    contact = await Records(client, staff["owner"]).contact()
    await Records(client, moved).note(contact["id"], "private history")
    mine = (await client.get("/api/actions?limit=1", headers=moved.headers)).json()["items"][0]
    assert mine["args"]["body"] == "private history"
    await Records(client, staff["owner"]).rpc(
        "users.set_role", email=moved.email, role="front_desk"
    )
    later = (await client.get("/api/actions?limit=1", headers=moved.headers)).json()["items"][0]
    assert later["action_id"] == mine["action_id"]
    assert later["args"]["body"] == "[clinical text]"


async def test_a_merge_is_not_split_back_over_a_later_change_to_the_kept_contact(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    desk, owner = staff["front_desk"], staff["owner"]
    records = Records(client, desk)
    keep, dup = await records.contact(), await records.contact()
    asked = await client.post(
        "/api/rpc/contacts.merge",
        json={"contact_id": keep["id"], "duplicate_id": dup["id"]},
        headers=desk.headers,
    )
    approval_id = asked.json()["approval_id"]
    approved = await client.post(
        f"/api/approvals/{approval_id}/approve", json={}, headers=owner.headers
    )
    assert approved.status_code == 200
    [job] = await jobs_for(executor, idempotency_key=f"approval:{approval_id}")
    assert await run(executor, job.id or 0) == "succeeded"
    action = await last_action(client, desk)
    await records.rpc("contacts.update", contact_id=keep["id"], address="7 Later Street")
    after_later = await state(executor, [keep["id"], dup["id"]])

    response = await undo(client, desk, action["action_id"])
    assert response.status_code == 409 and response.json()["error"]["code"] == "stale"
    assert "changed since the merge" in response.json()["error"]["message"]
    assert await state(executor, [keep["id"], dup["id"]]) == after_later
