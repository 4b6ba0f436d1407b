"""`GET|DELETE /api/conversations[/{id}]`: the caller's own conversations only."""

from __future__ import annotations

from typing import Any

from litestar import Response, delete, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromQuery

from assistant.chat import store
from assistant.chat.store import ConversationDetail, ConversationOut
from assistant.procedures.executor import Done
from assistant.procedures.types import Page
from server.deps import ChatDep, ExecutorDep, PrincipalDep, RuntimeDep
from server.paging import PagingDep
from server.params import PathId
from server.routes.rpc import WAITING, waiting_response


@get("/api/conversations", tags=["chat"], summary="Your conversations, newest first")
async def list_conversations(
    principal: PrincipalDep,
    runtime: RuntimeDep,
    paging: PagingDep,
    q: FromQuery[str | None] = None,
) -> Page[ConversationOut]:
    async with runtime.readers() as session:
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
    conversation_id: PathId,
    principal: PrincipalDep,
    runtime: RuntimeDep,
    executor: ExecutorDep,
    chat: ChatDep,
) -> ConversationDetail:
    replying = await chat.locks.busy(conversation_id)  # before the read: never stale
    async with runtime.readers() as session:
        now = runtime.clock.now()
        found = await store.detail(session, principal, conversation_id, executor.registry, now)
    return found.model_copy(update={"replying": replying})


@delete(
    "/api/conversations/{conversation_id:int}",
    tags=["chat"],
    summary="Delete a conversation and its messages (204; 202 where a policy makes it wait)",
    status_code=200,  # never sent (Litestar's 204 cannot answer a 202 too): see `responses`
    responses={204: ResponseSpec(None, description="Deleted"), 202: WAITING},
)
async def delete_conversation(
    conversation_id: PathId, principal: PrincipalDep, executor: ExecutorDep
) -> Response[Any]:
    args = {"conversation_id": conversation_id}
    result = await executor.call(principal, "conversations.delete", args, source="http")
    if not isinstance(result, Done):  # the clinic's policy makes it wait
        return waiting_response(result)
    return Response(None, status_code=204)


routes = [list_conversations, get_conversation, delete_conversation]
