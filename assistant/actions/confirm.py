"""A requester's click on a waiting call: confirm runs exactly that call (or, for an edited
approval, lets the approved edit run), cancel drops it; unconfirmed calls expire with the
approval TTL. Each step is audited; a call whose targets or preview changed ends `stale`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.audit import chain
from assistant.db.models import Action, Approval, Job, Role
from assistant.errors import AppError, Conflict, NotFound, Stale
from assistant.procedures.context import Principal
from assistant.procedures.executor import AfterCommit, Executor, actor_of
from assistant.procedures.system import WORKER_NAME
from assistant.procedures.waiting import ActionDetail, awaits_requester, settle
from assistant.queue.rows import add_job
from assistant.runtime import Runtime


async def load(
    session: AsyncSession, principal: Principal, action_id: int, *, for_update: bool = False
) -> Action:
    """The requester's own action (an owner reads everyone's); NotFound otherwise."""
    query = select(Action).where(col(Action.id) == action_id)
    if principal.role != Role.owner:
        query = query.where(col(Action.user_id) == principal.user_id)
    if for_update and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    row = (await session.exec(query)).first()
    if row is None:
        raise NotFound(f"action {action_id} not found")
    return row


async def detail_of(session: AsyncSession, action: Action) -> ActionDetail:
    approval = await session.get(Approval, action.approval_id) if action.approval_id else None
    return ActionDetail.of(action, approval)


async def get(runtime: Runtime, principal: Principal, action_id: int) -> ActionDetail:
    async with runtime.readers() as session:
        return await detail_of(session, await load(session, principal, action_id))


async def _audit(
    session: AsyncSession, principal: Principal, what: str, action: Action, now: datetime,
    **ids: int,
) -> None:  # fmt: skip
    assert action.id is not None
    await chain.append(
        session, actor_of(principal), source="http", procedure=f"actions.{what}",
        record_ids={"action_id": action.id, **ids}, outcome="ok", now=now,
        conversation_id=action.conversation_id, message_id=action.message_id,
    )  # fmt: skip


async def _mine_and_waiting(
    runtime: Runtime, session: AsyncSession, principal: Principal, action_id: int, now: datetime
) -> Action:
    """The caller's own action, still waiting; an overdue one is expired (and kept)."""
    action = await load(session, principal, action_id, for_update=True)
    if action.user_id != principal.user_id:
        raise NotFound(f"action {action_id} not found")  # only its requester decides it
    approval = await session.get(Approval, action.approval_id) if action.approval_id else None
    if not awaits_requester(action, approval):
        what = "waits for an approver" if action.status == "pending" else f"is {action.status}"
        raise Conflict(f"action {action_id} {what}; nothing to confirm")
    if action.expires_at is not None and action.expires_at <= now:
        settle(action, "expired", now, reason="not confirmed before the deadline")
        session.add(action)
        await session.commit()  # kept although the click is refused
        raise Conflict(f"action {action_id} expired before it was confirmed; ask for it again")
    return action


async def confirm(
    runtime: Runtime, executor: Executor, principal: Principal, action_id: int
) -> ActionDetail:
    """Run the confirmed call now (`done`, or `stale`/`failed` with the reason), or, for an
    approval an approver edited, release the edited call to the approval runner."""
    now = runtime.clock.now()
    after: AfterCommit | None = None
    job: Job | None = None
    failure: AppError | None = None
    async with runtime.sessions() as session, session.begin():
        action = await _mine_and_waiting(runtime, session, principal, action_id, now)
        if action.approval_id is not None:
            job = await _release_edit(session, action, now)
            assert job.id is not None
            await _audit(session, principal, "confirm", action, now, job_id=job.id)
        else:
            claimed = await session.exec(
                update(Action)
                .where(col(Action.id) == action_id, col(Action.status) == "pending")
                .values(
                    status="confirmed",
                    decided_by=principal.user_id,
                    decided_at=now,
                    updated_at=now,
                )  # the requester's click is the decision the activity shows
            )
            if not claimed.rowcount:
                raise Conflict(f"action {action_id} was decided meanwhile")
            await session.refresh(action)
            await _audit(session, principal, "confirm", action, now)
            try:
                done, after = await executor.run_confirmed(session, action, principal)
            except Stale as exc:
                settle(action, "stale", now, reason=exc.message)
                failure = exc
            except AppError as exc:  # the call itself refused: rolled back, the action fails
                settle(action, "failed", now, reason=exc.message)
                failure = exc
            else:
                settle(action, "done", now, result=done.output.model_dump(mode="json"))
            session.add(action)
        detail = await detail_of(session, action)
    if after is not None:
        await after.publish(runtime)
    if job is not None:
        from assistant.queue.rows import push

        await push(runtime, job)
    if failure is not None:
        raise failure
    return detail


