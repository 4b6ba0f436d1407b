"""Approving an edited call: the approver corrects the declared fields; the edited call goes
back to its requester as a confirmation (two people have each seen what finally runs) and
the approval's hash binds the edited call, so the original can never run."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import col

from assistant.approvals.decide import announce, load_decidable
from assistant.audit import chain
from assistant.db.models import Approval, User
from assistant.errors import Conflict, Stale
from assistant.procedures.access import check_access
from assistant.procedures.approval_binding import bound_versions
from assistant.procedures.approval_requests import (
    ApprovalOut,
    call_hash,
    describe,
    snapshot,
    summarise,
)
from assistant.procedures.context import Principal, Source
from assistant.procedures.edits import apply_edit
from assistant.procedures.executor import Executor, actor_of, confirm_event
from assistant.procedures.waiting import ActionOut, of_approval, settle
from assistant.runtime import Runtime


def _fingerprint(args: dict[str, Any]) -> str:
    """The audit trail's view of a call: a digest, never its text."""
    return hashlib.sha256(json.dumps(args, sort_keys=True).encode()).hexdigest()[:16]


async def approve_edited(
    runtime: Runtime,
    executor: Executor,
    principal: Principal,
    approval_id: int,
    edit: dict[str, Any],
    reason: str | None,
    source: Source = "http",
) -> ApprovalOut:
    now = runtime.clock.now()
    ttl = timedelta(hours=runtime.settings.approval.ttl_hours)
    async with runtime.sessions() as session, session.begin():
        approval = await load_decidable(runtime, session, principal, approval_id, now)
        if approval.status != "pending":
            raise Conflict(f"approval {approval_id} is already {approval.status}")
        proc = executor.procedure(approval.procedure)
        edited = apply_edit(proc, dict(approval.args), edit)
        requester = await session.get(User, approval.requested_by)
        if requester is None or not requester.is_active:
            raise Stale("the requester's account is disabled")
        rows = await check_access(session, Principal.of(requester), proc, edited)
        if proc.precondition is not None:
            proc.precondition(edited, rows)
        preview = await executor.preview(session, proc, edited, rows)
        versions = bound_versions(rows, preview)
        dumped = edited.model_dump(mode="json")
        claimed = await session.exec(
            update(Approval)
            .where(col(Approval.id) == approval_id, col(Approval.status) == "pending")
            .values(status="approved", decided_by=principal.user_id, decided_at=now)
        )
        if not claimed.rowcount:
            raise Conflict(f"approval {approval_id} was decided meanwhile")
        await session.refresh(approval)
        original = dict(approval.args)
        approval.original_args, approval.args = original, dumped
        approval.call_hash = call_hash(proc.name, dumped, versions)
        approval.target, approval.snapshot = versions, snapshot(rows)
        approval.summary = summarise(proc, edited, rows)[:500]
        approval.detail, approval.reason = describe(proc, edited, rows), reason
        session.add(approval)
        changed = sorted(k for k in dumped if dumped[k] != original.get(k))
        await chain.append(
            session, actor_of(principal), source=source, procedure="approvals.approve",
            record_ids={"approval_id": approval_id, "edited_fields": changed,
                        "original_call": _fingerprint(original),
                        "edited_call": _fingerprint(dumped)},
            outcome="edited", now=now, conversation_id=approval.conversation_id,
        )  # fmt: skip
        events = await announce(runtime, session, approval, principal.user_id)
        action = await of_approval(session, approval_id)
        if action is not None:  # waits again, for the requester's click on the edited call
            settle(action, "pending", now, args=dumped, call_hash=approval.call_hash,
                   target=versions, impact=preview, expires_at=now + ttl)  # fmt: skip
            session.add(action)
            await session.flush()
            data = confirm_event(ActionOut.of(action), proc.summary)
            events += await runtime.bus.store(
                session, [approval.requested_by], "confirm.required", {**data, "edited": True}
            )
        out = ApprovalOut.of(approval)
    await runtime.bus.notify(events)
    return out
