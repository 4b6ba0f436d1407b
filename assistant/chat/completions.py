"""The OpenAI-compatible chat completions API over the co-pilot and the local engine.

Model `assistant` runs the co-pilot (procedures and approvals, with the token owner's rights);
any other model name goes straight to the engine, with the client's tools. Requests are
lenient in what real clients send (content parts, null content, `stream_options`,
`max_completion_tokens`, unknown fields) and strict where an answer would be wrong (`n` > 1,
a JSON response format the engine cannot guarantee).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.chat.parsing import PageContext
from assistant.chat.service import ChatService, TurnInput
from assistant.chat.transcript import RequestTranscript
from assistant.errors import AppError, InvalidInput, NotFound
from assistant.procedures.context import Principal
from assistant.procedures.executor import validation_fields
from inference.base import (
    ChatRequest,
    ContextOverflow,
    InferenceError,
    Message,
    TextDelta,
    Tool,
    ToolCall,
    Usage,
)
from inference.base import Done as EngineDone

COPILOT = "assistant"


class CompletionError(AppError):
    """An error the engine raised, reported in the OpenAI shape."""

    code = "engine_error"


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[dict[str, Any]] | None = None
    name: str | None = None
    tool_calls: list[dict[str, Any]] | None = None
    tool_call_id: str | None = None

    def text(self) -> str:
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        parts = []
        for part in self.content:
            if part.get("type", "text") not in ("text", "input_text"):
                raise InvalidInput(
                    f"content parts of type {part.get('type')!r} are not supported; send text",
                    fields={"messages.content": "text only"},
                )
            parts.append(str(part.get("text") or ""))
        return "".join(parts)

    def for_engine(self) -> Message:
        role = "system" if self.role == "developer" else self.role
        out: dict[str, Any] = {"role": role, "content": self.text()}
        if self.tool_calls:
            out["tool_calls"] = self.tool_calls
        if self.tool_call_id:
            out["tool_call_id"] = self.tool_call_id
        if self.name:
            out["name"] = self.name
        return out


class CompletionRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    model: str = Field(min_length=1)
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    stream_options: dict[str, Any] | None = None
    tools: list[dict[str, Any]] | None = None
    tool_choice: str | dict[str, Any] | None = None
    temperature: float | None = Field(default=None, ge=0, le=2)
    top_p: float | None = Field(default=None, gt=0, le=1)
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    stop: str | list[str] | None = None
    seed: int | None = None
    n: int = 1
    response_format: dict[str, Any] | None = None
    conversation_id: int | None = Field(default=None, ge=1)
    """Extension: continue a stored conversation (model `assistant` only)."""

    @field_validator("n")
    @classmethod
    def _one_choice(cls, n: int) -> int:
        if n != 1:
            raise ValueError("only n=1 is supported")
        return n

    @field_validator("response_format")
    @classmethod
    def _text_only(cls, fmt: dict[str, Any] | None) -> dict[str, Any] | None:
        if fmt is not None and fmt.get("type", "text") != "text":
            raise ValueError("only response_format {'type': 'text'} is supported")
        return fmt

    @classmethod
    def parse(cls, body: Any) -> CompletionRequest:
        if not isinstance(body, dict):
            raise InvalidInput("the body must be a JSON object", fields={"body": "not an object"})
        try:
            return cls.model_validate(body)
        except ValidationError as exc:
            fields = validation_fields(exc)
            key, why = next(iter(fields.items()))
            raise InvalidInput(f"invalid {key}: {why}", fields=fields) from None

    @property
    def include_usage(self) -> bool:
        return bool((self.stream_options or {}).get("include_usage"))

    def engine_request(self) -> ChatRequest:
        tools = [Tool.from_openai(t) for t in self.tools or []]
        choice = self.tool_choice or "auto"
        if isinstance(choice, dict):
            choice = str((choice.get("function") or {}).get("name") or "auto")
        if not tools:
            choice = "auto"
        stop = [self.stop] if isinstance(self.stop, str) else list(self.stop or [])
        try:
            return ChatRequest(
                messages=[m.for_engine() for m in self.messages],
                tools=tools,
                tool_choice=choice,
                temperature=0.7 if self.temperature is None else self.temperature,
                top_p=1.0 if self.top_p is None else self.top_p,
                max_tokens=self.max_completion_tokens or self.max_tokens,
                stop=stop,
                seed=self.seed,
            )
        except (ValueError, KeyError) as exc:
            raise InvalidInput(str(exc), fields={"tool_choice": str(exc)}) from None


def _usage(usage: Usage | dict[str, int] | None) -> dict[str, int]:
    if usage is None:
        return {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    if isinstance(usage, Usage):
        return {
            "prompt_tokens": usage.prompt_tokens,
            "completion_tokens": usage.completion_tokens,
            "total_tokens": usage.total_tokens,
        }
    return dict(usage)


class Chunks:
    """Builds the chat.completion(.chunk) objects of one response."""

    def __init__(self, model: str) -> None:
        self.id = f"chatcmpl-{uuid.uuid4().hex}"
        self.created = int(time.time())
        self.model = model

    def chunk(self, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
        }

    def usage_chunk(self, usage: dict[str, int]) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": [],
            "usage": usage,
        }

    def completion(
        self, text: str, calls: list[ToolCall], finish: str, usage: dict[str, int]
    ) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": text or None}
        if calls:
            message["tool_calls"] = [c.to_openai() for c in calls]
        else:
            message["content"] = text
        return {
            "id": self.id,
            "object": "chat.completion",
            "created": self.created,
            "model": self.model,
            "choices": [
                {"index": 0, "message": message, "finish_reason": finish, "logprobs": None}
            ],
            "usage": usage,
        }


def _finish(reason: str) -> str:
    return reason if reason in ("stop", "length", "tool_calls") else "stop"


class Completions:
    def __init__(self, chat: ChatService, model_path: str | None) -> None:
        self.chat = chat
        self.engine_model = Path(model_path).stem if model_path else None

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

    # -- the co-pilot ------------------------------------------------------------------

    async def _copilot_events(
        self, principal: Principal, req: CompletionRequest
    ) -> AsyncIterator[tuple[str, Any]]:
        """("text", str) pieces, then ("done", (finish, usage)); errors raise."""
        *earlier, last = req.messages
        if last.role != "user":
            raise InvalidInput(
                "the last message must be the user's",
                fields={"messages": "last is not a user message"},
            )
        turn = TurnInput(last.text(), PageContext(page="api"))
        if req.conversation_id is not None:
            conv = await self.chat.open(principal, req.conversation_id)
            events = self.chat.stream_stored(principal, conv, turn)
        else:
            history = [m.for_engine() for m in earlier if m.role in ("user", "assistant")]
            transcript = RequestTranscript(
                history, self.chat.parser, principal, self.chat.rt.clock.now()
            )
            events = self.chat.stream(principal, turn, transcript)
        async for event in events:
            if event.kind == "message.delta":
                yield "text", event.data["text"]
            elif event.kind == "message.done":
                yield "done", (_finish(event.data["finish_reason"]), event.data["usage"])
            elif event.kind == "message.error":
                raise CompletionError(event.data["message"])

    # -- the engine --------------------------------------------------------------------

    async def _engine_events(self, req: CompletionRequest) -> AsyncIterator[tuple[str, Any]]:
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
                        yield "done", (event.finish_reason, _usage(usage))
            finally:
                creq.cancel.set()
                await stream.aclose()  # type: ignore[attr-defined]
        except ContextOverflow as exc:
            raise InvalidInput(str(exc), fields={"messages": "too long"}) from None
        except InferenceError as exc:
            raise CompletionError(str(exc)) from None

    def events(
        self, principal: Principal, req: CompletionRequest
    ) -> AsyncIterator[tuple[str, Any]]:
        if req.model == COPILOT:
            return self._copilot_events(principal, req)
        return self._engine_events(req)

    async def complete(self, principal: Principal, req: CompletionRequest) -> dict[str, Any]:
        out = Chunks(req.model)
        text: list[str] = []
        calls: list[ToolCall] = []
        finish, usage = "stop", _usage(None)
        async for kind, value in self.events(principal, req):
            if kind == "text":
                text.append(value)
            elif kind == "call":
                calls.append(value)
            else:
                finish, usage = value
        return out.completion("".join(text), calls, finish, usage)

    async def stream(
        self, principal: Principal, req: CompletionRequest, first: AsyncIterator[tuple[str, Any]]
    ) -> AsyncIterator[str]:
        """SSE `data:` lines of chat.completion.chunk objects, then `[DONE]`."""
        out = Chunks(req.model)

        def line(obj: dict[str, Any]) -> str:
            return f"data: {json.dumps(obj)}\n\n"

        yield line(out.chunk({"role": "assistant", "content": ""}))
        calls = 0
        try:
            async for kind, value in first:
                if kind == "text":
                    yield line(out.chunk({"content": value}))
                elif kind == "call":
                    call = value.to_openai()
                    yield line(out.chunk({"tool_calls": [{"index": calls, **call}]}))
                    calls += 1
                else:
                    finish, usage = value
                    yield line(out.chunk({}, _finish(finish)))
                    if req.include_usage:
                        yield line(out.usage_chunk(usage))
        except AppError as exc:
            yield line({"error": openai_error(exc)})
        yield "data: [DONE]\n\n"


ERROR_TYPES = {
    "invalid_input": "invalid_request_error",
    "not_found": "invalid_request_error",
    "unauthenticated": "authentication_error",
    "forbidden": "permission_error",
    "rate_limited": "rate_limit_error",
}


def openai_error(exc: AppError | None, message: str = "", code: str = "") -> dict[str, Any]:
    code = exc.code if exc is not None else code
    return {
        "message": exc.message if exc is not None else message,
        "type": ERROR_TYPES.get(code, "server_error"),
        "param": next(iter(exc.fields or {}), None) if exc is not None else None,
        "code": code,
    }


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
