"""Conversation actions a user takes, as procedures (so deleting one is audited)."""

from __future__ import annotations

from typing import Any

from assistant.chat import store
from assistant.procedures.context import CallContext
from assistant.procedures.registry import ALL_STAFF, procedure
from assistant.procedures.types import Deleted, Id, Input


class ConversationRef(Input):
    conversation_id: Id


def _conversation_target(args: Any) -> list[tuple[str, int]]:
    return [("conversations", args.conversation_id)]


@procedure(
    "conversations.delete",
    summary="Delete one of your conversations and its messages",
    input=ConversationRef,
    output=Deleted,
    roles=ALL_STAFF,
    targets=_conversation_target,
)
async def delete(ctx: CallContext, args: ConversationRef) -> Deleted:
    await store.remove(ctx.session, ctx.principal, args.conversation_id)
    return Deleted(id=args.conversation_id)
