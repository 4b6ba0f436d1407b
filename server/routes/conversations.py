"""`GET|DELETE /api/conversations[/{id}]`: the caller's own conversations only."""

from __future__ import annotations

from litestar import delete, get
from litestar.params import FromQuery

from assistant.chat import store
from assistant.chat.store import ConversationDetail, ConversationOut
from assistant.procedures.types import Page
from server.deps import ExecutorDep, PrincipalDep, RuntimeDep
from server.paging import PagingDep
from server.params import PathId


@get("/api/conversations", tags=["chat"], summary="Your conversations, newest first")
async def list_conversations(
    principal: PrincipalDep,
    runtime: RuntimeDep,
    paging: PagingDep,
    q: FromQuery[str | None] = None,
) -> Page[ConversationOut]:
    async with runtime.sessions() as session:
        items, total = await store.page(
            session, principal, (q or "").strip()[:200], paging.limit, paging.offset
        )
    return Page[ConversationOut](items=items, total=total)


@get(
    "/api/conversations/{conversation_id:int}",
    tags=["chat"],
    summary="A conversation: messages, actions, approvals",
)
async def get_conversation(
    conversation_id: PathId, principal: PrincipalDep, runtime: RuntimeDep
) -> ConversationDetail:
    async with runtime.sessions() as session:
        return await store.detail(session, principal, conversation_id)


@delete(
    "/api/conversations/{conversation_id:int}",
    tags=["chat"],
    summary="Delete a conversation and its messages",
)
async def delete_conversation(
    conversation_id: PathId, principal: PrincipalDep, executor: ExecutorDep
) -> None:
    args = {"conversation_id": conversation_id}
    await executor.call(principal, "conversations.delete", args, source="http")


routes = [list_conversations, get_conversation, delete_conversation]
