"""Conversations and their messages in the database; every read is scoped to its owner.

Another user's conversation id is indistinguishable from an unknown one (404). Message text is
encrypted at rest by the column type; `meta` (plaintext JSON) holds ids, procedure names and
outcomes only, never clinical text. A question's pending parse is a hidden message of role
`pending`, so it is encrypted like any text and survives a restart or another replica.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.chat.parsing import choices
from assistant.commands.result import ParseResult
from assistant.db.models import Approval, Conversation, Message
from assistant.errors import NotFound
from assistant.procedures.approval_requests import ApprovalOut
from assistant.procedures.context import Principal
from assistant.procedures.registry import Registry
from assistant.procedures.types import MAX_ID
from assistant.procedures.waiting import approvals_out

VISIBLE_ROLES = ("user", "assistant")
PENDING = "pending"


class MessageOut(BaseModel):
    id: int
    role: str
    content: str
    status: str
    meta: dict[str, Any]
    created_at: datetime


class ConversationOut(BaseModel):
    id: int
    title: str
    created_at: datetime
    updated_at: datetime


class OpenQuestion(BaseModel):
    """The question the last reply asked, still waiting for its answer."""

    text: str
    candidates: list[dict[str, str]]


class ConversationDetail(ConversationOut):
    messages: list[MessageOut]
    actions: list[dict[str, Any]]
    approvals: list[ApprovalOut]
    question: OpenQuestion | None = None
    replying: bool = Field(
        default=False,
        description="A turn of this conversation is still running, so its reply is not among "
        "the messages yet (read it again once the turn ends).",
    )


def conversation_out(row: Conversation) -> ConversationOut:
    assert row.id is not None
    return ConversationOut(
        id=row.id, title=row.title, created_at=row.created_at, updated_at=row.updated_at
    )


async def owned(session: AsyncSession, principal: Principal, conversation_id: int) -> Conversation:
    fits = 1 <= conversation_id <= MAX_ID
    row = await session.get(Conversation, conversation_id) if fits else None
    if row is None or row.user_id != principal.user_id:
        raise NotFound(
            f"conversation {conversation_id} not found", fields={"conversation_id": "not found"}
        )
    return row


async def create(session: AsyncSession, principal: Principal, now: datetime) -> Conversation:
    row = Conversation(user_id=principal.user_id, title="", created_at=now, updated_at=now)
    session.add(row)
    await session.flush()
    return row


async def add_message(
    session: AsyncSession,
    conversation: Conversation,
    role: str,
    content: str,
    now: datetime,
    *,
    status: str = "complete",
    meta: dict[str, Any] | None = None,
) -> Message:
    assert conversation.id is not None
    row = Message(
        conversation_id=conversation.id,
        role=role,
        content=content,
        status=status,
        meta=meta or {},
        created_at=now,
    )
    session.add(row)
    conversation.updated_at = now
    session.add(conversation)
    await session.flush()
    return row


async def history(session: AsyncSession, conversation_id: int, limit: int = 40) -> list[Message]:
    """The newest `limit` user/assistant messages worth showing a model, oldest first."""
    rows = await session.exec(
        select(Message)
        .where(
            Message.conversation_id == conversation_id,
            col(Message.role).in_(VISIBLE_ROLES),
            col(Message.status).in_(("complete", "interrupted")),
        )
        .order_by(col(Message.id).desc())
        .limit(limit)
    )
    return list(reversed(rows.all()))


async def save_pending(
    session: AsyncSession, conversation: Conversation, outcome: ParseResult, now: datetime
) -> None:
    await close_pending(session, conversation)
    await add_message(
        session,
        conversation,
        PENDING,
        outcome.model_dump_json(),
        now,
        status="open",
    )


async def open_pending(session: AsyncSession, conversation_id: int) -> ParseResult | None:
    """The question still waiting for the user's answer, if the last reply asked one."""
    last = (
        await session.exec(
            select(Message)
            .where(Message.conversation_id == conversation_id)
            .order_by(col(Message.id).desc())
            .limit(3)
        )
    ).all()
    for row in last:
        if row.role == PENDING and row.status == "open":
            return ParseResult.model_validate_json(row.content)
        if row.role == "user":
            return None
    return None


async def close_pending(session: AsyncSession, conversation: Conversation) -> None:
    rows = await session.exec(
        select(Message).where(
            Message.conversation_id == conversation.id,
            Message.role == PENDING,
            Message.status == "open",
        )
    )
    for row in rows.all():
        row.status = "closed"
        session.add(row)


async def page(
    session: AsyncSession, principal: Principal, q: str | None, limit: int, offset: int
) -> tuple[list[ConversationOut], int]:
    query = select(Conversation).where(Conversation.user_id == principal.user_id)
    query = query.order_by(col(Conversation.updated_at).desc(), col(Conversation.id).desc())
    if q:
        # Titles are encrypted: search decrypts within the caller's own conversations only,
        # never through a plaintext index (DESIGN.md section 8).
        needle = q.lower()
        found = [r for r in (await session.exec(query)).all() if needle in r.title.lower()]
        return [conversation_out(r) for r in found[offset : offset + limit]], len(found)
    total = (await session.exec(select(func.count()).select_from(query.subquery()))).one()
    rows = await session.exec(query.limit(limit).offset(offset))
    return [conversation_out(r) for r in rows.all()], int(total)


async def detail(
    session: AsyncSession,
    principal: Principal,
    conversation_id: int,
    registry: Registry,
    now: datetime,
) -> ConversationDetail:
    """Its messages, their actions, and the approval requests they made (each, once run,
    with whether it can be undone at `now`)."""
    conv = await owned(session, principal, conversation_id)
    rows = (
        await session.exec(
            select(Message)
            .where(Message.conversation_id == conversation_id, col(Message.role).in_(VISIBLE_ROLES))
            .order_by(col(Message.id))
        )
    ).all()
    messages = [MessageOut.model_validate(r, from_attributes=True) for r in rows]
    actions = [
        {**action, "message_id": m.id} for m in messages for action in m.meta.get("actions", [])
    ]
    approval_ids = [a for m in messages for a in m.meta.get("approvals", [])]
    approvals: list[ApprovalOut] = []
    if approval_ids:
        found = await session.exec(
            select(Approval)
            .where(col(Approval.id).in_(approval_ids), Approval.requested_by == principal.user_id)
            .order_by(col(Approval.id))
        )
        approvals = await approvals_out(session, found.all(), principal, registry, now)
    base = conversation_out(conv)
    asked = await open_pending(session, conversation_id)
    question = (
        OpenQuestion(text=asked.question or "", candidates=choices(asked.candidates))
        if asked is not None
        else None
    )
    return ConversationDetail(
        **base.model_dump(),
        messages=messages,
        actions=actions,
        approvals=approvals,
        question=question,
    )


async def remove(session: AsyncSession, principal: Principal, conversation_id: int) -> None:
    conv = await owned(session, principal, conversation_id)
    await session.exec(delete(Message).where(col(Message.conversation_id) == conv.id))
    await session.delete(conv)
