"""E-mail drafts: written from templates here; LLM drafting and sending come with the jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, get_args

from pydantic import BaseModel, EmailStr, Field, model_validator
from sqlmodel import col, select

from assistant.crm.common import get_or_404
from assistant.crm.contacts import STAFF
from assistant.crm.declare import Command, EditField, Slot, contact, pattern, procedure
from assistant.crm.impacts import send_impact
from assistant.db.models import Approval, Contact, EmailDraft
from assistant.errors import Conflict
from assistant.llm import describe_engine
from assistant.procedures.approval_requests import row_version
from assistant.procedures.context import CallContext
from assistant.procedures.types import Id, Input, ListInput, Page, paginate
from assistant.procedures.undo import Irreversible

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
    error: str | None = Field(default=None, description="Why the last send failed, in words.")
    version: int = Field(default=1, description="Bumped on every write.")
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
    # A model writes the draft: the local engine, or a hosted provider (any `use` mode can
    # reach one: drafts and always directly, fallback when no local engine runs).
    with_model = ctx.settings is not None and (
        describe_engine(ctx.settings)[0] is not None or bool(ctx.settings.remote.providers)
    )
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
    if row.status == "failed":  # edited after a failed send: it may be sent again
        row.status, row.error = "ready", None
    touch(row, ctx.now)
    ctx.session.add(row)
    await ctx.session.flush()
    return DraftOut.model_validate(row, from_attributes=True)


def touch(row: EmailDraft, now: datetime) -> None:
    """Every write to a draft bumps its version: an approval bound to the old one goes stale."""
    row.version += 1
    row.updated_at = now


def announce(ctx: CallContext, row: EmailDraft) -> None:
    """`email.status` for the draft's author and whoever moved it (pages follow it live)."""
    people = {row.author_id, ctx.user_id}
    ctx.emit(
        sorted(p for p in people if p is not None),
        "email.status",
        {"draft_id": row.id, "status": row.status},
    )


class DraftRef(Input):
    draft_id: Id


class SendDraft(DraftRef):
    """A send; an approver may correct the address, subject and body (the draft is updated)."""

    recipient: EmailStr | None = Field(
        default=None, description="Send here instead of the contact's address (an edit)."
    )
    subject: str | None = Field(default=None, min_length=1, max_length=300)
    body: str | None = Field(default=None, min_length=1, max_length=20_000)


def _draft_target(args: DraftRef) -> list[tuple[str, int]]:
    return [("email_drafts", args.draft_id)]


def _delivery(args: SendDraft, draft: EmailDraft) -> tuple[str | None, str, str]:
    """Where and what the send delivers: the edits where given, else the draft's."""
    to = args.recipient or (draft.contact.email if draft.contact is not None else None)
    return to, args.subject or draft.subject, args.body or draft.body


def _describe_send(args: SendDraft, rows: dict[tuple[str, int], Any]) -> str:
    draft = rows[("email_drafts", args.draft_id)]
    purpose = draft.purpose.replace("_", "-")
    to, subject, _ = _delivery(args, draft)
    return (
        f"Send e-mail draft #{draft.id} ({purpose}) to contact #{draft.contact_id} at {to}: "
        f"{subject}"
    )


