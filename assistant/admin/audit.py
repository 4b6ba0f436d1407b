"""The audit trail for the owner: read it page by page, verify its hash chain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import col, select

from assistant.admin.declare import OWNER, procedure
from assistant.audit import chain
from assistant.db.models import AuditEvent
from assistant.procedures.context import CallContext
from assistant.procedures.types import Input, ListInput, Page, paginate


class AuditOut(BaseModel):
    seq: int
    created_at: datetime
    principal_kind: str | None = Field(description="user, token, job or system (None: before v2)")
    principal_name: str | None
    actor_id: int | None
    actor_role: str | None
    token_id: int | None
    job_id: int | None
    source: str
    procedure: str
    record_ids: dict[str, Any]
    outcome: str
    conversation_id: int | None
    message_id: int | None


class ListAudit(ListInput):
    procedure: str | None = Field(default=None, max_length=64)
    actor_id: int | None = Field(default=None, ge=1, le=2**53)
    principal_kind: str | None = Field(default=None, max_length=8)


@procedure(
    "audit.list",
    summary="Read the audit trail, newest first (ids and outcomes, never clinical text)",
    input=ListAudit,
    output=Page[AuditOut],
    roles=OWNER,
)
async def list_events(ctx: CallContext, args: ListAudit) -> Page[AuditOut]:
    query = select(AuditEvent).order_by(col(AuditEvent.seq).desc())
    for column, value in (
        (AuditEvent.procedure, args.procedure),
        (AuditEvent.actor_id, args.actor_id),
        (AuditEvent.principal_kind, args.principal_kind),
    ):
        if value is not None:
            query = query.where(col(column) == value)
    rows, total = await paginate(ctx.session, query, args.limit, args.offset)
    items = [AuditOut.model_validate(r, from_attributes=True) for r in rows]
    return Page[AuditOut](items=items, total=total)


class Verified(BaseModel):
    ok: bool
    count: int = Field(description="Events intact before the first broken one (or all).")
    broken_seq: int | None
    reason: str | None


@procedure(
    "audit.verify",
    summary="Check every link of the audit trail's hash chain",
    input=Input,
    output=Verified,
    roles=OWNER,
)
async def verify(ctx: CallContext, args: Input) -> Verified:
    report = await chain.verify(ctx.session)
    return Verified(
        ok=report.ok, count=report.count, broken_seq=report.broken_seq, reason=report.reason
    )
