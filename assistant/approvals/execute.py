"""Running an approved call: exactly what was approved, once, and only if nothing changed.

The call itself passes the executor's gates (`Executor.run_approved`); this job only claims
the approval, records how it ended and tells the requester.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from assistant.approvals.decide import announce
from assistant.audit import chain
from assistant.db.models import Approval
from assistant.errors import AppError, Stale
from assistant.jobs.registry import job_handler
from assistant.jobs.runner import JobContext, PermanentJobError
from assistant.procedures.executor import AfterCommit


@job_handler("approval.execute")
async def execute_approval(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    rt, executor = ctx.runtime, ctx.executor
    approval_id = int(params["approval_id"])
    after: AfterCommit | None = None
    async with rt.sessions() as session, session.begin():
        query = select(Approval).where(col(Approval.id) == approval_id)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()  # a second worker waits, then sees `executed`
        approval = (await session.exec(query)).first()
        if approval is None:
            raise PermanentJobError(f"approval {approval_id} not found")
        if approval.status != "approved":
            return {"approval_id": approval_id, "status": approval.status, "ran": False}
        if approval.original_args is not None and approval.confirmed_at is None:
            # An edited call runs only once its requester has confirmed it.
            return {"approval_id": approval_id, "status": "unconfirmed", "ran": False}
        outcome, reason = "executed", None
        undo: dict[str, Any] = {}
        try:
            done, after = await executor.run_approved(session, approval, job_id=ctx.job_id)
            approval.result = done.output.model_dump(mode="json")
            undo = {"action_id": done.action_id, "undo": done.undo}
        except Stale as exc:
            outcome, reason = "stale", exc.message
        except AppError as exc:  # the call itself refused: rolled back, the approval fails
            outcome, reason = "failed", exc.message
        approval.status, approval.reason = outcome, reason or approval.reason
        session.add(approval)
        await chain.append(
            session,
            chain.Actor(kind="job", job_id=ctx.job_id, user_id=approval.decided_by),
            source="job",
            procedure=f"approvals.{outcome}",
            record_ids={"approval_id": approval_id},
            outcome="ok",
            now=rt.clock.now(),
            conversation_id=approval.conversation_id,
        )
        events = await announce(rt, session, approval, approval.decided_by, undo)
    await rt.bus.notify(events)
    if after is not None:
        await after.publish(rt)
    return {"approval_id": approval_id, "status": outcome, "ran": outcome == "executed"}
