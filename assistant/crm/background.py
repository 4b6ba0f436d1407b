"""The writes background jobs make to CRM records, as internal procedures.

No user may call these (no route, no tool); a job calls them for the user who asked for it,
or the worker's system principal for a job nobody asked for, so each write is role-checked,
object-checked and audited like any other.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.crm.common import get_or_404
from assistant.crm.contacts import STAFF
from assistant.crm.declare import procedure
from assistant.crm.emails import announce, touch
from assistant.db.models import Contact, EmailDraft
from assistant.errors import Conflict, InvalidInput
from assistant.procedures.context import CallContext
from assistant.procedures.types import Id, Input

DeliveryStatus = Literal["sending", "sent", "failed", "queued", "unknown"]
# status -> the statuses a draft may reach it from, as the send job moves it along.
DELIVERY_FROM: dict[str, frozenset[str]] = {
    "sending": frozenset({"queued"}),
    "sent": frozenset({"sending"}),
    "queued": frozenset({"sending"}),  # a retry after the server refused
    "failed": frozenset({"queued", "sending"}),
    "unknown": frozenset({"sending"}),  # a crash after the server may have taken it
}


def _draft_target(args: Any) -> list[tuple[str, int]]:
    return [("email_drafts", args.draft_id)]


class FinishDraft(Input):
    draft_id: Id
    body: str = Field(min_length=1, max_length=20_000)


class DraftState(BaseModel):
    id: int
    status: str
    changed: bool


@procedure(
    "emails.finish_draft",
    summary="Put the model's text into a pending draft and mark it ready (the draft job)",
    input=FinishDraft,
    output=DraftState,
    roles=STAFF,
    targets=_draft_target,
    internal=True,
)
async def finish_draft(ctx: CallContext, args: FinishDraft) -> DraftState:
    row = await get_or_404(ctx.session, EmailDraft, args.draft_id, "draft")
    assert row.id is not None
    if row.status != "pending":  # edited or sent meanwhile: the person's version stands
        return DraftState(id=row.id, status=row.status, changed=False)
    row.body, row.status, row.updated_at = args.body, "ready", ctx.now
    row.version += 1
    ctx.session.add(row)
    announce(ctx, row)
    return DraftState(id=row.id, status=row.status, changed=True)


class SetDelivery(Input):
    draft_id: Id
    status: DeliveryStatus
    message_id: str | None = Field(default=None, min_length=3, max_length=255)
    error: str | None = Field(
        default=None, min_length=1, max_length=500, description="Why it failed, in words."
    )


class Delivery(BaseModel):
    id: int
    contact_id: int
    status: str
    message_id: str | None
    subject: str
    body: str


@procedure(
    "emails.set_delivery",
    summary="Move a draft along its delivery (the send job): sending, sent, failed, unknown",
    input=SetDelivery,
    output=Delivery,
    roles=STAFF,
    targets=_draft_target,
    internal=True,
)
async def set_delivery(ctx: CallContext, args: SetDelivery) -> Delivery:
    row = await get_or_404(ctx.session, EmailDraft, args.draft_id, "draft")
    assert row.id is not None
    if row.status not in DELIVERY_FROM[args.status]:
        raise Conflict(f"draft {row.id} is {row.status}; it cannot become {args.status}")
    if args.status == "sending":
        if not (row.message_id or args.message_id):
            raise InvalidInput("sending needs a message_id", fields={"message_id": "required"})
        row.message_id = row.message_id or args.message_id
    row.status = args.status
    row.error = None if args.status in ("sending", "sent") else args.error
    touch(row, ctx.now)  # every write to a draft bumps its version
    ctx.session.add(row)
    announce(ctx, row)
    return Delivery.model_validate(row, from_attributes=True)


class ContactFacts(Input):
    contact_id: Id
    facts: dict[str, Any] = Field(description="Facts by enricher name.")
    profile_summary: str | None = Field(default=None, min_length=1, max_length=1000)


class RecordEnrichment(Input):
    contacts: list[ContactFacts] = Field(min_length=1, max_length=100)


class Enriched(BaseModel):
    contact_ids: list[int] = Field(description="The contacts written (the audit keeps them).")
    skipped: list[int] = Field(description="Contacts deleted while the enrichers ran.")
    enrichers: dict[str, list[str]] = Field(description="Enricher names by contact id.")


@procedure(
    "contacts.record_enrichment",
    summary="Store contacts' derived facts and profile summaries (the enrichment jobs)",
    input=RecordEnrichment,
    output=Enriched,
    roles=STAFF,
    internal=True,
)
async def record_enrichment(ctx: CallContext, args: RecordEnrichment) -> Enriched:
    """Derived facts do not bump a contact's version (approvals bind to what people wrote).
    A bulk job writes a batch per call; a contact deleted meanwhile is skipped, not an error.
    Each row is locked as it is read: a delete still running is waited for and its contact
    skipped, where an unlocked read would write to a row gone by the time it flushes."""
    written: dict[str, list[str]] = {}
    missing: list[int] = []
    for item in args.contacts:
        contact = await ctx.session.get(Contact, item.contact_id, with_for_update=True)
        if contact is None:
            missing.append(item.contact_id)
            continue
        if item.profile_summary:  # clinical text: its own encrypted column, never the JSON
            contact.profile_summary = item.profile_summary
        contact.enrichment = {**item.facts, "enriched_at": ctx.now.isoformat()}
        ctx.session.add(contact)
        written[str(item.contact_id)] = sorted(item.facts)
    return Enriched(contact_ids=[int(k) for k in written], skipped=missing, enrichers=written)