def _send_values(args: SendDraft, rows: dict[tuple[str, int], Any]) -> dict[str, Any]:
    """What the approver starts editing from: the message as it would go now."""
    to, subject, body = _delivery(args, rows[("email_drafts", args.draft_id)])
    return {"recipient": to, "subject": subject, "body": body}


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
    input=SendDraft,
    output=DraftOut,
    roles=STAFF,
    risk="critical",
    targets=_draft_target,
    describe=_describe_send,
    precondition=_sendable,
    impact=send_impact,
    edits=(
        EditField("recipient", "Recipient address", "email"),
        EditField("subject", "Subject"),
        EditField("body", "Message", "textarea"),
    ),
    edit_values=_send_values,
    undo=Irreversible("an e-mail that was sent cannot be unsent"),
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
async def send(ctx: CallContext, args: SendDraft) -> DraftOut:
    """Runs only once the approval's binding (recipient, subject, body) held; the address is
    fixed on the draft here, so a later change to the contact cannot redirect the mail. An
    approver's edits of the subject and body are written to the draft before it goes."""
    row = await get_or_404(ctx.session, EmailDraft, args.draft_id, "draft")
    _sendable(args, {("email_drafts", args.draft_id): row})
    recipient, row.subject, row.body = _delivery(args, row)
    if not recipient:
        raise Conflict(
            f"contact {row.contact_id} has no e-mail address",
            fields={"draft_id": "the contact has no e-mail address"},
        )
    row.status, row.recipient, row.error = "queued", recipient, None
    touch(row, ctx.now)
    ctx.session.add(row)
    await ctx.session.flush()
    announce(ctx, row)
    await ctx.enqueue("email.send", {"draft_id": row.id}, key=f"email-send:{row.id}:{row.version}")
    return DraftOut.model_validate(row, from_attributes=True)


Status = Literal["pending", "ready", "queued", "sending", "sent", "failed", "unknown"]


class DraftList(ListInput):
    contact_id: Id | None = Field(default=None, description="Only this contact's drafts.")
    status: Status | None = Field(default=None, description="Only drafts with this status.")


class DraftView(DraftOut):
    """A draft as its pages show it: whom it is to, and a send waiting for approval."""

    contact_name: str
    contact_email: str | None
    recipient: str | None = Field(description="The address an approved send went to.")
    message_id: str | None
    approval_id: int | None = Field(
        description="A send request of this version of the draft, waiting for approval."
    )


Waiting = dict[tuple[int, str], int]


async def _waiting_sends(ctx: CallContext) -> Waiting:
    """(draft id, the draft's version it binds) -> the pending `emails.send` approval."""
    rows = await ctx.session.exec(
        select(Approval).where(
            col(Approval.procedure) == "emails.send", col(Approval.status) == "pending"
        )
    )
    waiting: Waiting = {}
    for approval in rows:
        for key, version in approval.target.items():
            table, _, record_id = key.partition(":")
            if table == "email_drafts" and record_id.isdigit() and approval.id is not None:
                waiting.setdefault((int(record_id), str(version)), approval.id)
    return waiting


def _view(row: EmailDraft, waiting: Waiting) -> DraftView:
    """A request bound to an older version of the draft can no longer run: not waiting."""
    person = row.contact
    name = f"{person.first_name} {person.last_name}".strip() if person else ""
    return DraftView(
        **DraftOut.model_validate(row, from_attributes=True).model_dump(),
        contact_name=name or f"contact #{row.contact_id}",
        contact_email=person.email if person else None,
        recipient=row.recipient,
        message_id=row.message_id,
        approval_id=waiting.get((row.id or 0, row_version(row))),
    )


@procedure(
    "emails.list",
    summary="List e-mail drafts, newest first, optionally of one contact or one status",
    input=DraftList,
    output=Page[DraftView],
    roles=STAFF,
)
async def list_(ctx: CallContext, args: DraftList) -> Page[DraftView]:
    query = select(EmailDraft).order_by(
        col(EmailDraft.updated_at).desc(), col(EmailDraft.id).desc()
    )
    if args.contact_id is not None:
        query = query.where(EmailDraft.contact_id == args.contact_id)
    if args.status is not None:
        query = query.where(EmailDraft.status == args.status)
    rows, total = await paginate(ctx.session, query, args.limit, args.offset)
    waiting = await _waiting_sends(ctx)
    return Page[DraftView](items=[_view(r, waiting) for r in rows], total=total)


@procedure(
    "emails.get",
    summary="Read one e-mail draft: its text, status, the error of a failed send",
    input=DraftRef,
    output=DraftView,
    roles=STAFF,
    targets=_draft_target,
)
async def get(ctx: CallContext, args: DraftRef) -> DraftView:
    row = await get_or_404(ctx.session, EmailDraft, args.draft_id, "draft")
    return _view(row, await _waiting_sends(ctx))
