"""Undoing contact changes. `contacts.update`: the previous values come back, unless one of
the fields it changed was changed again since.

`contacts.merge`: the duplicate comes back with its id, its fields, its tags and
the notes, tasks, appointments and drafts that moved; the kept contact gets its own fields
and tags back. The merge keeps all of that (encrypted, for the undo window) before it runs.

Refused when the kept contact changed after the merge (its version moved on) or a moved
record was deleted or moved again: splitting back would overwrite that later change.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlmodel import SQLModel, col
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.db.models import Appointment, Contact, ContactTag, EmailDraft, Note, Task
from assistant.procedures.context import CallContext
from assistant.procedures.undo import Kept, Reversal

# What moves with a merge, by table; the undo puts these back by id.
MOVED: dict[str, type[SQLModel]] = {
    "notes": Note,
    "tasks": Task,
    "appointments": Appointment,
    "email_drafts": EmailDraft,
}
# The kept contact's fields a merge may fill or change.
KEEP_FIELDS = (
    "last_name", "email", "phone", "phone_digits", "date_of_birth", "address", "enrichment",
    "profile_summary",
)  # fmt: skip


async def _before_update(ctx: CallContext, args: Any) -> dict[str, Any] | None:
    """The values the update will replace."""
    contact = await ctx.session.get(Contact, args.contact_id)
    fields = args.model_fields_set - {"contact_id", "expected_version"}
    return None if contact is None else contact.model_dump(mode="json", include=fields)


def _keep_update(args: Any, out: Any, before: dict[str, Any] | None) -> Kept | None:
    if before is None:
        return None
    shown = out.model_dump(mode="json")
    after = {field: shown[field] for field in before}
    return None if after == before else {"contact_id": out.id, "before": before, "after": after}


async def _update_overwritten(ctx: CallContext, kept: Kept) -> str | None:
    contact = await ctx.session.get(Contact, kept["contact_id"])
    if contact is None:
        return f"contact {kept['contact_id']} no longer exists"
    now = contact.model_dump(mode="json", include=set(kept["after"]))
    changed = sorted(f for f, v in kept["after"].items() if now.get(f) != v)
    if changed:
        fields = ", ".join(f.replace("_", " ") for f in changed)
        return f"contact {contact.id}'s {fields} changed since; undoing would overwrite that"
    return None


async def _restore_values(ctx: CallContext, kept: Kept) -> None:
    await ctx.call("contacts.update", {"contact_id": kept["contact_id"], **kept["before"]})


UPDATE_UNDO = Reversal(
    keep=_keep_update,
    check=_update_overwritten,
    revert=_restore_values,
    before=_before_update,
    says="restored the previous details",
)


async def _owned_ids(session: AsyncSession, contact_id: int) -> dict[str, list[int]]:
    from sqlmodel import select

    found: dict[str, list[int]] = {}
    for table, model in MOVED.items():
        query = select(model.id).where(model.contact_id == contact_id).order_by(model.id)  # type: ignore[attr-defined]
        found[table] = [i for i in (await session.exec(query)).all() if i is not None]
    return found


async def before_merge(ctx: CallContext, args: Any) -> dict[str, Any] | None:
    from assistant.crm.contacts import contact_tags

    keep = await ctx.session.get(Contact, args.contact_id)
    dup = await ctx.session.get(Contact, args.duplicate_id)
    if keep is None or dup is None:
        return None
    return {
        "duplicate": dup.model_dump(mode="json"),
        "duplicate_tags": await contact_tags(ctx.session, args.duplicate_id),
        "moved": await _owned_ids(ctx.session, args.duplicate_id),
        "keep_before": keep.model_dump(mode="json", include=set(KEEP_FIELDS)),
        "keep_tags": await contact_tags(ctx.session, args.contact_id),
    }


def keep_merge(args: Any, out: Any, before: dict[str, Any] | None) -> Kept | None:
    if before is None:
        return None
    ids = {"contact_id": args.contact_id, "duplicate_id": args.duplicate_id}
    return {**ids, **before, "keep_version": out.version}


async def merge_overwritten(ctx: CallContext, kept: Kept) -> str | None:
    keep = await ctx.session.get(Contact, kept["contact_id"])
    if keep is None:
        return f"contact {kept['contact_id']} no longer exists"
    if keep.version != kept["keep_version"]:
        return (
            f"contact {keep.id} changed since the merge (version {kept['keep_version']} -> "
            f"{keep.version}); splitting it back would overwrite that change"
        )
    if await ctx.session.get(Contact, kept["duplicate_id"]) is not None:
        return f"contact {kept['duplicate_id']} exists again"
    for table, ids in kept["moved"].items():
        for record_id in ids:
            row = await ctx.session.get(MOVED[table], record_id)
            if row is None or getattr(row, "contact_id", None) != keep.id:
                what = table.removesuffix("s").replace("_", " ")
                return f"{what} {record_id}, which the merge moved, was deleted or moved since"
    return None


async def split(ctx: CallContext, kept: Kept) -> None:
    from assistant.crm.contacts import contact_tags, ensure_tag, touch

    session = ctx.session
    dup = Contact.model_validate(kept["duplicate"])
    touch(dup, ctx.now)
    session.add(dup)
    await session.flush()
    for table, ids in kept["moved"].items():
        if not ids:
            continue
        model = MOVED[table]
        moved: dict[str, Any] = {"contact_id": dup.id}
        if model is EmailDraft:  # a new recipient again: an approved send goes stale
            moved["version"] = col(EmailDraft.version) + 1
        await session.exec(update(model).where(col(model.id).in_(ids)).values(**moved))  # type: ignore[attr-defined]
    for name in kept["duplicate_tags"]:
        session.add(ContactTag.link(dup, await ensure_tag(session, name)))
    keep = await session.get(Contact, kept["contact_id"])
    assert keep is not None  # checked by merge_overwritten in this transaction
    added = set(kept["duplicate_tags"]) - set(kept["keep_tags"])
    for name in await contact_tags(session, kept["contact_id"]):
        if name in added:
            tag = await ensure_tag(session, name)
            link = await session.get(ContactTag, (keep.id, tag.id))
            if link is not None:
                await session.delete(link)
    restored = Contact.model_validate({**keep.model_dump(), **kept["keep_before"]})
    for field in KEEP_FIELDS:
        setattr(keep, field, getattr(restored, field))
    touch(keep, ctx.now)
    session.add(keep)
    await session.flush()


MERGE_UNDO = Reversal(
    keep=keep_merge,
    check=merge_overwritten,
    revert=split,
    before=before_merge,
    says="split the merged contacts back apart",
)
