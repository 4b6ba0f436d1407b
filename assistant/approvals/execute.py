"""Running an approved call: exactly what was approved, once, and only if nothing changed."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from assistant.approvals.decide import announce
from assistant.approvals.requests import call_hash, load_targets, target_versions
from assistant.audit import chain
from assistant.auth.authenticate import principal_of
from assistant.db.models import Approval, User
from assistant.errors import AppError
from assistant.jobs.registry import job_handler
from assistant.jobs.runner import JobContext, PermanentJobError
from assistant.procedures.executor import AfterCommit, parse_input


def _staleness(approval: Approval, now_versions: dict[str, str]) -> str | None:
    for key, version in approval.target.items():
        current = now_versions.get(key)
        table, _, record_id = key.partition(":")
        what = f"{table.removesuffix('s').replace('_', ' ')} {record_id}"
        if current is None:
            return f"{what} no longer exists"
        if current != version:
            return f"{what} changed since the request (version {version} -> {current})"
    return None


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
        proc = executor.procedure(approval.procedure)
        args = parse_input(proc, approval.args)
        requester = await session.get(User, approval.requested_by)
        now = rt.clock.now()
        try:
            rows = await load_targets(session, proc, args)
            versions = target_versions(rows)
            reason = _staleness(approval, versions)
        except AppError as exc:
            reason = exc.message.replace(" not found", " no longer exists")
            versions = {}
        if reason is None and call_hash(proc.name, approval.args, versions) != approval.call_hash:
            reason = "the request does not match what was approved"
        if reason is None and (requester is None or not requester.is_active):
            reason = "the requester's account is disabled"
        outcome = "stale" if reason else "executed"
        if reason is None:
            assert requester is not None
            try:
                async with session.begin_nested():
                    done, after = await executor.run_in(
                        session, principal_of(requester), proc, args, "job"
                    )
                approval.result = done.output.model_dump(mode="json")
            except AppError as exc:  # the call itself refused: rolled back, the approval fails
                outcome, reason = "failed", exc.message
        approval.status, approval.reason = outcome, reason or approval.reason
        session.add(approval)
        await chain.append(
            session,
            actor_id=approval.decided_by,
            actor_role=None,
            source="job",
            procedure=f"approvals.{outcome}",
            record_ids={"approval_id": approval_id},
            outcome="ok",
            now=now,
        )
        events = await announce(rt, session, approval, approval.decided_by)
    await rt.bus.notify(events)
    if after is not None:
        await after.publish(rt)
    return {"approval_id": approval_id, "status": outcome, "ran": outcome == "executed"}
