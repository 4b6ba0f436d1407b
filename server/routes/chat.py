"""`POST /api/chat`: one turn of the co-pilot as Server-Sent Events (DESIGN.md section 6)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from litestar import Litestar, Request, post
from litestar.params import JSONBody
from litestar.response import ServerSentEvent, ServerSentEventMessage
from pydantic import ConfigDict, Field, StringConstraints

from assistant.chat.events import ChatEvent, message_error
from assistant.chat.parsing import PageContext, TurnParser
from assistant.chat.service import TurnInput
from assistant.chat.setup import FROM_SETTINGS, chat_parts
from assistant.crm.known_values import KnownValues
from assistant.procedures.types import Id
from server.bodies import JsonIn
from server.deps import ChatDep, PrincipalDep, RuntimeDep
from server.drain import drain_of, not_draining, until
from server.limits import LimiterDep, per_minute
from server.streams import guarded, principal_check


class ChatContextIn(JsonIn):
    model_config = ConfigDict(extra="forbid")

    page: str = Field(default="", max_length=200)
    contact_id: Id | None = None
    locale: str = Field(
        default="", max_length=35, pattern=r"^[A-Za-z0-9-]*$", description="e.g. en-US"
    )


class ChatIn(JsonIn):
    model_config = ConfigDict(extra="forbid")

    conversation_id: Id | None = None
    message: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)
    ]
    context: ChatContextIn = Field(default_factory=ChatContextIn)


SIGNED_OUT = message_error("unauthenticated", "your sign-in has ended; sign in again", False)
RESTARTING = message_error(
    "draining", "the server is restarting; send your message again to continue", True
)


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
    guards=[not_draining, per_minute("chat")],
)
async def chat(
    data: JSONBody[ChatIn],
    request: Request[Any, Any, Any],
    principal: PrincipalDep,
    chat: ChatDep,
    runtime: RuntimeDep,
    limiter: LimiterDep,
) -> ServerSentEvent:
    conversation_id = await chat.open(principal, data.conversation_id)
    turn = TurnInput(data.message, PageContext(**data.context.model_dump()))
    slot = await limiter.open_stream(principal)
    events = guarded(
        chat.stream_stored(principal, conversation_id, turn),
        principal_check(request),
        runtime.settings.auth.stream_recheck_seconds,
        farewell=SIGNED_OUT,
    )
    # Past the drain deadline of a replica shutting down, the turn stops with a retryable error.
    events = until(events, drain_of(request).expired, farewell=RESTARTING)
    return ServerSentEvent(
        slot.hold(sse(events)),
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


routes = [chat]


def lifespan(
    engine: Any = FROM_SETTINGS,
    parser: TurnParser | None = None,
    known: KnownValues | None = None,
) -> Any:
    """Engine, parser and chat service on app.state, after the runtime's lifespan."""

    @asynccontextmanager
    async def chat_lifespan(app: Litestar) -> AsyncIterator[None]:
        async with chat_parts(
            app.state.runtime, app.state.executor, engine=engine, parser=parser, known=known
        ) as service:
            app.state.chat = service
            yield

    return chat_lifespan
