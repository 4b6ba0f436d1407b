"""Tag procedures: label contacts ("vip", "new-client") and take labels off."""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import col, select

from assistant.crm.common import TagName, get_or_404
from assistant.crm.contacts import STAFF, ContactOut, contact_out, ensure_tag, touch
from assistant.crm.declare import Command, Slot, contact, pattern, procedure
from assistant.db.models import Contact, ContactTag, Tag
from assistant.procedures.context import CallContext
from assistant.procedures.types import Id, Input
from assistant.procedures.undo import Kept, Reversal

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
    tag: TagName


async def _tagged(ctx: CallContext, contact_id: int, name: str) -> tuple[bool, bool]:
    """(the tag exists at all, the contact has it)."""
    tag = (await ctx.session.exec(select(Tag).where(Tag.name == name))).first()
    if tag is None:
        return False, False
    return True, await ctx.session.get(ContactTag, (contact_id, tag.id)) is not None


async def _before_tagging(ctx: CallContext, args: TagChange) -> tuple[bool, bool]:
    return await _tagged(ctx, args.contact_id, args.tag)


def _keep_change(args: TagChange, out: ContactOut, before: tuple[bool, bool]) -> Kept | None:
    """What a tag change did, or None when it changed nothing (tag already there or not)."""
    existed, had = before
    if had == (args.tag in out.tags):
        return None
    return {"contact_id": args.contact_id, "tag": args.tag, "tag_created": not existed}


async def _tag_still_added(ctx: CallContext, kept: Kept) -> str | None:
    if not (await _tagged(ctx, kept["contact_id"], kept["tag"]))[1]:
        return f"the tag {kept['tag']} was taken off since"
    return None


async def _tag_still_removed(ctx: CallContext, kept: Kept) -> str | None:
    if (await _tagged(ctx, kept["contact_id"], kept["tag"]))[1]:
        return f"the tag {kept['tag']} was put back since"
    return None


async def _untag(ctx: CallContext, kept: Kept) -> None:
    await ctx.call("tags.remove", {"contact_id": kept["contact_id"], "tag": kept["tag"]})
    if not kept.get("tag_created"):
        return
    # The tag was new: it goes too, unless another contact has it by now.
    tag = (await ctx.session.exec(select(Tag).where(Tag.name == kept["tag"]))).first()
    if tag is None:
        return
    users = await ctx.session.exec(select(ContactTag).where(ContactTag.tag_id == tag.id))
    if users.first() is None:
        await ctx.session.delete(tag)
        await ctx.session.flush()


async def _retag(ctx: CallContext, kept: Kept) -> None:
    await ctx.call("tags.add", {"contact_id": kept["contact_id"], "tag": kept["tag"]})


@procedure(
    "tags.add",
    summary="Tag a contact",
    input=TagChange,
    output=ContactOut,
    roles=STAFF,
    undo=Reversal(
        keep=_keep_change,
        check=_tag_still_added,
        revert=_untag,
        before=_before_tagging,
        says="took the tag off",
    ),
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
    undo=Reversal(
        keep=_keep_change,
        check=_tag_still_removed,
        revert=_retag,
        before=_before_tagging,
        says="put the tag back",
    ),
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
