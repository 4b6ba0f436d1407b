"""Impact previews of the CRM's weighty procedures: what a merge moves, what a deletion
erases, what an e-mail says and to whom, how many contacts a bulk enrichment touches.
Names appear here (the preview is stored encrypted); a note is named by its date only."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.db.models import Appointment, Contact, ContactTag, EmailDraft, Note, Tag, Task
from assistant.procedures.impact import Impact, build, entry

FIRST_LINES = 3
# What a contact owns, by the preview's type: moved by a merge, erased by a deletion.
OWNED: tuple[tuple[str, Any, Any], ...] = (
    ("note", Note, col(Note.contact_id)),
    ("task", Task, col(Task.contact_id)),
    ("appointment", Appointment, col(Appointment.contact_id)),
    ("draft", EmailDraft, col(EmailDraft.contact_id)),
)


async def owned_by(session: AsyncSession, contact_id: int) -> list[dict[str, Any]]:
    """The contact's notes, tasks, appointments, drafts and tags, named, in id order."""
    records: list[dict[str, Any]] = []
    for kind, model, column in OWNED:
        rows = await session.exec(select(model).where(column == contact_id).order_by(model.id))
        records += [entry(kind, row) for row in rows.all()]
    tags = await session.exec(
        select(Tag)
        .join(ContactTag, col(ContactTag.tag_id) == col(Tag.id))
        .where(col(ContactTag.contact_id) == contact_id)
        .order_by(col(Tag.id))
    )
    records += [entry("tag", tag) for tag in tags.all()]
    return records


async def merge_impact(session: AsyncSession, args: Any, rows: dict[Any, Any]) -> Impact:
    """What moves from the duplicate to the contact that stays (tags it already has do not)."""
    keep, dup = rows[("contacts", args.contact_id)], rows[("contacts", args.duplicate_id)]
    kept_tags = {r["id"] for r in await owned_by(session, args.contact_id) if r["type"] == "tag"}
    moved = [
        r for r in await owned_by(session, args.duplicate_id)
        if not (r["type"] == "tag" and r["id"] in kept_tags)
    ]  # fmt: skip
    return build(moved, keep=entry("contact", keep), remove=entry("contact", dup))


async def delete_impact(session: AsyncSession, args: Any, rows: dict[Any, Any]) -> Impact:
    contact = rows[("contacts", args.contact_id)]
    erased = [entry("contact", contact), *await owned_by(session, args.contact_id)]
    return build(erased)


def first_lines(body: str, n: int = FIRST_LINES) -> str:
    lines = [line for line in body.splitlines() if line.strip()]
    return "\n".join(lines[:n])


async def send_impact(session: AsyncSession, args: Any, rows: dict[Any, Any]) -> Impact:
    """Recipient, subject and first lines, as the send would deliver them (edits included)."""
    draft: EmailDraft = rows[("email_drafts", args.draft_id)]
    recipient = getattr(args, "recipient", None) or (draft.contact.email if draft.contact else None)
    subject = getattr(args, "subject", None) or draft.subject
    body = getattr(args, "body", None) or draft.body
    return build(
        [entry("draft", draft)],
        email={"recipient": recipient, "subject": subject, "first_lines": first_lines(body)},
    )


async def enrich_all_impact(session: AsyncSession, args: Any, rows: dict[Any, Any]) -> Impact:
    """A bulk enrichment touches every contact: a count, no names."""
    total = int((await session.exec(select(func.count()).select_from(Contact))).one())
    return {"counts": {"contact": total}, "records": []}
