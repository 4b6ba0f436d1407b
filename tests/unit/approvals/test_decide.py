"""assistant/approvals/decide.py: the approval state machine on a real database.

pending -> approved (a job to run it is queued) | rejected | expired; every other status is
final for a decision. Four-eyes, the approver roles and visibility are checked before any
change, and a refused decision changes nothing.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import col, select

from assistant.approvals.decide import decide, expire_due
from assistant.db.models import Approval, AuditEvent, Job, Role
from assistant.errors import Conflict, NotFound, PermissionDenied
from assistant.procedures.context import Principal
from assistant.runtime import Runtime
from assistant.settings import Settings
from tests.plugins.app import Member, make_member

FINAL = ["approved", "rejected", "expired", "executed", "failed", "stale"]


def _principal(member: Member) -> Principal:
    return Principal(member.user_id, member.email, Role(member.role))


async def _approval(
    runtime: Runtime,
    requester: Member,
    *,
    status: str = "pending",
    roles: tuple[str, ...] = ("owner",),
    expires_in: timedelta = timedelta(hours=1),
) -> int:
    async with runtime.sessions() as session, session.begin():
        row = Approval(
            procedure="contacts.delete",
            args={"contact_id": 1},
            requested_by=requester.user_id,
            approver_roles=list(roles),
            call_hash="0" * 64,
            status=status,
            expires_at=runtime.clock.now() + expires_in,
        )
        session.add(row)
        await session.flush()
        assert row.id is not None
        return row.id


async def _status(runtime: Runtime, approval_id: int) -> str:
    async with runtime.sessions() as session:
        row = await session.get(Approval, approval_id)
        assert row is not None
        return row.status


@pytest.fixture
async def people(app_settings: Settings) -> dict[str, Member]:
    return {
        "requester": await make_member(app_settings, "practitioner"),
        "owner": await make_member(app_settings, "owner"),
        "owner2": await make_member(app_settings, "owner"),
        "viewer": await make_member(app_settings, "viewer"),
    }


async def test_approve_moves_pending_to_approved_and_queues_the_run_once(
    runtime: Runtime, people: dict[str, Member]
) -> None:
    approval_id = await _approval(runtime, people["requester"])
    out = await decide(runtime, _principal(people["owner"]), approval_id, "approve", "ok")
    assert out.status == "approved" and await _status(runtime, approval_id) == "approved"
    async with runtime.sessions() as session:
        jobs = (
            await session.exec(
                select(Job).where(col(Job.idempotency_key) == f"approval:{approval_id}")
            )
        ).all()
        audit = (
            await session.exec(
                select(AuditEvent).where(col(AuditEvent.procedure) == "approvals.approve")
            )
        ).all()
    assert [(j.kind, j.user_id) for j in jobs] == [
        ("approval.execute", people["requester"].user_id)
    ]
    assert any(a.record_ids.get("approval_id") == approval_id for a in audit)


async def test_reject_moves_pending_to_rejected_with_the_reason(
    runtime: Runtime, people: dict[str, Member]
) -> None:
    approval_id = await _approval(runtime, people["requester"])
    out = await decide(runtime, _principal(people["owner"]), approval_id, "reject", "not now")
    assert (out.status, out.reason) == ("rejected", "not now")
    async with runtime.sessions() as session:
        jobs = (
            await session.exec(
                select(Job).where(col(Job.idempotency_key) == f"approval:{approval_id}")
            )
        ).all()
    assert jobs == []


@pytest.mark.parametrize("status", FINAL)
@pytest.mark.parametrize("decision", ["approve", "reject"])
async def test_a_decided_request_cannot_be_decided_again(
    runtime: Runtime, people: dict[str, Member], status: str, decision: str
) -> None:
    approval_id = await _approval(runtime, people["requester"], status=status)
    with pytest.raises(Conflict, match=f"already {status}"):
        await decide(runtime, _principal(people["owner"]), approval_id, decision, None)  # type: ignore[arg-type]
    assert await _status(runtime, approval_id) == status


async def test_deciding_after_the_deadline_expires_it(
    runtime: Runtime, people: dict[str, Member]
) -> None:
    approval_id = await _approval(runtime, people["requester"], expires_in=timedelta(seconds=-1))
    with pytest.raises(Conflict, match="expired"):
        await decide(runtime, _principal(people["owner"]), approval_id, "approve", None)
    assert await _status(runtime, approval_id) == "expired"


async def test_four_eyes_the_requester_cannot_decide_their_own_request(
    runtime: Runtime, people: dict[str, Member]
) -> None:
    owner = people["owner"]
    approval_id = await _approval(runtime, owner)
    with pytest.raises(PermissionDenied, match="four-eyes"):
        await decide(runtime, _principal(owner), approval_id, "approve", None)
    assert await _status(runtime, approval_id) == "pending"


async def test_the_request_names_who_may_decide(
    runtime: Runtime, people: dict[str, Member]
) -> None:
    owners_only = await _approval(runtime, people["requester"], roles=("owner",))
    with pytest.raises(NotFound):  # a viewer does not even see it
        await decide(runtime, _principal(people["viewer"]), owners_only, "approve", None)
    assert await _status(runtime, owners_only) == "pending"
    with_viewers = await _approval(runtime, people["requester"], roles=("owner", "viewer"))
    out = await decide(runtime, _principal(people["viewer"]), with_viewers, "reject", "no")
    assert out.status == "rejected"


async def test_a_visible_request_is_refused_to_a_role_not_among_its_approvers(
    runtime: Runtime, people: dict[str, Member]
) -> None:
    # The requester sees their own request but, a practitioner, is not an approver of it.
    other = await make_member(runtime.settings, "practitioner")
    approval_id = await _approval(runtime, people["requester"], roles=("owner",))
    with pytest.raises(NotFound):
        await decide(runtime, _principal(other), approval_id, "approve", None)
    with pytest.raises(PermissionDenied, match="may not decide"):
        await decide(runtime, _principal(people["requester"]), approval_id, "approve", None)
    assert await _status(runtime, approval_id) == "pending"


async def test_two_approvers_at_once_one_wins(runtime: Runtime, people: dict[str, Member]) -> None:
    approval_id = await _approval(runtime, people["requester"])
    results = await asyncio.gather(
        decide(runtime, _principal(people["owner"]), approval_id, "approve", None),
        decide(runtime, _principal(people["owner2"]), approval_id, "reject", "no"),
        return_exceptions=True,
    )
    won = [r for r in results if not isinstance(r, BaseException)]
    lost = [r for r in results if isinstance(r, BaseException)]
    assert len(won) == 1 and len(lost) == 1 and isinstance(lost[0], Conflict)
    assert await _status(runtime, approval_id) == won[0].status


async def test_expire_due_ends_only_pending_requests_past_their_deadline(
    runtime: Runtime, people: dict[str, Member]
) -> None:
    past = timedelta(seconds=-1)
    due = await _approval(runtime, people["requester"], expires_in=past)
    decided = await _approval(runtime, people["requester"], status="approved", expires_in=past)
    waiting = await _approval(runtime, people["requester"])
    assert await expire_due(runtime) >= 1
    assert await _status(runtime, due) == "expired"
    assert await _status(runtime, decided) == "approved"
    assert await _status(runtime, waiting) == "pending"
