"""The OpenAI chat-completions wire format: the request as clients send it, bounded, and the
response objects and error shape the openai SDK and Open WebUI read.

Requests are lenient in what real clients send (content parts, null content, `stream_options`,
`max_completion_tokens`, unknown fields) and strict where an answer would be wrong (`n` > 1,
a JSON response format the engine cannot guarantee) or where the request would make the server
spend unbounded time or memory (history, tools, stop strings: `settings.api`).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.errors import AppError, InvalidInput
from assistant.procedures.executor import validation_fields
from assistant.settings import ApiSettings
from inference import jsonschema
from inference.base import ChatRequest, Message, Tool, ToolCall, Usage


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

    def size(self) -> int:
        """Characters this message makes the server read, tokenize and keep."""
        calls = len(json.dumps(self.tool_calls)) if self.tool_calls else 0
        return len(self.text()) + calls

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


def _too_much(field: str, what: str, setting: str | None) -> InvalidInput:
    limit = f" (the server's limit, ASSISTANT_API_{setting.upper()})" if setting else ""
    return InvalidInput(f"{field}: {what}{limit}", fields={field: what})


@dataclass(frozen=True, slots=True)
class Limits:
    """What one request may ask of the server; see `ApiSettings` for each bound."""

    settings: ApiSettings

    def check_messages(self, body: dict[str, Any]) -> None:
        """Before parsing anything: an oversized history costs nothing but this check."""
        messages = body.get("messages")
        if isinstance(messages, list) and len(messages) > self.settings.max_messages:
            raise _too_much(
                "messages",
                f"{len(messages)} messages is more than the {self.settings.max_messages} allowed",
                "max_messages",
            )

    def check(self, req: CompletionRequest) -> None:
        limit = self.settings
        chars = sum(m.size() for m in req.messages)
        if chars > limit.max_chars:
            what = f"{chars} characters is more than the {limit.max_chars} allowed"
            raise _too_much("messages", what, "max_chars")
        stops = req.stop_list()
        if len(stops) > limit.max_stop_strings:
            what = f"{len(stops)} stop strings is more than the {limit.max_stop_strings} allowed"
            raise _too_much("stop", what, "max_stop_strings")
        for i, stop in enumerate(stops):
            if len(stop) > limit.max_stop_chars:
                what = f"{len(stop)} characters is more than the {limit.max_stop_chars} allowed"
                raise _too_much(f"stop[{i}]", what, "max_stop_chars")
        self._check_tools(req.tools or [])

    def _check_tools(self, tools: list[dict[str, Any]]) -> None:
        limit = self.settings
        if len(tools) > limit.max_tools:
            what = f"{len(tools)} tools is more than the {limit.max_tools} allowed"
            raise _too_much("tools", what, "max_tools")
        for i, spec in enumerate(tools):
            # The depth check is iterative: it runs before anything that recurses (json.dumps).
            problem = jsonschema.bound_problem(
                spec, max_depth=limit.max_tool_schema_depth, max_count=limit.max_tool_schema_count
            )
            if problem is not None:
                where, why = problem
                setting = (
                    "max_tool_schema_depth"
                    if why.startswith("nested")
                    else "max_tool_schema_count"
                    if "limit" in why
                    else None
                )
                raise _too_much(f"tools[{i}].{where}", why, setting)
        size = len(json.dumps(tools))
        if size > limit.max_tool_schema_chars:
            what = (
                f"{size} characters of JSON is more than the {limit.max_tool_schema_chars} allowed"
            )
            raise _too_much("tools", what, "max_tool_schema_chars")
        for i, spec in enumerate(tools):
            function = spec.get("function", spec)
            if not isinstance(function, dict) or not isinstance(function.get("name"), str):
                raise InvalidInput(
                    f"tools[{i}] has no function name",
                    fields={f"tools[{i}].function.name": "missing"},
                )
            if not isinstance(function.get("parameters", {}), dict):
                raise InvalidInput(
                    f"tools[{i}].function.parameters must be a JSON schema object",
                    fields={f"tools[{i}].function.parameters": "not an object"},
                )


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
    ignore_eos: bool = False
    """Extension (vLLM's): generate past the end-of-sequence token up to max_tokens, so a
    benchmark gets exactly the reply length it asks for (engine models only)."""

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
    def parse(cls, body: Any, limits: Limits) -> CompletionRequest:
        """Validate `body` within `limits`; InvalidInput names the field and the limit."""
        if not isinstance(body, dict):
            raise InvalidInput("the body must be a JSON object", fields={"body": "not an object"})
        limits.check_messages(body)
        try:
            req = cls.model_validate(body)
        except ValidationError as exc:
            fields = validation_fields(exc)
            key, why = next(iter(fields.items()))
            raise InvalidInput(f"invalid {key}: {why}", fields=fields) from None
        limits.check(req)
        return req

    @property
    def include_usage(self) -> bool:
        return bool((self.stream_options or {}).get("include_usage"))

    def stop_list(self) -> list[str]:
        return [self.stop] if isinstance(self.stop, str) else list(self.stop or [])

    def engine_request(self) -> ChatRequest:
        tools = [Tool.from_openai(t) for t in self.tools or []]
        choice = self.tool_choice or "auto"
        if isinstance(choice, dict):
            choice = str((choice.get("function") or {}).get("name") or "auto")
        if not tools:
            choice = "auto"
        try:
            return ChatRequest(
                messages=[m.for_engine() for m in self.messages],
                tools=tools,
                tool_choice=choice,
                temperature=0.7 if self.temperature is None else self.temperature,
                top_p=1.0 if self.top_p is None else self.top_p,
                max_tokens=self.max_completion_tokens or self.max_tokens,
                stop=self.stop_list(),
                seed=self.seed,
                ignore_eos=self.ignore_eos,
            )
        except (ValueError, KeyError) as exc:
            raise InvalidInput(str(exc), fields={"tool_choice": str(exc)}) from None


def usage_dict(usage: Usage | dict[str, int] | None) -> dict[str, int]:
    if usage is None:
        return {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    if isinstance(usage, Usage):
        return {
            "prompt_tokens": usage.prompt_tokens,
            "completion_tokens": usage.completion_tokens,
            "total_tokens": usage.total_tokens,
        }
    return dict(usage)


def finish_reason(reason: str) -> str:
    return reason if reason in ("stop", "length", "tool_calls") else "stop"


_TEXT = "\x00text\x00"
"""Stands in for a token's text while a response's text chunk is rendered: a JSON encoder
writes it as `"\u0000text\u0000"`, which no other value of a chunk can contain."""


class Chunks:
    """Builds the chat.completion(.chunk) objects of one response."""

    def __init__(self, model: str) -> None:
        self.id = f"chatcmpl-{uuid.uuid4().hex}"
        self.created = int(time.time())
        self.model = model
        # A token's event is this response's text chunk with only the text changing: its
        # rendering is cut once around a stand-in for the text, so a token costs one string
        # encode, not a whole object's (the loop's time a token is the engine's, on a CPU box).
        marker = json.dumps(_TEXT)
        self._text_head, self._text_tail = sse(self.chunk({"content": _TEXT})).split(marker)

    def text_event(self, text: str) -> str:
        """`sse(self.chunk({"content": text}))`, the same bytes, rendered a token at a time."""
        return self._text_head + json.dumps(text) + self._text_tail

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


def sse(obj: dict[str, Any]) -> str:
    """One server-sent event carrying `obj`."""
    return f"data: {json.dumps(obj)}\n\n"


SSE_DONE = "data: [DONE]\n\n"

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
