"""The status words of `GET /api/actions` as approvals move: pending, approved, done,
rejected, expired, stale; each with who decided and why."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar.testing import AsyncTestClient

from assistant.approvals.decide import expire_due
from assistant.db.models import Approval
from assistant.procedures.executor import Executor
from tests.plugins.app import Member
from tests.plugins.jobs import jobs_for, run
from tests.plugins.records import Records

Client = AsyncTestClient  # type: ignore[type-arg]


async def _request_delete(client: Client, desk: Member) -> tuple[int, int]:
    contact = await Records(client, desk).contact()
    asked = await client.post(
        "/api/rpc/contacts.delete", json={"contact_id": contact["id"]}, headers=desk.headers
    )
    assert asked.status_code == 202, asked.text
    return contact["id"], asked.json()["approval_id"]


async def _of_approval(client: Client, member: Member, approval_id: int) -> dict[str, Any]:
    listed = await client.get(
        "/api/actions?procedure=contacts.delete&limit=100", headers=member.headers
    )
    [found] = [a for a in listed.json()["items"] if a["approval_id"] == approval_id]
    return found


async def _decide(client: Client, who: Member, approval_id: int, what: str) -> None:
    decided = await client.post(
        f"/api/approvals/{approval_id}/{what}", json={"reason": f"{what} it"}, headers=who.headers
    )
    assert decided.status_code == 200, decided.text


async def test_an_approval_moves_through_pending_approved_and_done(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    desk, owner = staff["front_desk"], staff["owner"]
    _, approval_id = await _request_delete(client, desk)
    assert (await _of_approval(client, desk, approval_id))["status"] == "pending"
    await _decide(client, owner, approval_id, "approve")
    approved = await _of_approval(client, desk, approval_id)
    assert approved["status"] == "approved" and approved["decided_by"] == owner.user_id
    [job] = await jobs_for(executor, idempotency_key=f"approval:{approval_id}")
    assert await run(executor, job.id or 0) == "succeeded"
    done = await _of_approval(client, desk, approval_id)
    assert done["status"] == "done" and done["decided_by"] == owner.user_id
    got = await client.get(f"/api/approvals/{approval_id}", headers=desk.headers)
    assert got.json()["action_id"] == done["action_id"]  # where its undo state is
    assert done["undo"]["available"] is False and "erased for good" in done["undo"]["reason"]
    mine = await client.get("/api/actions?status=done&procedure=contacts.delete&limit=100",
                            headers=desk.headers)  # fmt: skip
    assert approval_id in [a["approval_id"] for a in mine.json()["items"]]


async def test_rejected_expired_and_stale_say_who_and_why(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    desk, owner = staff["front_desk"], staff["owner"]
    _, rejected_id = await _request_delete(client, desk)
    await _decide(client, owner, rejected_id, "reject")
    rejected = await _of_approval(client, desk, rejected_id)
    assert rejected["status"] == "rejected" and rejected["decided_by"] == owner.user_id
    assert rejected["reason"] == "reject it"

    _, expired_id = await _request_delete(client, desk)
    async with executor.runtime.sessions() as session, session.begin():
        row = await session.get(Approval, expired_id)
        assert row is not None
        row.expires_at = executor.runtime.clock.now() - timedelta(seconds=1)
        session.add(row)
    assert await expire_due(executor.runtime) >= 1
    expired = await _of_approval(client, desk, expired_id)
    assert expired["status"] == "expired" and "deadline" in (expired["reason"] or "")

    contact_id, stale_id = await _request_delete(client, desk)
    await Records(client, desk).rpc("contacts.update", contact_id=contact_id, address="2 Elm St")
    await _decide(client, owner, stale_id, "approve")
    [job] = await jobs_for(executor, idempotency_key=f"approval:{stale_id}")
    await run(executor, job.id or 0)
    stale = await _of_approval(client, desk, stale_id)
    assert stale["status"] == "stale" and "changed since" in (stale["reason"] or "")
    for word, approval_id in (("rejected", rejected_id), ("expired", expired_id),
                              ("stale", stale_id)):  # fmt: skip
        listed = await client.get(f"/api/actions?status={word}&limit=100", headers=desk.headers)
        assert approval_id in [a["approval_id"] for a in listed.json()["items"]], word
