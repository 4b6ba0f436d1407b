"""Recording calls in the `actions` table, and what their undo looks like now.

`record` is the one recorder: the executor calls it after every successful run, direct or
approved, in the run's own transaction, so a call and its row commit (or roll back) together.
A call that waited (policy's `pending` row, or its approval) is found by its approval and
updated; any other gets a new row. What undo needs (`kept`) is stored encrypted with a
deadline (`undo_until`); after it, or when `contacts.delete` erases a contact it names, it is
purged and the row says so.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.db.models import Action

# Reads are recorded only when the co-pilot made them (chat); "undo that" passes over them.
READ_VERBS = frozenset({"get", "list", "search", "directory"})
# The undo's own procedure: recorded like any call, never itself the target of "undo that".
UNDO = "actions.undo"
# Kept in `actions.undo` after erasure, so the row can say why undo is gone (after the
# window it is simply dropped: `undo_until` says why).
PURGED_ERASED = "erased"


async def record(
    session: AsyncSession,
    *,
    user_id: int,
    procedure: str,
    args: dict[str, Any],
    result: dict[str, Any] | None,
    kept: dict[str, Any] | None,
    source: str,
    now: datetime,
    window_minutes: float,
    conversation_id: int | None = None,
    message_id: int | None = None,
    approval_id: int | None = None,
    decided_by: int | None = None,
    call_hash: str = "",
    action_id: int | None = None,
) -> Action:
    """The `done` row of a call that ran; `kept` None: nothing to undo (undo_until unset).
    A call that waited (`action_id`: confirmed; `approval_id`: approved) fills its own row."""
    row: Action | None = None
    if action_id is not None:
        row = await session.get(Action, action_id)
    if row is None and approval_id is not None:
        row = (await session.exec(select(Action).where(Action.approval_id == approval_id))).first()
    if row is None:
        row = Action(
            user_id=user_id, procedure=procedure, source=source, created_at=now,
            conversation_id=conversation_id, message_id=message_id, approval_id=approval_id,
        )  # fmt: skip
    row.args, row.result, row.status, row.updated_at = args, result, "done", now
    row.call_hash = call_hash or row.call_hash
    if decided_by is not None:
        row.decided_by, row.decided_at = decided_by, row.decided_at or now
    row.undo = {"kept": kept} if kept is not None else None
    row.undo_until = now + timedelta(minutes=window_minutes) if kept is not None else None
    session.add(row)
    await session.flush()
    return row


async def record_failure(
    session: AsyncSession,
    *,
    user_id: int,
    procedure: str,
    args: dict[str, Any],
    reason: str,
    source: str,
    now: datetime,
    conversation_id: int | None = None,
    message_id: int | None = None,
) -> Action:
    """A call that was refused or failed while running: `failed`, with the reason."""
    row = Action(
        user_id=user_id, procedure=procedure, args=args, status="failed", source=source,
        conversation_id=conversation_id, message_id=message_id, reason=reason,
        created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(row)
    await session.flush()
    return row


def kept_of(row: Action) -> dict[str, Any] | None:
    """What undo keeps for this action, or None when there is none (or no longer)."""
    undo = row.undo or {}
    kept = undo.get("kept")
    return kept if isinstance(kept, dict) else None


def undo_state(row: Action, now: datetime, cannot: str | None) -> dict[str, Any]:
    """`{"available", "until", "reason"?}` as events, the API and the cards show it;
    `cannot` is the procedure's own reason when it declares no inverse."""
    until = row.undo_until.isoformat() if row.undo_until is not None else None
    purged = (row.undo or {}).get("purged")

    def no(reason: str) -> dict[str, Any]:
        return {"available": False, "until": until, "reason": reason}

    if row.status == "undone":
        return no("already undone")
    if row.status != "done":
        return no(f"it did not run ({row.status})")
    if cannot is not None:
        return no(cannot)
    if row.undo_until is None:
        return no("it changed nothing, so there is nothing to undo")
    if row.undo_until <= now:
        return no("the undo window has closed")  # `until` says when
    if purged == PURGED_ERASED or kept_of(row) is None:
        return no("what undo needed was erased with a deleted contact")
    return {"available": True, "until": until}


async def claim_undo(session: AsyncSession, action_id: int, by: int, now: datetime) -> bool:
    """Mark the action undone if it is still done: one of two racing undos wins."""
    claimed = await session.exec(
        update(Action)
        .where(col(Action.id) == action_id, col(Action.status) == "done")
        .values(status="undone", undone_by=by, undone_at=now, updated_at=now)
    )
    return bool(claimed.rowcount)


async def purge_expired(session: AsyncSession, now: datetime) -> int:
    """Drop what undo kept once its window has closed (the worker runs this)."""
    rows = (
        await session.exec(
            select(Action).where(col(Action.undo_until) <= now, col(Action.undo).is_not(None))
        )
    ).all()
    for row in rows:
        row.undo = None
        session.add(row)
    await session.flush()
    return len(rows)


def is_read(procedure: str) -> bool:
    return procedure.rsplit(".", 1)[-1] in READ_VERBS


async def last_turn(session: AsyncSession, user_id: int, conversation_id: int) -> list[int]:
    """The actions "undo that" means: the conversation's last change not yet undone, with the
    rest of its turn (same user message) that ran, newest first. A last call that never ran
    (still waiting, rejected, failed) is named alone, so the undo says so rather than
    reaching past it to an earlier turn; undone ones are passed over, so each "undo that"
    steps one turn further back."""
    rows = (
        await session.exec(
            select(Action)
            .where(
                col(Action.user_id) == user_id,
                col(Action.conversation_id) == conversation_id,
                col(Action.status) != "undone",
                col(Action.procedure) != UNDO,
            )
            .order_by(col(Action.id).desc())
            .limit(50)
        )
    ).all()
    changes = [r for r in rows if not is_read(r.procedure) and r.id is not None]
    if not changes:
        return []
    newest = changes[0]
    turn = [
        r for r in changes if newest.message_id is not None and r.message_id == newest.message_id
    ]
    ran = [r.id for r in turn if r.status == "done" and r.id is not None]
    return ran or [newest.id or 0]
