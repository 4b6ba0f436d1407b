"""Tag procedures: label contacts ("vip", "new-client") and take labels off."""

from __future__ import annotations

import re

from pydantic import Field, field_validator
from sqlalchemy import delete
from sqlmodel import col, select

from assistant.crm.common import get_or_404
from assistant.crm.contacts import STAFF, ContactOut, contact_out, ensure_tag, touch
from assistant.crm.declare import Command, Slot, contact, pattern, procedure
from assistant.db.models import Contact, ContactTag, Tag
from assistant.procedures.context import CallContext
from assistant.procedures.types import Id, Input


def normalise_tag(tag: str) -> str:
    """Tags compare case- and space-insensitively: "New Client" is "new-client"."""
    cleaned = re.sub(r"[\s_]+", "-", tag.strip().lower()).strip("-")
    if not cleaned or not re.fullmatch(r"[\w\-]{1,50}", cleaned):
        raise ValueError("a tag is 1-50 letters, digits, spaces or dashes")
    return cleaned


TAG_SLOT = Slot(
    "tag",
    "tag",
    "the tag, e.g. 'vip'",
    target=("tag",),
    labels=("TAG",),
    required=True,
    question="Which tag?",
)
TAG_AS = pattern(
    r"\b(?:as|with)\s+(?:an?\s+)?['\"]?(?P<tag>[\w][\w\- ]{0,40}?)['\"]?\s*(?:tag)?[.!]*$"
)
TAG_NAMED = pattern(r"\b(?:the|a)\s+['\"]?(?P<tag>[\w][\w\-]{0,40})['\"]?\s+tag\b")


class TagChange(Input):
    contact_id: Id
    tag: str = Field(min_length=1, max_length=50)

    @field_validator("tag")
    @classmethod
    def _normal(cls, value: str) -> str:
        return normalise_tag(value)


@procedure(
    "tags.add",
    summary="Tag a contact",
    input=TagChange,
    output=ContactOut,
    roles=STAFF,
    examples=[
        "tag [Maria Garcia](CONTACT) as [vip](TAG)",
        "mark [Sam Lee](CONTACT) as [new client](TAG)",
    ],
    command=Command(
        (contact("Which contact should I tag?"), TAG_SLOT), patterns=(TAG_NAMED, TAG_AS)
    ),
    classified=True,
)
async def add(ctx: CallContext, args: TagChange) -> ContactOut:
    contact = await get_or_404(ctx.session, Contact, args.contact_id, "contact")
    tag = await ensure_tag(ctx.session, args.tag)
    exists = await ctx.session.get(ContactTag, (contact.id, tag.id))
    if exists is None:
        ctx.session.add(ContactTag.link(contact, tag))
        touch(contact, ctx.now)
        ctx.session.add(contact)
        await ctx.session.flush()
    return await contact_out(ctx.session, contact, ctx.principal)


@procedure(
    "tags.remove",
    summary="Remove a tag from a contact",
    input=TagChange,
    output=ContactOut,
    roles=STAFF,
    examples=[
        "remove the [vip](TAG) tag from [Maria Garcia](CONTACT)",
        "untag [Sam Lee](CONTACT) [new-client](TAG)",
    ],
    command=Command(
        (contact("Which contact should I untag?"), TAG_SLOT),
        patterns=(
            TAG_NAMED,
            pattern(
                r"\b(?:remove|take)\s+(?:the\s+)?(?:tag\s+)?['\"]?(?P<tag>[\w\-]+)['\"]?\s+"
                r"(?:tag\s+)?(?:off|from)\b"
            ),
        ),
    ),
    classified=True,
)
async def remove(ctx: CallContext, args: TagChange) -> ContactOut:
    contact = await get_or_404(ctx.session, Contact, args.contact_id, "contact")
    tag = (await ctx.session.exec(select(Tag).where(Tag.name == args.tag))).first()
    if tag is not None and await ctx.session.get(ContactTag, (contact.id, tag.id)) is not None:
        await ctx.session.exec(
            delete(ContactTag).where(
                col(ContactTag.contact_id) == contact.id, col(ContactTag.tag_id) == tag.id
            )
        )
        touch(contact, ctx.now)
        ctx.session.add(contact)
        await ctx.session.flush()
    return await contact_out(ctx.session, contact, ctx.principal)
