"""From the chat: a delete waits for another user's approval, then runs once."""

from __future__ import annotations

from sqlmodel import col, select

from assistant.commands import ParseResult
from assistant.db.models import AuditEvent
from assistant.procedures.executor import Executor
from tests.integration.chat.conftest import ChatHarness
from tests.plugins.app import Member
from tests.plugins.chat import turn
from tests.plugins.jobs import jobs_for, run
from tests.plugins.records import Records


async def test_chat_delete_runs_once_after_a_second_person_approves(
    chat: ChatHarness, staff: dict[str, Member], executor: Executor
) -> None:
    desk, owner = staff["front_desk"], staff["owner"]
    contact = await Records(chat.http, desk).contact()  # type: ignore[arg-type]
    message = f"delete the contact {contact['full_name']}"
    chat.parser.outcomes[message] = ParseResult(
        intent="contacts.delete",
        confidence=0.97,
        path="classifier",
        args={"contact": contact["full_name"]},
        resolved={"contact_id": contact["id"]},
    )
    events = await turn(chat.http, desk, message)
    [required] = [e.data for e in events if e.event == "approval.required"]
    approval_id = required["approval_id"]

    own = await chat.http.post(
        f"/api/approvals/{approval_id}/approve", json={}, headers=desk.headers
    )
    assert own.status_code == 403  # the requester sees it, but front_desk may not decide
    approved = await chat.http.post(
        f"/api/approvals/{approval_id}/approve", json={}, headers=owner.headers
    )
    assert approved.status_code == 200
    [job] = await jobs_for(executor, idempotency_key=f"approval:{approval_id}")
    assert await run(executor, job.id or 0) == "succeeded"
    assert await run(executor, job.id or 0) == "skipped"  # delivered again: not run again

    gone = await chat.http.post(
        "/api/rpc/contacts.get", json={"contact_id": contact["id"]}, headers=owner.headers
    )
    assert gone.status_code == 404
    status = (await chat.http.get(f"/api/approvals/{approval_id}", headers=desk.headers)).json()
    assert status["status"] == "executed"

    [start] = [e.data for e in events if e.event == "turn.start"]
    assert status["conversation_id"] == start["conversation_id"]
    # It ran, and says why it can never be undone; the conversation's copy says the same.
    erased = "a deleted contact is erased for good (right to be forgotten)"
    assert status["undo"]["available"] is False and status["undo"]["reason"] == erased
    detail = await chat.http.get(
        f"/api/conversations/{start['conversation_id']}", headers=desk.headers
    )
    assert [a["undo"] for a in detail.json()["approvals"]] == [status["undo"]]
    async with executor.runtime.sessions() as session:
        query = select(AuditEvent).where(col(AuditEvent.procedure) == "contacts.delete")
        rows = (await session.exec(query)).all()
    asked = [r for r in rows if r.record_ids.get("approval_id") == approval_id]
    assert [(r.conversation_id, r.message_id, r.source) for r in asked] == [
        (start["conversation_id"], start["message_id"], "chat")
    ]
    ran = [r for r in rows if r.source == "job" and r.job_id == job.id]
    assert [(r.outcome, r.conversation_id, r.principal_kind) for r in ran] == [
        ("ok", start["conversation_id"], "job")
    ]
