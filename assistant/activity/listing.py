"""`GET /api/actions` and the activity page: every call the co-pilot made or proposed for me.

Mine by default; an owner sees everyone's (and may narrow to one person). Newest first, with
the status word, who decided and why, and whether it can still be undone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.db.models import Action, Role
from assistant.procedures import ledger
from assistant.procedures.context import Principal
from assistant.procedures.registry import Registry
from assistant.procedures.types import paginate
from assistant.procedures.undo import UndoState, cannot_undo

Status = Literal[
    "done", "undone", "pending", "confirmed", "approved", "rejected", "expired", "stale",
    "failed",
]  # fmt: skip
STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]
Source = Literal["chat", "http", "job", "cli"]


class ActionOut(BaseModel):
    action_id: int
    procedure: str
    what: str = Field(description="The procedure's summary.")
    status: str
    source: str
    user_id: int = Field(description="Who asked.")
    args: dict[str, Any]
    conversation_id: int | None
    message_id: int | None
    approval_id: int | None
    decided_by: int | None
    decided_at: datetime | None
    reason: str | None = Field(description="Why it was decided so, or why it failed.")
    undone_by: int | None
    undone_at: datetime | None
    undo: UndoState
    created_at: datetime
    updated_at: datetime


class ActionFilter(BaseModel):
    status: Status | None = None
    procedure: str | None = Field(default=None, max_length=64)
    conversation_id: int | None = Field(default=None, ge=1)
    source: Source | None = None
    user_id: int | None = Field(default=None, ge=1, description="Owners: one person's.")
    everyone: bool = Field(default=False, description="Owners: everyone's, not just mine.")


# Arguments that are clinical text, by procedure family: shown only to clinical roles (an
# account moved to the front desk no longer reads the notes it once wrote).
CLINICAL_ARGS: dict[str, frozenset[str]] = {"notes": frozenset({"body"})}


def action_out(
    row: Action, registry: Registry, now: datetime, viewer: Principal | None = None
) -> ActionOut:
    assert row.id is not None
    hidden = CLINICAL_ARGS.get(row.procedure.split(".", 1)[0], frozenset())
    if viewer is None or viewer.reads_clinical_text:
        hidden = frozenset()
    proc = registry.get(row.procedure)
    undo = ledger.undo_state(row, now, cannot_undo(row.procedure, proc.undo if proc else None))
    return ActionOut(
        action_id=row.id,
        what=proc.summary if proc else row.procedure,
        args={k: ("[clinical text]" if k in hidden else v) for k, v in row.args.items()},
        undo=UndoState.model_validate(undo),
        **row.model_dump(
            include={
                "procedure", "status", "source", "user_id", "conversation_id",
                "message_id", "approval_id", "decided_by", "decided_at", "reason",
                "undone_by", "undone_at", "created_at", "updated_at",
            }
        ),
    )  # fmt: skip


def _query(principal: Principal, filters: ActionFilter) -> Any:
    query = select(Action)
    owner = principal.role == Role.owner
    if owner and filters.user_id is not None:
        query = query.where(col(Action.user_id) == filters.user_id)
    elif not (owner and filters.everyone):
        query = query.where(col(Action.user_id) == principal.user_id)
    for column, value in (
        (Action.status, filters.status),
        (Action.procedure, filters.procedure),
        (Action.conversation_id, filters.conversation_id),
        (Action.source, filters.source),
    ):
        if value is not None:
            query = query.where(col(column) == value)
    return query.order_by(col(Action.id).desc())


async def list_actions(
    session: AsyncSession,
    registry: Registry,
    principal: Principal,
    filters: ActionFilter,
    limit: int,
    offset: int,
    now: datetime,
) -> tuple[list[ActionOut], int]:
    rows, total = await paginate(session, _query(principal, filters), limit, offset)
    return [action_out(r, registry, now, principal) for r in rows], total


async def undo_states(
    session: AsyncSession,
    registry: Registry,
    principal: Principal,
    action_ids: list[int],
    now: datetime,
) -> dict[int, dict[str, Any]]:
    """The undo state now of the caller's own actions among `action_ids` (for cards)."""
    if not action_ids:
        return {}
    rows = await session.exec(
        select(Action).where(
            col(Action.id).in_(action_ids), col(Action.user_id) == principal.user_id
        )
    )
    return {
        r.id: action_out(r, registry, now).undo.model_dump(mode="json")
        for r in rows.all()
        if r.id is not None
    }
