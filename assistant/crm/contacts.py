"""Contact procedures: create, get, search, update, delete (critical) and merge (critical)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Literal

from pydantic import (
    BaseModel,
    EmailStr,
    Field,
    field_validator,
    model_validator,
)
from sqlalchemy import delete, func, or_, update
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.crm.common import Phone, TagName, get_or_404, phone_digits
from assistant.crm.contact_undo import MERGE_UNDO, UPDATE_UNDO
from assistant.crm.declare import Command, EditField, Slot, contact, pattern, procedure
from assistant.crm.erasure import erase_copies
from assistant.crm.impacts import delete_impact, merge_impact
from assistant.db.models import (
    Appointment,
    Contact,
    ContactTag,
    EmailDraft,
    Note,
    Role,
    Tag,
    Task,
)
from assistant.errors import Conflict, InvalidInput
from assistant.procedures.context import CallContext, Principal
from assistant.procedures.registry import ALL_STAFF
from assistant.procedures.types import Deleted, Id, Input, ListInput, Page, paginate
from assistant.procedures.undo import Irreversible

STAFF = ALL_STAFF - {Role.viewer}
# A search is also a phone search only when it looks like (part of) a number: "Anna2" is not.
PHONE_QUERY = re.compile(r"\+?[\d\s().\-/]+")
# The contact_id columns of everything a contact owns: moved on merge, deleted with it.
OWNED_BY_CONTACT: tuple[tuple[type[SQLModel], Any], ...] = (
    (Note, col(Note.contact_id)),
    (Task, col(Task.contact_id)),
    (Appointment, col(Appointment.contact_id)),
    (EmailDraft, col(EmailDraft.contact_id)),
)
Name = Field(min_length=1, max_length=100)
SortKey = Literal["name", "-name", "newest", "oldest"]
# Every order ends on the id, so paging is stable.
SORTS: dict[str, tuple[Any, ...]] = {
    "name": (col(Contact.last_name), col(Contact.first_name), col(Contact.id)),
    "-name": (col(Contact.last_name).desc(), col(Contact.first_name).desc(), col(Contact.id)),
    "newest": (col(Contact.created_at).desc(), col(Contact.id).desc()),
    "oldest": (col(Contact.created_at), col(Contact.id)),
}


class ContactFields(Input):
    email: EmailStr | None = None
    phone: Phone | None = None
    date_of_birth: date | None = None
    address: str | None = Field(default=None, max_length=500)

    @field_validator("date_of_birth")
    @classmethod
    def _not_in_future(cls, value: date | None) -> date | None:
        if value is not None and value > date.today():
            raise ValueError("date of birth is in the future")
        return value


class ContactCreate(ContactFields):
    first_name: str = Name
    last_name: str = Field(default="", max_length=100)
    tags: list[TagName] = Field(
        default_factory=list, max_length=20, description="At most 20, each of 50 characters."
    )
    enrich: bool = Field(
        default=True, description="Look up details (phone region, duplicates) in the background."
    )


class ContactUpdate(ContactFields):
    contact_id: Id
    first_name: str | None = Field(default=None, min_length=1, max_length=100)
    last_name: str | None = Field(default=None, max_length=100, description="null clears it.")
    expected_version: int | None = Field(
        default=None, description="Refuse the update (409) if the contact changed since."
    )

    @model_validator(mode="after")
    def _something_to_change(self) -> ContactUpdate:
        if not self.model_fields_set - {"contact_id", "expected_version"}:
            raise ValueError("give at least one field to change")
        return self


class ContactRef(Input):
    contact_id: Id


class ContactSearch(ListInput):
    query: str | None = Field(
        default=None,
        max_length=200,
        description="Part of a name, e-mail or phone number; case-insensitive.",
    )
    tag: TagName | None = None
    ids: list[Id] | None = Field(
        default=None, max_length=200, description="Only these contacts (e.g. names for a list)."
    )
    sort: SortKey = Field(default="name", description="name, -name, newest or oldest.")


class ContactMerge(Input):
    contact_id: Id = Field(description="The contact that stays.")
    duplicate_id: Id = Field(description="The contact merged into it and then deleted.")

    @model_validator(mode="after")
    def _different(self) -> ContactMerge:
        if self.contact_id == self.duplicate_id:
            raise ValueError("a contact cannot be merged into itself")
        return self


class ContactOut(BaseModel):
    id: int
    first_name: str
    last_name: str
    full_name: str
    email: str | None
    phone: str | None
    date_of_birth: date | None
    address: str | None
    tags: list[str]
    enrichment: dict[str, Any]
    profile_summary: str | None = Field(
        default=None, description="Drawn from clinical notes: owners and practitioners only."
    )
    version: int
    created_at: datetime
    updated_at: datetime


async def contact_tags(session: AsyncSession, contact_id: int) -> list[str]:
    rows = await session.exec(
        select(Tag.name)
        .join(ContactTag, col(ContactTag.tag_id) == col(Tag.id))
        .where(ContactTag.contact_id == contact_id)
        .order_by(Tag.name)
    )
    return list(rows.all())


async def contact_out(session: AsyncSession, contact: Contact, viewer: Principal) -> ContactOut:
    assert contact.id is not None
    # The summary lives in its own encrypted column; a stray copy in the (plaintext) JSON
    # from before migration 0002 is never shown.
    enrichment = {k: v for k, v in contact.enrichment.items() if k != "profile_summary"}
    return ContactOut(
        **contact.model_dump(exclude={"enrichment", "phone_digits", "profile_summary"}),
        full_name=f"{contact.first_name} {contact.last_name}".strip(),
        tags=await contact_tags(session, contact.id),
        enrichment=enrichment,
        profile_summary=contact.profile_summary if viewer.reads_clinical_text else None,
    )


def touch(contact: Contact, now: datetime) -> None:
    """Every change bumps the version an approval is bound to."""
    contact.version += 1
    contact.updated_at = now


async def ensure_tag(session: AsyncSession, name: str) -> Tag:
    tag = (await session.exec(select(Tag).where(Tag.name == name))).first()
    if tag is None:
        tag = Tag(name=name)
        session.add(tag)
        await session.flush()
    return tag


@procedure(
    "contacts.create",
    summary="Create a contact (client)",
    input=ContactCreate,
    output=ContactOut,
    roles=STAFF,
    risk="low",
    examples=[
        "add a new client [Maria Lopez](CONTACT), [maria@example.com](EMAIL)",
        "create contact [Tom Reed](CONTACT)",
    ],
    command=Command(
        (
            Slot(
                "name",
                "name",
                "the new client's full name",
                target=("first_name", "last_name"),
                labels=("CONTACT",),
                required=True,
                question="What is the new client's name?",
            ),
            Slot("email", "email", "e-mail address", target=("email",), labels=("EMAIL",)),
            Slot("phone", "phone", "phone number", target=("phone",), labels=("PHONE",)),
            Slot(
                "date_of_birth",
                "birthdate",
                "date of birth as written",
                target=("date_of_birth",),
                labels=("DATE",),
            ),
            Slot("tags", "tags", "tags, comma-separated", target=("tags",), labels=("TAG",)),
        )
    ),
    classified=True,
)
async def create(ctx: CallContext, args: ContactCreate) -> ContactOut:
    contact = Contact(
        **args.model_dump(exclude={"tags", "enrich"}),
        phone_digits=phone_digits(args.phone),
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(contact)
    await ctx.session.flush()
    for name in dict.fromkeys(args.tags):  # normalised on input; once each
        tag = await ensure_tag(ctx.session, name)
        ctx.session.add(ContactTag.link(contact, tag))
    await ctx.session.flush()
    if args.enrich:
        await ctx.enqueue("contact.enrich", {"contact_id": contact.id})
    return await contact_out(ctx.session, contact, ctx.principal)


@procedure(
    "contacts.get",
    summary="Show one contact",
    input=ContactRef,
    output=ContactOut,
    roles=ALL_STAFF,
    examples=[
        "show me [Jane Doe](CONTACT)",
        "open [Priya Nair](CONTACT)'s details",
    ],
    command=Command((contact("Which contact should I show?"),)),
    classified=True,
)
async def get(ctx: CallContext, args: ContactRef) -> ContactOut:
    contact = await get_or_404(ctx.session, Contact, args.contact_id, "contact")
    return await contact_out(ctx.session, contact, ctx.principal)


@procedure(
    "contacts.search",
    summary="Find contacts by part of a name, e-mail, phone, or by tag",
    input=ContactSearch,
    output=Page[ContactOut],
    roles=ALL_STAFF,
    examples=[
        "find [Sam](CONTACT)",
        "who has a gmail address",
        "list [vip](TAG) clients",
    ],
    command=Command(
        (
            Slot(
                "query",
                "text",
                "part of a name, e-mail or phone",
                target=("query",),
                labels=("CONTACT", "EMAIL", "PHONE"),
                option="search",
            ),
            Slot("tag", "tag", "only contacts with this tag", target=("tag",), labels=("TAG",)),
        ),
        patterns=(pattern(r"\btag(?:ged)?\s+(?:as\s+|with\s+)?(?P<tag>[\w\-]+)\s*[?.!]*$"),),
    ),
    classified=True,
)
async def search(ctx: CallContext, args: ContactSearch) -> Page[ContactOut]:
    query = select(Contact)
    if args.query:
        q = args.query.strip()
        full = func.lower(col(Contact.first_name) + " " + col(Contact.last_name))
        conditions = [
            full.contains(q.lower(), autoescape=True),
            func.lower(col(Contact.email)).contains(q.lower(), autoescape=True),
        ]
        digits = phone_digits(q) if PHONE_QUERY.fullmatch(q) else None
        if digits and len(digits) >= 3:
            conditions.append(col(Contact.phone_digits).contains(digits, autoescape=True))
        query = query.where(or_(*conditions))
    if args.tag:
        query = query.where(
            col(Contact.id).in_(
                select(ContactTag.contact_id)
                .join(Tag, col(Tag.id) == col(ContactTag.tag_id))
                .where(Tag.name == args.tag)
            )
        )
    if args.ids is not None:
        query = query.where(col(Contact.id).in_(args.ids))
    query = query.order_by(*SORTS[args.sort])
    rows, total = await paginate(ctx.session, query, args.limit, args.offset)
    return Page[ContactOut](
        items=[await contact_out(ctx.session, c, ctx.principal) for c in rows], total=total
    )


@procedure(
    "contacts.update",
    summary="Change a contact's name, e-mail, phone, address or birth date",
    input=ContactUpdate,
    output=ContactOut,
    roles=STAFF,
    undo=UPDATE_UNDO,
    examples=[
        "change [Tom Reed](CONTACT)'s phone to [415 555 0132](PHONE)",
        "update [Jane](CONTACT)'s email to [jd@example.com](EMAIL)",
    ],
    command=Command(
        (
            contact("Whose details should I change?", labels=("CONTACT",)),
            Slot("email", "email", "the new e-mail address", target=("email",), labels=("EMAIL",)),
            Slot("phone", "phone", "the new phone number", target=("phone",), labels=("PHONE",)),
            Slot(
                "date_of_birth",
                "birthdate",
                "the new date of birth as written",
                target=("date_of_birth",),
                labels=("DATE",),
            ),
            Slot("address", "text", "the new postal address", target=("address",)),
            Slot("first_name", "text", "the new first name", target=("first_name",)),
            Slot("last_name", "text", "the new last name", target=("last_name",)),
        ),
        patterns=(
            pattern(r"\baddress\s+(?:is|to)\s+(?P<address>.{4,})$"),
            pattern(r"\blast name\s+(?:is|to)\s+(?P<last_name>[\w\-']+)"),
            pattern(r"\bfirst name\s+(?:is|to)\s+(?P<first_name>[\w\-']+)"),
        ),
    ),
    classified=True,
)
async def update_(ctx: CallContext, args: ContactUpdate) -> ContactOut:
    contact = await get_or_404(ctx.session, Contact, args.contact_id, "contact")
    if args.expected_version is not None and args.expected_version != contact.version:
        raise Conflict(
            f"contact {contact.id} changed since version {args.expected_version} "
            f"(now {contact.version}); reload and try again"
        )
    changes = args.model_dump(exclude_unset=True, exclude={"contact_id", "expected_version"})
    if changes.get("first_name") is None and "first_name" in changes:
        raise InvalidInput("first_name cannot be empty", fields={"first_name": "required"})
    if "last_name" in changes and changes["last_name"] is None:
        changes["last_name"] = ""  # the column holds "" for no last name, never NULL
    for key, value in changes.items():
        setattr(contact, key, value)
    if "phone" in changes:
        contact.phone_digits = phone_digits(contact.phone)
    touch(contact, ctx.now)
    ctx.session.add(contact)
    await ctx.session.flush()
    return await contact_out(ctx.session, contact, ctx.principal)


def _contact_target(args: ContactRef) -> list[tuple[str, int]]:
    return [("contacts", args.contact_id)]


def _merge_targets(args: ContactMerge) -> list[tuple[str, int]]:
    return [("contacts", args.contact_id), ("contacts", args.duplicate_id)]


def _label(contact: Contact) -> str:
    return f"{contact.first_name} {contact.last_name}".strip() + f" (#{contact.id})"


def _describe_delete(args: ContactRef, rows: dict[tuple[str, int], Any]) -> str:
    contact = rows[("contacts", args.contact_id)]
    return f"Delete contact {_label(contact)} with all their notes, tasks, appointments and drafts"


def _describe_merge(args: ContactMerge, rows: dict[tuple[str, int], Any]) -> str:
    keep, dup = rows[("contacts", args.contact_id)], rows[("contacts", args.duplicate_id)]
    return f"Merge {_label(dup)} into {_label(keep)} and delete {_label(dup)}"


@procedure(
    "contacts.delete",
    summary="Delete a contact and all their data for good (right to be forgotten)",
    input=ContactRef,
    output=Deleted,
    roles=STAFF,
    risk="critical",
    targets=_contact_target,
    describe=_describe_delete,
    impact=delete_impact,
    undo=Irreversible("a deleted contact is erased for good (right to be forgotten)"),
    examples=[
        "delete the contact [Ann Smith](CONTACT)",
    ],
    command=Command((contact("Which contact should I delete?"),)),
    classified=True,
)
async def delete_(ctx: CallContext, args: ContactRef) -> Deleted:
    contact = await get_or_404(ctx.session, Contact, args.contact_id, "contact")
    await erase_copies(ctx.session, contact)  # approvals, events, chat, jobs: ids stay
    owned: tuple[tuple[type[SQLModel], Any], ...] = (
        *OWNED_BY_CONTACT,
        (ContactTag, col(ContactTag.contact_id)),
    )
    for model, column in owned:
        await ctx.session.exec(delete(model).where(column == contact.id))
    await ctx.session.delete(contact)
    await ctx.session.flush()
    return Deleted(id=args.contact_id)


@procedure(
    "contacts.merge",
    summary="Merge a duplicate contact into another and delete the duplicate",
    input=ContactMerge,
    output=ContactOut,
    roles=STAFF,
    risk="critical",
    targets=_merge_targets,
    describe=_describe_merge,
    impact=merge_impact,
    edits=(EditField("contact_id", "Record to keep", "keep"),),
    undo=MERGE_UNDO,
    examples=[
        "merge [Jon Smith](DUPLICATE) into [John Smith](CONTACT)",
    ],
    command=Command(
        (
            contact("Which contact should the duplicate be merged into?"),
            contact("Which contact is the duplicate?", name="duplicate"),
        ),
        overrides=(
            pattern(
                r"\bmerge\s+(?:the\s+)?(?:duplicate\s+)?['\"]?(?P<duplicate>.+?)['\"]?\s+"
                r"(?:into|in to|with)\s+['\"]?(?P<contact>.+?)['\"]?\s*[.!]*$"
            ),
            pattern(
                r"^['\"]?(?P<duplicate>.+?)['\"]?\s+is\s+a\s+(?:duplicate|dupe|copy)\s+of\s+"
                r"['\"]?(?P<contact>.+?)['\"]?(?:\s*,.*)?$"
            ),
        ),
    ),
    classified=True,
)
async def merge(ctx: CallContext, args: ContactMerge) -> ContactOut:
    keep = await get_or_404(ctx.session, Contact, args.contact_id, "contact")
    dup = await get_or_404(ctx.session, Contact, args.duplicate_id, "contact")
    for model, column in OWNED_BY_CONTACT:
        moved: dict[str, Any] = {"contact_id": keep.id}
        if model is EmailDraft:  # a new recipient: a send approved for the old one goes stale
            moved["version"] = col(EmailDraft.version) + 1
        await ctx.session.exec(update(model).where(column == dup.id).values(**moved))
    keep_tags = set(await contact_tags(ctx.session, args.contact_id))
    for name in await contact_tags(ctx.session, args.duplicate_id):
        if name not in keep_tags:
            tag = await ensure_tag(ctx.session, name)
            ctx.session.add(ContactTag.link(keep, tag))
    for field in ("last_name", "email", "phone", "date_of_birth", "address"):
        if not getattr(keep, field) and getattr(dup, field):
            setattr(keep, field, getattr(dup, field))
    keep.phone_digits = phone_digits(keep.phone)
    keep.enrichment = {**dup.enrichment, **keep.enrichment}
    keep.profile_summary = keep.profile_summary or dup.profile_summary
    await ctx.session.exec(delete(ContactTag).where(col(ContactTag.contact_id) == dup.id))
    await ctx.session.delete(dup)
    touch(keep, ctx.now)
    ctx.session.add(keep)
    await ctx.session.flush()
    return await contact_out(ctx.session, keep, ctx.principal)
