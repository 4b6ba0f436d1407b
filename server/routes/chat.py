"""`POST /api/chat`: one turn of the co-pilot as Server-Sent Events (DESIGN.md section 6)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from litestar import Litestar, Request, post
from litestar.params import JSONBody
from litestar.response import ServerSentEvent, ServerSentEventMessage
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from assistant.chat.events import ChatEvent, message_error
from assistant.chat.parsing import PageContext, TurnParser
from assistant.chat.service import TurnInput
from assistant.chat.setup import FROM_SETTINGS, chat_parts
from server.deps import ChatDep, PrincipalDep, RuntimeDep
from server.streams import guarded, principal_check


class ChatContextIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    page: str = Field(default="", max_length=200)
    contact_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class ChatIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversation_id: int | None = Field(default=None, ge=1, le=2**53)
    message: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)
    ]
    context: ChatContextIn = Field(default_factory=ChatContextIn)


SIGNED_OUT = message_error("unauthenticated", "your sign-in has ended; sign in again", False)


async def sse(events: AsyncIterator[ChatEvent]) -> AsyncIterator[ServerSentEventMessage]:
    """Events with ids monotonic per stream (1, 2, ...)."""
    number = 0
    async for event in events:
        number += 1
        yield ServerSentEventMessage(data=json.dumps(event.data), event=event.kind, id=str(number))


@post(
    "/api/chat",
    tags=["chat"],
    summary="Send a message; the turn streams back (SSE)",
    status_code=200,
)
async def chat(
    data: JSONBody[ChatIn],
    request: Request[Any, Any, Any],
    principal: PrincipalDep,
    chat: ChatDep,
    runtime: RuntimeDep,
) -> ServerSentEvent:
    conversation_id = await chat.open(principal, data.conversation_id)
    turn = TurnInput(data.message, PageContext(data.context.page, data.context.contact_id))
    events = guarded(
        chat.stream_stored(principal, conversation_id, turn),
        principal_check(request),
        runtime.settings.auth.stream_recheck_seconds,
        farewell=SIGNED_OUT,
    )
    return ServerSentEvent(
        sse(events),
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


routes = [chat]


def lifespan(engine: Any = FROM_SETTINGS, parser: TurnParser | None = None) -> Any:
    """Engine, parser and chat service on app.state, after the runtime's lifespan."""

    @asynccontextmanager
    async def chat_lifespan(app: Litestar) -> AsyncIterator[None]:
        async with chat_parts(
            app.state.runtime, app.state.executor, engine=engine, parser=parser
        ) as service:
            app.state.chat = service
            yield

    return chat_lifespan
