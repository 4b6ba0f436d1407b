"""E-mail drafts: written from templates here; LLM drafting and sending come with the jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, get_args

from pydantic import BaseModel, Field, model_validator
from sqlmodel import col, select

from assistant.crm.common import get_or_404
from assistant.crm.contacts import STAFF
from assistant.crm.declare import Command, Slot, contact, pattern, procedure
from assistant.db.models import Contact, EmailDraft
from assistant.errors import Conflict
from assistant.llm import describe_engine
from assistant.procedures.context import CallContext
from assistant.procedures.types import Id, Input, ListInput, Page, paginate

Purpose = Literal["follow_up", "reminder", "welcome", "custom"]
"""The kinds of e-mail: written here only; the parser and the LLM's tools read this type."""
# How staff name a purpose; anything else is a custom e-mail.
PURPOSE_WORDS = (
    (r"follow[\s\-]?up|check[\s\-]?in|missed", "follow_up"),
    (r"remind", "reminder"),
    (r"welcome|intro", "welcome"),
)
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
    summary=f"Draft an e-mail to a contact ({', '.join(get_args(Purpose))})",
    input=DraftCreate,
    output=DraftOut,
    roles=STAFF,
    examples=[
        "write a [follow-up](PURPOSE) email to [Omar](CONTACT)"
        " [about his missed appointment](BODY)",
    ],
    command=Command(
        (
            contact("Who is the e-mail to?"),
            Slot(
                "purpose",
                "choice",
                "",
                target=("purpose",),
                labels=("PURPOSE",),
                option="custom",
                synonyms=PURPOSE_WORDS,
            ),
            Slot(
                "instructions",
                "text",
                "what the e-mail should say, as written",
                target=("instructions",),
                labels=("BODY",),
                max_length=500,
            ),
        ),
        patterns=(
            pattern(
                r"\b(?P<instructions>(?:about|regarding|asking|telling|to remind|"
                r"mention(?:ing)?|saying|for (?:his|her|their))\b.+)$"
            ),
        ),
    ),
    classified=True,
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
    examples=[
        "change the subject of the draft to 'See you soon'",
    ],
    command=Command(
        (
            contact("Whose draft should I change?"),
            Slot(
                "draft",
                "record",
                "words of the draft (its purpose or subject)",
                target=("draft_id",),
                labels=("PURPOSE",),
                required=True,
                question="Which draft?",
                option="draft",
            ),
            Slot("subject", "text", "the new subject", target=("subject",)),
            Slot("body", "text", "the new body", target=("body",), max_length=2000),
        ),
        patterns=(pattern(r"\bsubject\b.*?\bto\s+['\"]?(?P<subject>.+?)['\"]?\s*$"),),
    ),
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
    examples=[
        "send the [follow-up](PURPOSE) email to [Omar](CONTACT)",
    ],
    command=Command(
        (
            contact("Whose e-mail should I send?"),
            Slot(
                "draft",
                "record",
                "words of the draft (its purpose or subject)",
                target=("draft_id",),
                labels=("PURPOSE",),
                required=True,
                question="Which draft should I send?",
                option="draft",
            ),
        )
    ),
    classified=True,
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


class DraftList(ListInput):
    contact_id: Id | None = Field(default=None, description="Only this contact's drafts.")


@procedure(
    "emails.list",
    summary="List e-mail drafts, newest first, optionally of one contact",
    input=DraftList,
    output=Page[DraftOut],
    roles=STAFF,
)
async def list_(ctx: CallContext, args: DraftList) -> Page[DraftOut]:
    query = select(EmailDraft).order_by(
        col(EmailDraft.updated_at).desc(), col(EmailDraft.id).desc()
    )
    if args.contact_id is not None:
        query = query.where(EmailDraft.contact_id == args.contact_id)
    rows, total = await paginate(ctx.session, query, args.limit, args.offset)
    return Page[DraftOut](
        items=[DraftOut.model_validate(r, from_attributes=True) for r in rows], total=total
    )
