"""The executor's side of the actions ledger (assistant/procedures/ledger.py): which calls get a
row, and the row of a call that ran or failed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from assistant.db.models import Action, Approval
from assistant.procedures import ledger
from assistant.procedures.approval_requests import call_hash
from assistant.procedures.context import CallContext, Caller, Origin, Principal, Source
from assistant.procedures.registry import Procedure
from assistant.procedures.undo import cannot_undo
from assistant.runtime import Runtime


def records(caller: Caller, proc: Procedure, source: Source) -> bool:
    """Whether a call gets a row: a staff member's own call (not a job's, not a system's,
    not an internal one) that writes, or any call the co-pilot made."""
    if not isinstance(caller, Principal) or caller.kind == "job" or proc.internal:
        return False
    return source == "chat" or not ledger.is_read(proc.name)


async def record_done(
    ctx: CallContext,
    proc: Procedure,
    args: BaseModel,
    output: BaseModel,
    kept: dict[str, Any] | None,
    approval: Approval | None,
    window_minutes: float,
    action_id: int | None = None,
) -> Action:
    """The call's `done` row (for an approved call: its requester's, with the decider)."""
    dumped = args.model_dump(mode="json")
    user_id = approval.requested_by if approval is not None else ctx.principal.user_id
    return await ledger.record(
        ctx.session, user_id=user_id, procedure=proc.name, args=dumped,
        result=output.model_dump(mode="json"), kept=kept, source=ctx.source, now=ctx.now,
        window_minutes=window_minutes, conversation_id=ctx.origin.conversation_id,
        message_id=ctx.origin.message_id,
        approval_id=approval.id if approval is not None else None,
        decided_by=approval.decided_by if approval is not None else None,
        call_hash=call_hash(proc.name, dumped, {}), action_id=action_id,
    )  # fmt: skip


def undo_of(row: Action, proc: Procedure, now: datetime) -> dict[str, Any]:
    """`{"available", "until", "reason"?}` for the events and cards."""
    return ledger.undo_state(row, now, cannot_undo(proc.name, proc.undo))


async def record_failure(
    runtime: Runtime,
    caller: Caller,
    proc: Procedure,
    args: BaseModel,
    source: Source,
    origin: Origin,
    reason: str,
) -> int | None:
    """A `failed` row, in a transaction of its own (the call's rolled back); its id."""
    assert isinstance(caller, Principal)
    async with runtime.sessions() as session, session.begin():
        row = await ledger.record_failure(
            session, user_id=caller.user_id, procedure=proc.name,
            args=args.model_dump(mode="json"), reason=reason, source=source,
            now=runtime.clock.now(), conversation_id=origin.conversation_id,
            message_id=origin.message_id,
        )  # fmt: skip
    return row.id
