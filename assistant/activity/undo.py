"""`actions.undo`: put back what earlier actions changed, newest first, in one transaction.

An undo is a procedure call like any other: role-checked, audited, recorded. Each action it
undoes must be the caller's own (owners may undo anyone's), still `done`, inside its undo
window, and its records as the action left them: the inverse the procedure declares
(assistant/procedures/undo.py) names any later change it would overwrite, and the undo is
refused with that reason. The inverse runs through procedures of its own (`notes.delete`,
`tasks.reopen`, ...), so each of its steps passes the same gates.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from assistant.db.models import Action, Role
from assistant.errors import Conflict, NotFound, Stale
from assistant.procedures import ledger
from assistant.procedures.context import CallContext
from assistant.procedures.registry import ALL_STAFF, procedure
from assistant.procedures.types import Id, Input
from assistant.procedures.undo import Irreversible, Reversal, cannot_undo


class UndoActions(Input):
    action_ids: list[Id] = Field(
        min_length=1, max_length=20, description="The actions to undo (a turn's, for a group)."
    )


class Undone(BaseModel):
    action_id: int
    procedure: str
    says: str = Field(description="What the undo did, in words.")


class UndoOut(BaseModel):
    action_ids: list[int]
    undone: list[Undone]


async def _visible(ctx: CallContext, action_id: int) -> Action:
    """The caller's own action (an owner's: anyone's); others read as missing."""
    row = await ctx.session.get(Action, action_id)
    me = ctx.principal
    if row is None or (row.user_id != me.user_id and me.role != Role.owner):
        raise NotFound(f"action {action_id} not found", fields={"action_id": "not found"})
    return row


async def _undo_one(ctx: CallContext, row: Action) -> Undone:
    assert row.id is not None and ctx.registry is not None
    proc = ctx.registry.get(row.procedure)
    undo = proc.undo if proc is not None else None
    state = ledger.undo_state(row, ctx.now, cannot_undo(row.procedure, undo))
    if not state["available"]:
        raise Conflict(f"action {row.id} cannot be undone: {state['reason']}")
    assert isinstance(undo, Reversal)
    kept = ledger.kept_of(row)
    assert kept is not None
    # Claimed first: of two racing undos one wins, the other finds it undone.
    if not await ledger.claim_undo(ctx.session, row.id, ctx.principal.user_id, ctx.now):
        raise Conflict(f"action {row.id} was already undone")
    reason = await undo.check(ctx, kept) if undo.check is not None else None
    if reason is not None:
        raise Stale(f"action {row.id} cannot be undone: {reason}")
    await undo.revert(ctx, kept)
    await ctx.session.refresh(row)
    row.undo = None  # nothing is kept once it is undone
    ctx.session.add(row)
    await ctx.session.flush()
    return Undone(action_id=row.id, procedure=row.procedure, says=undo.says)


@procedure(
    "actions.undo",
    summary="Undo earlier actions (yours; an owner's: anyone's) within the undo window",
    input=UndoActions,
    output=UndoOut,
    roles=ALL_STAFF - {Role.viewer},  # a viewer changes nothing, so has nothing to undo
    undo=Irreversible("an undo cannot itself be undone; ask for the change again"),
)
async def undo_actions(ctx: CallContext, args: UndoActions) -> UndoOut:
    rows = [await _visible(ctx, i) for i in dict.fromkeys(args.action_ids)]
    rows.sort(key=lambda r: r.id or 0, reverse=True)  # newest first
    undone = [await _undo_one(ctx, row) for row in rows]
    return UndoOut(action_ids=[u.action_id for u in undone], undone=undone)
