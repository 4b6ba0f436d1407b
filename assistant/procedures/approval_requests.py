"""Creating approval requests: bound to a hash of exactly what will run and its targets."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.db.models import Approval, EmailDraft, User
from assistant.procedures.access import load_targets
from assistant.procedures.impact import IMPACT_KEY
from assistant.procedures.registry import Procedure
from assistant.procedures.undo import UndoState


class ApprovalOut(BaseModel):
    approval_id: int
    procedure: str
    args: dict[str, Any]
    summary: str
    requested_by: int
    approver_roles: list[str]
    status: str
    created_at: datetime
    expires_at: datetime
    decided_by: int | None = None
    reason: str | None = None
    conversation_id: int | None = Field(
        default=None, description="The co-pilot conversation the request came from, if any."
    )
    detail: str | None = Field(
        default=None, description="What the call does, with names (from encrypted columns)."
    )
    records: list[dict[str, Any]] = Field(
        default_factory=list, description="The target records as they were when requested."
    )
    edited: bool = Field(default=False, description="An approver changed the call.")
    original_args: dict[str, Any] | None = Field(
        default=None, description="The call as requested, when an approver edited it."
    )
    confirmed: bool = Field(
        default=False, description="The requester confirmed the edited call (it may run)."
    )
    impact: dict[str, Any] | None = Field(
        default=None,
        description="What the call will touch, as previewed when it was requested (or edited): "
        "`counts` per record type, the `records` by name, an e-mail's recipient, subject and "
        "first lines, and the `call` in words (never a note's text for a role that may not "
        "read it). The same preview a confirmation shows.",
    )
    action_id: int | None = Field(
        default=None,
        description="Its row in the actions ledger: `GET /api/actions` says whether the "
        "executed call can still be undone, `POST /api/actions/{id}/undo` undoes it.",
    )
    undo: UndoState | None = Field(
        default=None,
        description="For a call that ran (`executed`): whether its requester (or an owner) "
        "may undo it now, until when, and if not, why. None before it runs.",
    )

    @classmethod
    def of(
        cls,
        row: Approval,
        impact: dict[str, Any] | None = None,
        action_id: int | None = None,
        undo: UndoState | None = None,
    ) -> ApprovalOut:
        """`impact`: the preview as its reader may see it (`waiting.approvals_out`)."""
        assert row.id is not None
        return cls(
            impact=impact,
            action_id=action_id,
            undo=undo,
            records=json.loads(row.snapshot) if row.snapshot else [],
            approval_id=row.id,
            edited=row.original_args is not None,
            original_args=row.original_args,
            confirmed=row.confirmed_at is not None,
            **row.model_dump(
                include={
                    "procedure",
                    "args",
                    "summary",
                    "requested_by",
                    "approver_roles",
                    "status",
                    "created_at",
                    "expires_at",
                    "decided_by",
                    "reason",
                    "conversation_id",
                    "detail",
                }
            ),
        )


def _digest(value: Any) -> str:
    dumped = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(dumped.encode()).hexdigest()[:16]


def _draft_delivery(draft: EmailDraft) -> dict[str, Any]:
    """Where and what a send delivers: recipient (the contact's address now), subject, body."""
    recipient = draft.contact.email if draft.contact is not None else None
    return {"recipient": recipient, "subject": draft.subject, "body": draft.body}


# Content bound beyond a record's counter, by table: what a call on it would actually use,
# even where it lives in another record (a draft goes to its contact's address).
BOUND_CONTENT: dict[type[SQLModel], Callable[[Any], dict[str, Any]]] = {
    EmailDraft: _draft_delivery,
}


def row_version(row: SQLModel) -> str:
    """A record's version: its counter where it has one, else a digest of its contents;
    plus a digest of its bound content (any change to it makes an approval stale)."""
    version = getattr(row, "version", None)
    base = str(version) if isinstance(version, int) else _digest(row.model_dump(mode="json"))
    bound = BOUND_CONTENT.get(type(row))
    return base if bound is None else f"{base}:{_digest(bound(row))}"


# Not part of an approver's view of a record: clinical text and derived search helpers.
SNAPSHOT_EXCLUDE = {"profile_summary", "phone_digits", "enrichment"}


def snapshot(rows: dict[tuple[str, int], Any]) -> str:
    """The records as they are now, for approvers to see exactly what the call will act on."""
    return json.dumps([
        {"table": table, "id": record_id,
         "record": row.model_dump(mode="json", exclude=SNAPSHOT_EXCLUDE)}
        for (table, record_id), row in rows.items()
    ])  # fmt: skip


def target_versions(rows: dict[tuple[str, int], Any]) -> dict[str, str]:
    return {f"{table}:{record_id}": row_version(row) for (table, record_id), row in rows.items()}


def call_hash(procedure: str, args: dict[str, Any], versions: dict[str, str]) -> str:
    payload = json.dumps(
        {"procedure": procedure, "args": args, "targets": versions},
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def summarise(proc: Procedure, args: BaseModel, rows: dict[tuple[str, int], Any]) -> str:
    """Stored and sent in plaintext (events, lists): the procedure and ids only, never a
    name or an argument's text."""
    refs = [
        f"{table.removesuffix('s').replace('_', ' ')} #{record_id}" for table, record_id in rows
    ]
    if not refs:  # no declared targets: the ids among the arguments
        refs = [
            f"{key.removesuffix('_id').replace('_', ' ')} #{value}"
            for key, value in args.model_dump().items()
            if key.endswith("_id") and isinstance(value, int)
        ]
    return proc.name + (f" ({', '.join(refs)})" if refs else "")


def describe(proc: Procedure, args: BaseModel, rows: dict[tuple[str, int], Any]) -> str:
    """The approver's view, with names and arguments: stored encrypted (`Approval.detail`)."""
    if proc.describe is not None:
        return proc.describe(args, rows)
    shown = ", ".join(f"{k}={v}" for k, v in args.model_dump(mode="json").items() if v is not None)
    return f"{proc.summary} ({shown})"


async def create_request(
    session: AsyncSession,
    *,
    proc: Procedure,
    args: BaseModel,
    requested_by: int,
    source: str,
    now: datetime,
    ttl_hours: float,
    conversation_id: int | None = None,
    impact_digest: str | None = None,
) -> Approval:
    """`impact_digest`: the preview's digest, bound beside the targets' versions."""
    rows = await load_targets(session, proc, args)
    if proc.precondition is not None:  # what the approver would see must be final
        proc.precondition(args, rows)
    versions = target_versions(rows)
    if impact_digest is not None:
        versions[IMPACT_KEY] = impact_digest
    dumped = args.model_dump(mode="json")
    approval = Approval(
        procedure=proc.name,
        args=dumped,
        summary=summarise(proc, args, rows)[:500],
        detail=describe(proc, args, rows),
        requested_by=requested_by,
        approver_roles=sorted(r.value for r in proc.approver_roles),
        call_hash=call_hash(proc.name, dumped, versions),
        snapshot=snapshot(rows),
        target=versions,
        source=source,
        conversation_id=conversation_id,
        created_at=now,
        expires_at=now + timedelta(hours=ttl_hours),
    )
    session.add(approval)
    await session.flush()
    return approval


async def approver_ids(session: AsyncSession, approval: Approval) -> list[int]:
    """Active users who may decide this request: the approver roles, never the requester."""
    rows = await session.exec(
        select(User.id).where(
            col(User.role).in_(approval.approver_roles),
            col(User.is_active).is_(True),
            User.id != approval.requested_by,
        )
    )
    return [uid for uid in rows.all() if uid is not None]
