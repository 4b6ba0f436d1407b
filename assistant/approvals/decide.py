"""Deciding approval requests: four-eyes, one decision, expiry; each step audited and announced."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, String, cast, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.audit import chain
from assistant.db.models import Approval
from assistant.errors import Conflict, NotFound, PermissionDenied
from assistant.procedures.approval_requests import ApprovalOut
from assistant.procedures.context import Principal, Source
from assistant.procedures.executor import actor_of
from assistant.procedures.system import WORKER_NAME
from assistant.procedures.waiting import follow_approval
from assistant.queue.rows import add_job, push
from assistant.runtime import Runtime

Decision = Literal["approve", "reject"]


def visible_to(principal: Principal) -> ColumnElement[bool]:
    """Requests a user may see: their own, and those their role may decide."""
    return or_(
        col(Approval.requested_by) == principal.user_id,
        cast(col(Approval.approver_roles), String).contains(f'"{principal.role}"'),
    )


async def load_visible(session: AsyncSession, principal: Principal, approval_id: int) -> Approval:
    row = (
        await session.exec(
            select(Approval).where(col(Approval.id) == approval_id, visible_to(principal))
        )
    ).first()
    if row is None:
        raise NotFound(f"approval {approval_id} not found")
    return row


async def announce(
    runtime: Runtime,
    session: AsyncSession,
    approval: Approval,
    by: int | None,
    extra: dict[str, Any] | None = None,
) -> list:  # type: ignore[type-arg]
    """Store `approval.updated` for the requester (published by the caller after commit);
    `extra`: an executed call's `action_id` and `undo`."""
    data = {
        "approval_id": approval.id,
        "status": approval.status,
        "by": by,
        "reason": approval.reason,
        "edited": approval.original_args is not None,
        **(extra or {}),
    }
    await follow_approval(session, approval, runtime.clock.now())
    return await runtime.bus.store(session, [approval.requested_by], "approval.updated", data)


async def load_decidable(
    runtime: Runtime, session: AsyncSession, principal: Principal, approval_id: int, now: datetime
) -> Approval:
    """The request, if this principal may decide it now (role, four eyes, not expired)."""
    approval = await load_visible(session, principal, approval_id)
    if principal.role not in approval.approver_roles:
        raise PermissionDenied(f"your role ({principal.role}) may not decide this request")
    if principal.user_id == approval.requested_by:
        raise PermissionDenied("four-eyes rule: someone else must decide your own request")
    if approval.status == "pending" and approval.expires_at <= now:
        # Kept although the decision is refused: commit before raising rolls back.
        expired = await _expire(runtime, session, approval, now)
        await session.commit()
        await runtime.bus.notify(expired)
        raise Conflict(f"approval {approval_id} expired before it was decided; nothing ran")
    return approval


async def decide(
    runtime: Runtime,
    principal: Principal,
    approval_id: int,
    decision: Decision,
    reason: str | None,
    source: Source = "http",
) -> ApprovalOut:
    now = runtime.clock.now()
    async with runtime.sessions() as session, session.begin():
        approval = await load_decidable(runtime, session, principal, approval_id, now)
        status = "approved" if decision == "approve" else "rejected"
        claimed = await session.exec(
            update(Approval)
            .where(col(Approval.id) == approval_id, col(Approval.status) == "pending")
            .values(status=status, decided_by=principal.user_id, decided_at=now)
        )
        if not claimed.rowcount:
            raise Conflict(f"approval {approval_id} is already {approval.status}")
        await session.refresh(approval)
        approval.reason = reason  # encrypted: written through the ORM, bound to its row
        session.add(approval)
        records: dict[str, int] = {"approval_id": approval_id}
        job = None
        if status == "approved":
            job = await add_job(
                session,
                kind="approval.execute",
                user_id=approval.requested_by,
                params={"approval_id": approval_id},
                idempotency_key=f"approval:{approval_id}",
                now=now,
            )
            assert job.id is not None
            records["job_id"] = job.id
        await chain.append(
            session,
            actor_of(principal),
            source=source,
            procedure=f"approvals.{decision}",
            record_ids=records,
            outcome="ok",
            now=now,
            conversation_id=approval.conversation_id,
        )
        events = await announce(runtime, session, approval, principal.user_id)
    await runtime.bus.notify(events)
    if job is not None:
        await push(runtime, job)
    return ApprovalOut.of(approval)


async def _expire(
    runtime: Runtime, session: AsyncSession, approval: Approval, now: datetime
) -> list:  # type: ignore[type-arg]
    approval.status, approval.decided_at = "expired", now
    approval.reason = "no decision before the deadline"
    session.add(approval)
    assert approval.id is not None
    await chain.append(
        session,
        chain.Actor(kind="system", name=WORKER_NAME),
        source="job",
        procedure="approvals.expire",
        record_ids={"approval_id": approval.id},
        outcome="ok",
        now=now,
    )
    return await announce(runtime, session, approval, None)


async def expire_due(runtime: Runtime) -> int:
    """Expire every pending request past its deadline (the worker's cron job)."""
    now = runtime.clock.now()
    async with runtime.sessions() as session, session.begin():
        due = (
            await session.exec(
                select(Approval).where(
                    col(Approval.status) == "pending", col(Approval.expires_at) <= now
                )
            )
        ).all()
        events = [e for approval in due for e in await _expire(runtime, session, approval, now)]
    await runtime.bus.notify(events)
    return len(due)
