"""E-mail drafts: written from templates here; LLM drafting and sending come with the jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from assistant.crm.common import Id, Input, get_or_404
from assistant.crm.contacts import STAFF
from assistant.crm.declare import procedure
from assistant.db.models import Contact, EmailDraft
from assistant.errors import Conflict
from assistant.llm import describe_engine
from assistant.procedures.context import CallContext

Purpose = Literal["follow_up", "reminder", "welcome", "custom"]
TEMPLATES: dict[str, tuple[str, str]] = {
    "follow_up": (
        "Following up on your visit",
        "Dear {name},\n\nThank you for coming in. We wanted to follow up and see how "
        "you are doing.{extra}\n\nPlease reply if you have any questions.\n\nKind regards",
    ),
    "reminder": (
        "A reminder from the clinic",
        "Dear {name},\n\nThis is a friendly reminder from the clinic.{extra}\n\nKind regards",
    ),
    "welcome": (
        "Welcome to the clinic",
        "Dear {name},\n\nWelcome! We look forward to seeing you.{extra}\n\nKind regards",
    ),
    "custom": ("A message from the clinic", "Dear {name},\n\n{extra}\n\nKind regards"),
}


class DraftCreate(Input):
    contact_id: Id
    purpose: Purpose
    instructions: str | None = Field(default=None, max_length=2000)


class DraftUpdate(Input):
    draft_id: Id
    subject: str | None = Field(default=None, min_length=1, max_length=300)
    body: str | None = Field(default=None, min_length=1, max_length=20_000)

    @model_validator(mode="after")
    def _something_to_change(self) -> DraftUpdate:
        if self.subject is None and self.body is None:
            raise ValueError("give a subject or a body")
        return self


class DraftOut(BaseModel):
    id: int
    contact_id: int
    purpose: str
    instructions: str | None
    subject: str
    body: str
    status: str
    created_at: datetime
    updated_at: datetime


def render_template(purpose: str, first_name: str, instructions: str | None) -> tuple[str, str]:
    subject, body = TEMPLATES[purpose]
    extra = f"\n\n{instructions.strip()}" if instructions else ""
    if purpose == "custom":
        extra = instructions.strip() if instructions else ""
    return subject, body.format(name=first_name, extra=extra)


@procedure(
    "emails.draft",
    summary="Draft an e-mail to a contact (follow_up, reminder, welcome, custom)",
    input=DraftCreate,
    output=DraftOut,
    roles=STAFF,
    examples=["write a follow-up email to Omar about his missed appointment"],
)
async def draft(ctx: CallContext, args: DraftCreate) -> DraftOut:
    contact = await get_or_404(ctx.session, Contact, args.contact_id, "contact")
    subject, body = render_template(args.purpose, contact.first_name, args.instructions)
    with_model = ctx.settings is not None and describe_engine(ctx.settings)[0] is not None
    row = EmailDraft(
        contact_id=args.contact_id,
        author_id=ctx.principal.user_id,
        purpose=args.purpose,
        instructions=args.instructions,
        subject=subject,
        body=body,
        status="pending" if with_model else "ready",
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(row)
    await ctx.session.flush()
    if with_model:  # the template stands until the model's draft replaces it
        await ctx.enqueue("email.draft", {"draft_id": row.id})
    return DraftOut.model_validate(row, from_attributes=True)


@procedure(
    "emails.update",
    summary="Edit a draft's subject or body",
    input=DraftUpdate,
    output=DraftOut,
    roles=STAFF,
    examples=["change the subject of the draft to 'See you soon'"],
)
async def update(ctx: CallContext, args: DraftUpdate) -> DraftOut:
    row = await get_or_404(ctx.session, EmailDraft, args.draft_id, "draft")
    if row.status not in ("ready", "pending", "failed"):
        raise Conflict(f"draft {row.id} is {row.status} and can no longer be edited")
    if args.subject is not None:
        row.subject = args.subject
    if args.body is not None:
        row.body = args.body
    touch(row, ctx.now)
    ctx.session.add(row)
    await ctx.session.flush()
    return DraftOut.model_validate(row, from_attributes=True)


def touch(row: EmailDraft, now: datetime) -> None:
    """Every write to a draft bumps its version: an approval bound to the old one goes stale."""
    row.version += 1
    row.updated_at = now


class DraftRef(Input):
    draft_id: Id


def _draft_target(args: DraftRef) -> list[tuple[str, int]]:
    return [("email_drafts", args.draft_id)]


def _describe_send(args: DraftRef, rows: dict[tuple[str, int], Any]) -> str:
    draft = rows[("email_drafts", args.draft_id)]
    purpose = draft.purpose.replace("_", "-")
    to = draft.contact.email if draft.contact is not None else None
    return (
        f"Send e-mail draft #{draft.id} ({purpose}) to contact #{draft.contact_id} at {to}: "
        f"{draft.subject}"
    )


def _sendable(args: DraftRef, rows: dict[tuple[str, int], Any]) -> None:
    """Only a finished draft may be put to an approver: a pending one is still the template,
    and the model's text would replace what they saw."""
    draft = rows[("email_drafts", args.draft_id)]
    if draft.status != "ready":
        raise Conflict(
            f"draft {draft.id} is {draft.status}; only a ready draft can be sent "
            "(wait for the model's draft, or edit it)",
            fields={"draft_id": f"draft is {draft.status}, not ready"},
        )


@procedure(
    "emails.send",
    summary="Send an e-mail draft to its contact (after approval)",
    input=DraftRef,
    output=DraftOut,
    roles=STAFF,
    risk="critical",
    targets=_draft_target,
    describe=_describe_send,
    precondition=_sendable,
    examples=["send the follow-up email to Omar"],
)
async def send(ctx: CallContext, args: DraftRef) -> DraftOut:
    """Runs only once the approval's binding (recipient, subject, body) held; the address is
    fixed on the draft here, so a later change to the contact cannot redirect the mail."""
    row = await get_or_404(ctx.session, EmailDraft, args.draft_id, "draft")
    _sendable(args, {("email_drafts", args.draft_id): row})
    if row.contact is None or not row.contact.email:
        raise Conflict(
            f"contact {row.contact_id} has no e-mail address",
            fields={"draft_id": "the contact has no e-mail address"},
        )
    row.status, row.recipient = "queued", row.contact.email
    touch(row, ctx.now)
    ctx.session.add(row)
    await ctx.session.flush()
    await ctx.enqueue("email.send", {"draft_id": row.id}, key=f"email-send:{row.id}:{row.version}")
    return DraftOut.model_validate(row, from_attributes=True)
