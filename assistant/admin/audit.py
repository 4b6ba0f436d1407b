"""The audit trail for the owner: read it page by page, verify its hash chain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, model_validator
from sqlalchemy import or_
from sqlmodel import col, select

from assistant.admin.declare import OWNER, procedure
from assistant.audit import chain
from assistant.db.models import AuditEvent
from assistant.errors import Unreadable
from assistant.procedures.context import CallContext
from assistant.procedures.types import Id, Input, ListInput, Page, paginate

# One record under every name the trail gives it: a draft's creation is audited under its
# procedure's resource (`emails.draft` -> email_id), every later call under draft_id.
SAME_RECORD: dict[str, tuple[str, ...]] = {"draft_id": ("email_id",), "email_id": ("draft_id",)}


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
    actor_id: Id | None = None
    principal_kind: str | None = Field(default=None, max_length=8)
    record: str | None = Field(
        default=None,
        pattern=r"^[a-z][a-z_]{0,38}_id$",
        description="Events that touched a record: its id's name (contact_id, draft_id, ...).",
    )
    record_id: Id | None = Field(default=None, description="With `record`.")

    @model_validator(mode="after")
    def _record_pair(self) -> ListAudit:
        if (self.record is None) != (self.record_id is None):
            raise ValueError("give record and record_id together")
        return self


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
    if args.record is not None:  # JSON on both SQLite (json_extract) and PostgreSQL (->>)
        names = (args.record, *SAME_RECORD.get(args.record, ()))
        ids = col(AuditEvent.record_ids)
        query = query.where(or_(*(ids[name].as_integer() == args.record_id for name in names)))
    try:
        rows, total = await paginate(ctx.session, query, args.limit, args.offset)
    except (TypeError, ValueError) as exc:  # a row the column types cannot read back
        raise Unreadable(
            "an event on this page cannot be read (audit.verify names the first broken one)"
        ) from exc
    items = [AuditOut.model_validate(r, from_attributes=True) for r in rows]
    return Page[AuditOut](items=items, total=total)


class Verified(BaseModel):
    ok: bool
    count: int = Field(description="Events intact before the first broken one (or all).")
    broken_seq: int | None
    reason: str | None
    problem: chain.Problem | None = Field(
        default=None,
        description="What is wrong with the broken event: missing, relinked (it does not "
        "follow the one before), format, altered (changed after it was written), unreadable.",
    )
    entry: AuditOut | None = Field(
        default=None, description="The broken event as it reads now (when it is there to read)."
    )


@procedure(
    "audit.verify",
    summary="Check every link of the audit trail's hash chain",
    input=Input,
    output=Verified,
    roles=OWNER,
)
async def verify(ctx: CallContext, args: Input) -> Verified:
    report = await chain.verify(ctx.session)
    entry = None
    if report.broken_seq is not None and report.problem in ("relinked", "format", "altered"):
        query = select(AuditEvent).where(col(AuditEvent.seq) == report.broken_seq)
        row = (await ctx.session.exec(query)).first()
        entry = AuditOut.model_validate(row, from_attributes=True) if row else None
    return Verified(
        ok=report.ok, count=report.count, broken_seq=report.broken_seq, reason=report.reason,
        problem=report.problem, entry=entry,
    )  # fmt: skip
