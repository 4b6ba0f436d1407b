"""Clinical notes: owners and practitioners only, never shown to other roles."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import col, select

from assistant.crm.common import LongText, get_or_404
from assistant.crm.declare import BODY_AFTER_COLON, Command, Slot, contact, day, procedure
from assistant.db.models import Contact, Note
from assistant.procedures.context import CLINICAL_ROLES, CallContext
from assistant.procedures.types import Deleted, Id, Input, ListInput, Page, paginate
from assistant.procedures.undo import Kept, Reversal


class NoteAdd(Input):
    contact_id: Id
    body: LongText


class NoteList(ListInput):
    contact_id: Id


class NoteRef(Input):
    note_id: Id


class NoteOut(BaseModel):
    id: int
    contact_id: int
    author_id: int | None
    body: str
    created_at: datetime


def _keep_note(args: NoteAdd, out: NoteOut, _: None) -> Kept:
    return {"note_id": out.id, "contact_id": out.contact_id}


async def _note_gone(ctx: CallContext, kept: Kept) -> str | None:
    if await ctx.session.get(Note, kept["note_id"]) is None:
        return f"note {kept['note_id']} was deleted since"
    return None


async def _delete_note(ctx: CallContext, kept: Kept) -> None:
    await ctx.call("notes.delete", {"note_id": kept["note_id"]})


@procedure(
    "notes.add",
    summary="Add a clinical note to a contact",
    input=NoteAdd,
    output=NoteOut,
    roles=CLINICAL_ROLES,
    undo=Reversal(keep=_keep_note, check=_note_gone, revert=_delete_note, says="removed the note"),
    examples=[
        "add a note to [Jane Doe](CONTACT): [prefers morning sessions](BODY)",
        "note for [Sam Lee](CONTACT): [knee better](BODY)",
    ],
    command=Command(
        (
            contact("Which contact is the note for?"),
            Slot(
                "body",
                "text",
                "the note's text, exactly as written",
                target=("body",),
                labels=("BODY",),
                required=True,
                question="What should the note say?",
                max_length=2000,
            ),
        ),
        patterns=(BODY_AFTER_COLON,),
    ),
    classified=True,
)
async def add(ctx: CallContext, args: NoteAdd) -> NoteOut:
    await get_or_404(ctx.session, Contact, args.contact_id, "contact")
    note = Note(
        contact_id=args.contact_id,
        author_id=ctx.principal.user_id,
        body=args.body,
        created_at=ctx.now,
    )
    ctx.session.add(note)
    await ctx.session.flush()
    return NoteOut.model_validate(note, from_attributes=True)


@procedure(
    "notes.list",
    summary="List a contact's clinical notes, newest first",
    input=NoteList,
    output=Page[NoteOut],
    roles=CLINICAL_ROLES,
    examples=[
        "show [Jane Doe](CONTACT)'s notes",
        "what's in [Priya](CONTACT)'s history",
    ],
    command=Command((contact("Whose notes should I show?"),)),
    classified=True,
)
async def list_(ctx: CallContext, args: NoteList) -> Page[NoteOut]:
    await get_or_404(ctx.session, Contact, args.contact_id, "contact")
    query = (
        select(Note)
        .where(Note.contact_id == args.contact_id)
        .order_by(col(Note.created_at).desc(), col(Note.id).desc())
    )
    rows, total = await paginate(ctx.session, query, args.limit, args.offset)
    return Page[NoteOut](
        items=[NoteOut.model_validate(n, from_attributes=True) for n in rows], total=total
    )


@procedure(
    "notes.delete",
    summary="Delete a clinical note",
    input=NoteRef,
    output=Deleted,
    roles=CLINICAL_ROLES,
    examples=[
        "delete the last note on [Sam Lee](CONTACT)",
    ],
    command=Command(
        (
            contact("Whose note should I delete?"),
            Slot(
                "note",
                "record",
                "words of the note, or 'last'",
                target=("note_id",),
                labels=("BODY",),
                required=True,
                question="Which note should I delete?",
                option="note",
            ),
            day("the day the note was written, as written"),
        )
    ),
    classified=True,
)
async def delete(ctx: CallContext, args: NoteRef) -> Deleted:
    note = await get_or_404(ctx.session, Note, args.note_id, "note")
    await ctx.session.delete(note)
    await ctx.session.flush()
    return Deleted(id=args.note_id)
