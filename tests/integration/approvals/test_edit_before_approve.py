"""Edit before approve (issue 18): the approver corrects the declared fields; the edited call
goes back to its requester as a confirmation, runs only after it, and is what the approval's
hash binds, so the call as first requested can never run. The audit shows both calls."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlmodel import col, select

from assistant.db.engine import create_engine
from assistant.db.models import Approval, AuditEvent, EmailDraft, Event
from assistant.procedures.executor import Executor
from assistant.settings import Settings
from tests.plugins.app import Member
from tests.plugins.jobs import jobs_for, run
from tests.plugins.records import Records

Client = AsyncTestClient  # type: ignore[type-arg]


async def _send_request(client: Client, desk: Member) -> tuple[dict[str, Any], int]:
    records = Records(client, desk)
    contact = await records.contact(email="pat@example.com")
    draft = await records.draft(contact["id"])
    asked = await client.post(
        "/api/rpc/emails.send", json={"draft_id": draft["id"]}, headers=desk.headers
    )
    assert asked.status_code == 202, asked.text
    return draft, asked.json()["approval_id"]


async def _events(executor: Executor, user_id: int, kind: str) -> list[dict[str, Any]]:
    async with executor.runtime.sessions() as session:
        rows = await session.exec(
            select(Event)
            .where(Event.user_id == user_id, Event.kind == kind)
            .order_by(col(Event.id))
        )
        return [r.data for r in rows.all()]


async def _raw(url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    engine = create_engine(url)  # no keyring: what the database itself holds
    try:
        async with engine.connect() as conn:
            return [tuple(row) for row in (await conn.execute(text(sql), params)).all()]
    finally:
        await engine.dispose()


async def test_an_edited_email_runs_as_edited_after_the_requester_confirms(
    client: Client, staff: dict[str, Member], executor: Executor, app_settings: Settings
) -> None:
    desk, owner = staff["front_desk"], staff["owner"]
    draft, approval_id = await _send_request(client, desk)
    edit = {"subject": "Your next visit", "body": "Dear Pat,\n\nSee you Tuesday.\n\nThe clinic",
            "recipient": "pat.home@example.com"}  # fmt: skip
    approved = await client.post(
        f"/api/approvals/{approval_id}/approve",
        json={"args": edit, "reason": "friendlier subject"},
        headers=owner.headers,
    )
    assert approved.status_code == 200, approved.text
    got = approved.json()
    assert got["status"] == "approved" and got["edited"] and not got["confirmed"]
    assert got["args"] == {"draft_id": draft["id"], **edit}
    assert got["original_args"] == {"draft_id": draft["id"], "recipient": None, "subject": None,
                                    "body": None}  # fmt: skip
    # Nothing runs yet: no job until the requester has seen the edited call.
    assert await jobs_for(executor, idempotency_key=f"approval:{approval_id}") == []
    [updated] = [e for e in await _events(executor, desk.user_id, "approval.updated")
                 if e["approval_id"] == approval_id]  # fmt: skip
    assert updated["edited"] is True and updated["reason"] == "friendlier subject"
    [confirm] = [e for e in await _events(executor, desk.user_id, "confirm.required")
                 if e.get("edited")  and e["procedure"] == "emails.send"
                 and e["action_id"] == (await _action_of(executor, approval_id))]  # fmt: skip
    assert set(confirm) >= {"action_id", "procedure", "summary", "impact", "expires_at"}
    assert "pat.home" not in str(confirm)  # events keep ids and counts

    preview = await client.get(f"/api/actions/{confirm['action_id']}", headers=desk.headers)
    email = preview.json()["impact"]["email"]
    assert email == {"recipient": "pat.home@example.com", "subject": "Your next visit",
                     "first_lines": "Dear Pat,\nSee you Tuesday.\nThe clinic"}  # fmt: skip
    # The approver cannot confirm on the requester's behalf.
    assert (await client.post(f"/api/actions/{confirm['action_id']}/confirm",
                              headers=owner.headers)).status_code == 404  # fmt: skip
    confirmed = await client.post(
        f"/api/actions/{confirm['action_id']}/confirm", headers=desk.headers
    )
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    [job] = await jobs_for(executor, idempotency_key=f"approval:{approval_id}")
    assert await run(executor, job.id or 0) == "succeeded"

    final = (await client.get(f"/api/approvals/{approval_id}", headers=desk.headers)).json()
    assert final["status"] == "executed"
    async with executor.runtime.sessions() as session:
        row = await session.get(EmailDraft, draft["id"])
        assert row is not None
        assert (row.subject, row.body, row.recipient, row.status) == (
            edit["subject"],
            edit["body"],
            edit["recipient"],
            "queued",
        )
        trail = (await session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))).all()
    [edited] = [a for a in trail if a.procedure == "approvals.approve"
                and a.record_ids.get("approval_id") == approval_id]  # fmt: skip
    assert edited.outcome == "edited"
    assert edited.record_ids["edited_fields"] == ["body", "recipient", "subject"]
    assert edited.record_ids["original_call"] != edited.record_ids["edited_call"]
    assert edit["subject"] not in str(edited.record_ids)  # digests, never the text
    assert (await _action_detail(client, desk, confirm["action_id"]))["status"] == "done"

    # At rest: the edited and original calls and the preview are ciphertext.
    url = app_settings.database_url
    [(args, original)] = await _raw(
        url, "SELECT args, original_args FROM approvals WHERE id = :id", id=approval_id
    )
    [(action_args, impact)] = await _raw(
        url, "SELECT args, impact FROM actions WHERE approval_id = :id", id=approval_id
    )
    for stored in (args, original, action_args, impact):
        assert "pat.home" not in stored and "Your next visit" not in stored
        assert "draft_id" not in stored  # not even the keys: the whole JSON is sealed


async def _action_of(executor: Executor, approval_id: int) -> int:
    from assistant.db.models import Action

    async with executor.runtime.sessions() as session:
        row = (await session.exec(select(Action).where(Action.approval_id == approval_id))).one()
    assert row.id is not None
    return row.id


async def _action_detail(client: Client, member: Member, action_id: int) -> dict[str, Any]:
    got: dict[str, Any] = (await client.get(f"/api/actions/{action_id}",
                                            headers=member.headers)).json()  # fmt: skip
    return got


async def test_the_unedited_call_can_never_be_replayed(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    desk, owner = staff["front_desk"], staff["owner"]
    draft, approval_id = await _send_request(client, desk)
    edited = await client.post(
        f"/api/approvals/{approval_id}/approve", json={"args": {"subject": "Corrected"}},
        headers=owner.headers,
    )  # fmt: skip
    assert edited.status_code == 200
    # Deciding again, plainly or edited differently, is refused.
    for body in ({}, {"args": {"subject": "Another"}}):
        again = await client.post(f"/api/approvals/{approval_id}/approve", json=body,
                                  headers=staff["owner2"].headers)  # fmt: skip
        assert again.status_code == 409
    # A job for it before the confirmation runs nothing.
    from assistant.queue.rows import add_job

    async with executor.runtime.sessions() as session, session.begin():
        early = await add_job(session, kind="approval.execute", user_id=desk.user_id,
                              params={"approval_id": approval_id}, idempotency_key=None,
                              now=executor.runtime.clock.now())  # fmt: skip
    assert await run(executor, early.id or 0) == "succeeded"
    async with executor.runtime.sessions() as session:
        row = await session.get(Approval, approval_id)
        assert row is not None and row.status == "approved"
        # Put back at rest, the original call no longer matches the hash of the edited one.
        original = row.original_args
    action_id = await _action_of(executor, approval_id)
    assert (await client.post(f"/api/actions/{action_id}/confirm",
                              headers=desk.headers)).status_code == 200  # fmt: skip
    async with executor.runtime.sessions() as session, session.begin():
        row = await session.get(Approval, approval_id)
        assert row is not None
        row.args = dict(original or {})
        session.add(row)
    [job] = await jobs_for(executor, idempotency_key=f"approval:{approval_id}")
    assert await run(executor, job.id or 0) == "succeeded"
    final = (await client.get(f"/api/approvals/{approval_id}", headers=desk.headers)).json()
    assert final["status"] == "stale" and "does not match" in final["reason"]
    async with executor.runtime.sessions() as session:
        kept = await session.get(EmailDraft, draft["id"])
    assert kept is not None and kept.status == "ready"  # nothing was sent


async def test_an_approver_picks_which_record_a_merge_keeps(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    prac, owner = staff["practitioner"], staff["owner"]
    records = Records(client, prac)
    first, second = await records.contact(), await records.contact()
    note = await records.note(first["id"], "moves with the merge")
    asked = await client.post(
        "/api/rpc/contacts.merge",
        json={"contact_id": first["id"], "duplicate_id": second["id"]},
        headers=prac.headers,
    )
    approval_id = asked.json()["approval_id"]
    edited = await client.post(
        f"/api/approvals/{approval_id}/approve", json={"args": {"contact_id": second["id"]}},
        headers=owner.headers,
    )  # fmt: skip
    assert edited.status_code == 200, edited.text
    assert edited.json()["args"] == {"contact_id": second["id"], "duplicate_id": first["id"]}
    action_id = await _action_of(executor, approval_id)
    impact = (await _action_detail(client, prac, action_id))["impact"]
    assert impact["counts"] == {"note": 1} and impact["records"][0]["id"] == note["id"]
    assert (await client.post(f"/api/actions/{action_id}/confirm",
                              headers=prac.headers)).status_code == 200  # fmt: skip
    [job] = await jobs_for(executor, idempotency_key=f"approval:{approval_id}")
    assert await run(executor, job.id or 0) == "succeeded"
    gone = await client.post("/api/rpc/contacts.get", json={"contact_id": first["id"]},
                             headers=prac.headers)  # fmt: skip
    assert gone.status_code == 404
    notes = await client.post("/api/rpc/notes.list", json={"contact_id": second["id"]},
                              headers=prac.headers)  # fmt: skip
    assert [n["id"] for n in notes.json()["items"]] == [note["id"]]


@pytest.mark.parametrize(
    ("args", "why"),
    [
        ({"duplicate_id": 1}, "may be edited"),
        ({"contact_id": 999_999}, "one of the call's records"),
        ({"contact_id": "KEEP"}, "one of the call's records"),
    ],
    ids=["not-editable", "foreign-record", "not-an-id"],
)
async def test_a_bad_edit_is_refused_and_changes_nothing(
    client: Client, staff: dict[str, Member], args: dict[str, Any], why: str
) -> None:
    prac, owner = staff["practitioner"], staff["owner"]
    records = Records(client, prac)
    first, second = await records.contact(), await records.contact()
    asked = await client.post(
        "/api/rpc/contacts.merge",
        json={"contact_id": first["id"], "duplicate_id": second["id"]},
        headers=prac.headers,
    )
    approval_id = asked.json()["approval_id"]
    refused = await client.post(f"/api/approvals/{approval_id}/approve", json={"args": args},
                                headers=owner.headers)  # fmt: skip
    assert refused.status_code == 422 and why in refused.json()["error"]["message"]
    still = (await client.get(f"/api/approvals/{approval_id}", headers=prac.headers)).json()
    assert still["status"] == "pending" and not still["edited"]


async def test_a_procedure_without_editable_fields_refuses_edits(
    client: Client, staff: dict[str, Member]
) -> None:
    prac, owner = staff["practitioner"], staff["owner"]
    contact = await Records(client, prac).contact()
    asked = await client.post("/api/rpc/contacts.delete", json={"contact_id": contact["id"]},
                              headers=prac.headers)  # fmt: skip
    refused = await client.post(
        f"/api/approvals/{asked.json()['approval_id']}/approve",
        json={"args": {"contact_id": contact["id"]}}, headers=owner.headers,
    )  # fmt: skip
    assert refused.status_code == 422 and "nothing an approver may edit" in refused.text


async def test_a_rejection_reason_reaches_the_requester(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    desk, owner = staff["front_desk"], staff["owner"]
    _, approval_id = await _send_request(client, desk)
    rejected = await client.post(
        f"/api/approvals/{approval_id}/reject", json={"reason": "wrong patient"},
        headers=owner.headers,
    )  # fmt: skip
    assert rejected.status_code == 200
    [update] = [e for e in await _events(executor, desk.user_id, "approval.updated")
                if e["approval_id"] == approval_id]  # fmt: skip
    assert update == {"approval_id": approval_id, "status": "rejected", "by": owner.user_id,
                      "reason": "wrong patient", "edited": False}  # fmt: skip
    assert (await _action_detail(client, desk, await _action_of(executor, approval_id)))[
        "status"
    ] == "rejected"
