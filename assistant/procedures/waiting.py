"""Calls that wait: the `actions` row of a call that waits for its requester's confirmation
or for an approval, and how it reads (ids and counts in lists and events; the preview, with
names, only in the detail an authorised request reads)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.db.models import Action, Approval
from assistant.procedures import impact as impacts
from assistant.procedures import ledger
from assistant.procedures.approval_requests import ApprovalOut
from assistant.procedures.context import Origin, Principal, Source
from assistant.procedures.registry import Registry
from assistant.procedures.undo import UndoState, cannot_undo

# An approval's status -> its action's (the actions table's status words).
FROM_APPROVAL = {
    "pending": "pending",
    "approved": "approved",
    "rejected": "rejected",
    "expired": "expired",
    "executed": "done",
    "failed": "failed",
    "stale": "stale",
}


class ActionOut(BaseModel):
    """A call made or proposed, as lists and events show it: ids and counts only."""

    action_id: int
    procedure: str
    status: str
    requested_by: int
    summary: str = Field(description="The procedure and the ids it acts on.")
    counts: dict[str, int] = Field(default_factory=dict, description="Records it touches.")
    approval_id: int | None = None
    conversation_id: int | None = None
    created_at: datetime
    expires_at: datetime | None = None
    reason: str | None = None

    @classmethod
    def of(cls, row: Action) -> ActionOut:
        assert row.id is not None
        return cls(
            action_id=row.id,
            procedure=row.procedure,
            status=row.status,
            requested_by=row.user_id,
            summary=summary_of(row.procedure, row.args),
            counts=impacts.counts_of(row.impact),
            approval_id=row.approval_id,
            conversation_id=row.conversation_id,
            created_at=row.created_at,
            expires_at=row.expires_at,
            reason=row.reason,
        )


class ActionDetail(ActionOut):
    """One action for its requester (or an owner): the call and its preview, with names."""

    args: dict[str, Any]
    impact: dict[str, Any] | None = None
    result: dict[str, Any] | None = None
    awaiting_requester: bool = Field(
        default=False, description="It waits for its requester's Confirm or Cancel."
    )

    @classmethod
    def of(cls, row: Action, approval: Approval | None = None) -> ActionDetail:
        """`approval`: the row's four-eyes request, where it has one."""
        return cls(
            **ActionOut.of(row).model_dump(),
            args=dict(row.args),
            impact=impacts.shown(row.impact),
            result=row.result,
            awaiting_requester=awaits_requester(row, approval),
        )


def awaits_requester(row: Action, approval: Approval | None) -> bool:
    """A confirm call not yet clicked, or an approval an approver edited and its requester
    has not confirmed yet."""
    if row.status != "pending":
        return False
    if row.approval_id is None:
        return True
    return (
        approval is not None
        and approval.status == "approved"
        and approval.original_args is not None
        and approval.confirmed_at is None
    )


def summary_of(procedure: str, args: dict[str, Any]) -> str:
    """The plaintext summary: the procedure and the ids among its arguments."""
    refs = [
        f"{key.removesuffix('_id').replace('_', ' ')} #{value}"
        for key, value in args.items()
        if key.endswith("_id") and isinstance(value, int)
    ]
    return procedure + (f" ({', '.join(refs)})" if refs else "")


async def add_waiting(
    session: AsyncSession,
    *,
    caller: Principal,
    procedure: str,
    args: dict[str, Any],
    call_hash: str,
    target: dict[str, str],
    impact: impacts.Impact,
    source: Source,
    origin: Origin,
    now: datetime,
    ttl_hours: float,
    approval_id: int | None = None,
) -> Action:
    """A `pending` row for a call that waits; it expires with the approval TTL."""
    action = Action(
        user_id=caller.user_id,
        procedure=procedure,
        args=args,
        call_hash=call_hash,
        target=target,
        status="pending",
        source=source,
        conversation_id=origin.conversation_id,
        message_id=origin.message_id,
        approval_id=approval_id,
        impact=impact,
        created_at=now,
        updated_at=now,
        expires_at=now + timedelta(hours=ttl_hours),
    )
    session.add(action)
    await session.flush()
    return action


def settle(action: Action, status: str, now: datetime, **changes: Any) -> None:
    """Move a row to `status`, with the decision or outcome that goes with it."""
    action.status, action.updated_at = status, now
    for key, value in changes.items():
        setattr(action, key, value)


async def of_approval(session: AsyncSession, approval_id: int) -> Action | None:
    query = select(Action).where(col(Action.approval_id) == approval_id)
    return (await session.exec(query.order_by(col(Action.id)))).first()


async def approvals_out(
    session: AsyncSession,
    rows: Sequence[Approval],
    reader: Principal,
    registry: Registry,
    now: datetime,
) -> list[ApprovalOut]:
    """Approval requests with the preview of what each will touch, as `reader` may see it:
    the preview stored with the request's action, read the way a confirmation reads it (the
    call in words for its requester, and for others only where they may read clinical text);
    and for a call that ran, whether it can be undone at `now`."""
    ids = [row.id for row in rows if row.id is not None]
    actions: dict[int, Action] = {}
    if ids:
        query = select(Action).where(col(Action.approval_id).in_(ids)).order_by(col(Action.id))
        for found in (await session.exec(query)).all():
            if found.approval_id is not None and found.approval_id not in actions:
                actions[found.approval_id] = found
    out = []
    for row in rows:
        action = actions.get(row.id or 0)
        preview = impacts.shown(
            action.impact if action else None,
            clinical=reader.reads_clinical_text or row.requested_by == reader.user_id,
        )
        undo = None
        if action is not None and row.status == "executed":
            proc = registry.get(row.procedure)
            cannot = cannot_undo(row.procedure, proc.undo if proc else None)
            undo = UndoState.model_validate(ledger.undo_state(action, now, cannot))
        out.append(ApprovalOut.of(row, preview, action.id if action else None, undo))
    return out


async def follow_approval(session: AsyncSession, approval: Approval, now: datetime) -> None:
    """Keep an approval's action in step with it (status, decider, reason, result)."""
    assert approval.id is not None
    action = await of_approval(session, approval.id)
    if action is None:  # requested before actions existed
        return
    status = FROM_APPROVAL.get(approval.status, action.status)
    changes: dict[str, Any] = {"decided_by": approval.decided_by, "reason": approval.reason}
    if approval.decided_at is not None:
        changes["decided_at"] = approval.decided_at
    if approval.status == "executed":
        changes["result"] = approval.result
    settle(action, status, now, **changes)
    session.add(action)
