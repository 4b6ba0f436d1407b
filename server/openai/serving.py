"""Serving /v1/chat/completions: model `assistant` runs the co-pilot (procedures and approvals,
with the token owner's rights); any other model name goes straight to the engine, with the
client's tools. Turns the answer into one chat.completion or a stream of SSE chunks.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from assistant.chat.completions import COPILOT, CompletionError, QuotaSpent, copilot_turn
from assistant.chat.service import ChatService
from assistant.errors import AppError, InvalidInput, NotFound
from assistant.procedures.context import Principal
from assistant.remote.errors import QuotaExceeded
from assistant.remote.scope import call_scope
from inference.base import ContextOverflow, InferenceError, TextDelta, ToolCall, Usage
from inference.base import Done as EngineDone
from server.openai.protocol import (
    SSE_DONE,
    Chunks,
    CompletionRequest,
    Limits,
    finish_reason,
    openai_error,
    sse,
    usage_dict,
)


class OpenAIServing:
    def __init__(self, chat: ChatService, model_path: str | None, limits: Limits) -> None:
        self.chat = chat
        self.limits = limits
        self.engine_model = Path(model_path).stem if model_path else None

    def parse(self, body: Any) -> CompletionRequest:
        return CompletionRequest.parse(body, self.limits)

    def models(self) -> dict[str, Any]:
        created = int(time.time())
        ids = [COPILOT] + ([self.engine_model] if self.chat.engine and self.engine_model else [])
        if self.chat.engine is not None and not self.engine_model:
            ids.append(self.chat.engine.name)
        return {
            "object": "list",
            "data": [
                {"id": i, "object": "model", "created": created, "owned_by": "clinic"} for i in ids
            ],
        }

    async def _copilot_events(
        self, principal: Principal, req: CompletionRequest
    ) -> AsyncIterator[tuple[str, Any]]:
        *earlier, last = req.messages
        if last.role != "user":
            raise InvalidInput(
                "the last message must be the user's",
                fields={"messages": "last is not a user message"},
            )
        history = [m.for_engine() for m in earlier]
        async for kind, value in copilot_turn(
            self.chat, principal, last.text(), history, req.conversation_id
        ):
            if kind == "done":
                finish, usage = value
                value = (finish_reason(finish), usage)
            yield kind, value

    async def _engine_events(
        self, principal: Principal, req: CompletionRequest
    ) -> AsyncIterator[tuple[str, Any]]:
        engine = self.chat.engine
        if engine is None:
            raise NotFound(
                f"model {req.model!r} is not available: {self.chat.engine_status}; "
                f"model {COPILOT!r} works without one",
                fields={"model": "not available"},
            )
        creq = req.engine_request()
        usage: Usage | None = None
        try:
            with call_scope("chat", principal.user_id):  # read when the stream is made
                stream = engine.stream(creq)
            try:
                async for event in stream:
                    if isinstance(event, TextDelta):
                        yield "text", event.text
                    elif isinstance(event, ToolCall):
                        yield "call", event
                    elif isinstance(event, Usage):
                        usage = event
                    elif isinstance(event, EngineDone):
                        yield "done", (event.finish_reason, usage_dict(usage))
            finally:
                creq.cancel.set()
                await stream.aclose()  # type: ignore[attr-defined]
        except ContextOverflow as exc:
            raise InvalidInput(str(exc), fields={"messages": "too long"}) from None
        except QuotaExceeded as exc:
            raise QuotaSpent(str(exc), reset_at=exc.reset_at.isoformat()) from None
        except InferenceError as exc:
            raise CompletionError(str(exc)) from None

    def events(
        self, principal: Principal, req: CompletionRequest
    ) -> AsyncIterator[tuple[str, Any]]:
        """("text", str), ("call", ToolCall) and finally ("done", (finish, usage))."""
        if req.model == COPILOT:
            return self._copilot_events(principal, req)
        return self._engine_events(principal, req)

    async def complete(self, principal: Principal, req: CompletionRequest) -> dict[str, Any]:
        out = Chunks(req.model)
        text: list[str] = []
        calls: list[ToolCall] = []
        finish, usage = "stop", usage_dict(None)
        async for kind, value in self.events(principal, req):
            if kind == "text":
                text.append(value)
            elif kind == "call":
                calls.append(value)
            else:
                finish, usage = value
        return out.completion("".join(text), calls, finish, usage)

    async def stream(
        self, req: CompletionRequest, events: AsyncIterator[tuple[str, Any]]
    ) -> AsyncIterator[str]:
        """SSE `data:` lines of chat.completion.chunk objects, then `[DONE]`.

        The role chunk goes out in one write with the first one after it (`events` is primed:
        that one is ready), so the first token costs the client one read, not two."""
        out = Chunks(req.model)
        head = sse(out.chunk({"role": "assistant", "content": ""}))
        calls = 0
        try:
            async for kind, value in events:
                if kind == "text":
                    piece = out.text_event(value)
                elif kind == "call":
                    call = value.to_openai()
                    piece = sse(out.chunk({"tool_calls": [{"index": calls, **call}]}))
                    calls += 1
                else:
                    finish, usage = value
                    piece = sse(out.chunk({}, finish_reason(finish)))
                    if req.include_usage:
                        piece += sse(out.usage_chunk(usage))
                yield head + piece
                head = ""
        except AppError as exc:
            head += sse({"error": openai_error(exc)})
        yield head + SSE_DONE


async def primed(events: AsyncIterator[tuple[str, Any]]) -> AsyncIterator[tuple[str, Any]]:
    """Run `events` to its first item now, so an error before any output is an HTTP error
    (status and body) rather than a broken stream; iterate the result for everything."""
    first = await anext(events, None)

    async def chained() -> AsyncIterator[tuple[str, Any]]:
        try:
            if first is not None:
                yield first
                async for item in events:
                    yield item
        finally:
            await events.aclose()  # type: ignore[attr-defined]

    return chained()