async def _release_edit(session: AsyncSession, action: Action, now: datetime) -> Job:
    """The requester has now seen the approver's edit: the approval may run, once."""
    claimed = await session.exec(
        update(Approval)
        .where(
            col(Approval.id) == action.approval_id,
            col(Approval.status) == "approved",
            col(Approval.original_args).is_not(None),
            col(Approval.confirmed_at).is_(None),
        )
        .values(confirmed_at=now)
    )
    if not claimed.rowcount:
        raise Conflict(f"approval {action.approval_id} is not waiting for your confirmation")
    settle(action, "confirmed", now)
    session.add(action)
    return await add_job(
        session,
        kind="approval.execute",
        user_id=action.user_id,
        params={"approval_id": action.approval_id},
        idempotency_key=f"approval:{action.approval_id}",
        now=now,
    )


async def cancel(runtime: Runtime, principal: Principal, action_id: int) -> ActionDetail:
    """Drop a waiting call (an edited approval the requester does not want ends rejected)."""
    now = runtime.clock.now()
    async with runtime.sessions() as session, session.begin():
        action = await _mine_and_waiting(runtime, session, principal, action_id, now)
        if action.approval_id is not None:
            await session.exec(
                update(Approval)
                .where(col(Approval.id) == action.approval_id, col(Approval.status) == "approved")
                .values(status="rejected")
            )
            approval = await session.get(Approval, action.approval_id)
            if approval is not None:  # encrypted: written through the ORM
                approval.reason = "the requester cancelled the edited call"
                session.add(approval)
        settle(action, "rejected", now,
               reason="cancelled by the requester", decided_by=principal.user_id,
               decided_at=now)  # fmt: skip
        session.add(action)
        await _audit(session, principal, "cancel", action, now)
        return await detail_of(session, action)


async def expire_due(runtime: Runtime) -> int:
    """Expire every unconfirmed call past its deadline (the worker's cron, beside approvals),
    and an edited approval its requester never confirmed; a call still waiting for an
    approver expires with its approval instead."""
    now = runtime.clock.now()
    async with runtime.sessions() as session, session.begin():
        overdue = (
            await session.exec(
                select(Action).where(col(Action.status) == "pending", col(Action.expires_at) <= now)
            )
        ).all()
        due = []
        for action in overdue:
            approval = await session.get(Approval, action.approval_id or 0)
            if action.approval_id is not None and not awaits_requester(action, approval):
                continue  # waits for an approver: it expires with its approval
            if approval is not None:  # an edited approval nobody confirmed
                approval.status, approval.reason = "expired", "the requester did not confirm"
                session.add(approval)
            due.append(action)
        for action in due:
            settle(action, "expired", now, reason="not confirmed before the deadline")
            session.add(action)
            assert action.id is not None
            await chain.append(
                session, chain.Actor(kind="system", name=WORKER_NAME), source="job",
                procedure="actions.expire", record_ids={"action_id": action.id}, outcome="ok",
                now=now,
            )  # fmt: skip
    return len(due)
