"""The one streaming interface every engine speaks: requests, events, the protocol, errors.

Callers (chat, jobs, the OpenAI-compatible route) depend on this module only, so an engine can
be swapped by configuration without touching them.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

Message = Mapping[str, Any]
"""An OpenAI-style chat message: role, content, optional tool_calls / tool_call_id."""

FinishReason = Literal["stop", "length", "tool_calls"]


class InferenceError(Exception):
    """Base of every error an engine raises on purpose; the app maps these in one place."""


class EngineUnavailable(InferenceError):
    """The engine cannot run here (missing extra, no reachable server, not started)."""


class ModelLoadError(InferenceError):
    """The model file or directory is missing or unreadable; the message names the path."""


class ContextOverflow(InferenceError):
    """The prompt (plus at least one generated token) does not fit the context window."""


class GenerationCancelled(InferenceError):
    """The request's cancel signal was set while generating."""


class ToolCallError(InferenceError):
    """The model's tool call could not be parsed or did not match the tool's schema."""


@dataclass(frozen=True, slots=True)
class Tool:
    """A function the model may call; `parameters` is its JSON schema (an object schema)."""

    name: str
    description: str = ""
    parameters: Mapping[str, Any] = field(
        default_factory=lambda: {"type": "object", "properties": {}}
    )

    def to_openai(self) -> dict[str, Any]:
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": dict(self.parameters),
            },
        }

    @classmethod
    def from_openai(cls, spec: Mapping[str, Any]) -> Tool:
        fn = spec.get("function", spec)
        return cls(
            name=str(fn["name"]),
            description=str(fn.get("description") or ""),
            parameters=dict(fn.get("parameters") or {"type": "object", "properties": {}}),
        )


@dataclass(slots=True)
class ChatRequest:
    """One generation. `tool_choice` is "auto", "none", "required" or a tool's name.

    `cancel` is a threading.Event because generation often runs in a worker thread; setting it
    from the event loop stops generation within one token.
    """

    messages: Sequence[Message]
    tools: Sequence[Tool] = ()
    tool_choice: str = "auto"
    temperature: float = 0.7
    top_p: float = 1.0
    max_tokens: int | None = None
    stop: Sequence[str] = ()
    seed: int | None = None
    ignore_eos: bool = False
    """Keep generating past the end-of-sequence token until max_tokens (vLLM's extension):
    benchmarks use it so every request produces exactly the tokens they ask for."""
    cancel: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        if not self.messages:
            raise ValueError("a chat request needs at least one message")
        names = {tool.name for tool in self.tools}
        if self.tool_choice not in {"auto", "none", "required"} | names:
            raise ValueError(f"tool_choice {self.tool_choice!r} names no tool of the request")
        if self.max_tokens is not None and self.max_tokens < 1:
            raise ValueError("max_tokens must be at least 1")

    @property
    def active_tools(self) -> tuple[Tool, ...]:
        """The tools the model may call: all of them, one forced, or none."""
        if self.tool_choice == "none":
            return ()
        if self.tool_choice in {"auto", "required"}:
            return tuple(self.tools)
        return tuple(t for t in self.tools if t.name == self.tool_choice)

    @property
    def must_call(self) -> bool:
        return bool(self.active_tools) and self.tool_choice != "auto"

    def tool(self, name: str) -> Tool | None:
        return next((t for t in self.active_tools if t.name == name), None)


@dataclass(frozen=True, slots=True)
class TextDelta:
    text: str


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A call whose arguments were parsed and validated against the tool's schema."""

    id: str
    name: str
    arguments: Mapping[str, Any]

    def to_openai(self) -> dict[str, Any]:
        import json

        return {
            "id": self.id,
            "type": "function",
            "function": {"name": self.name, "arguments": json.dumps(self.arguments)},
        }


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts and timings. `cached_tokens` prompt tokens were reused from the KV cache;
    `exact` is False where a remote server did not report counts and they were estimated."""

    prompt_tokens: int
    completion_tokens: int
    cached_tokens: int = 0
    prompt_ms: float = 0.0
    generation_ms: float = 0.0
    exact: bool = True

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True, slots=True)
class Done:
    finish_reason: FinishReason


Event = TextDelta | ToolCall | Usage | Done


@dataclass(frozen=True, slots=True)
class Completion:
    """A whole reply: what `Engine.complete` returns and what `collect` assembles."""

    text: str
    tool_calls: tuple[ToolCall, ...]
    usage: Usage | None
    finish_reason: FinishReason


async def collect(events: AsyncIterator[Event]) -> Completion:
    """Assemble a stream into a Completion (the non-streamed view of the same reply)."""
    text: list[str] = []
    calls: list[ToolCall] = []
    usage: Usage | None = None
    finish: FinishReason = "stop"
    async for event in events:
        if isinstance(event, TextDelta):
            text.append(event.text)
        elif isinstance(event, ToolCall):
            calls.append(event)
        elif isinstance(event, Usage):
            usage = event
        else:
            finish = event.finish_reason
    return Completion("".join(text), tuple(calls), usage, finish)


@runtime_checkable
class Engine(Protocol):
    """DESIGN.md section 4. `stream` yields TextDelta/ToolCall*, then one Usage, then Done."""

    name: ClassVar[str]

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    def stream(self, req: ChatRequest) -> AsyncIterator[Event]: ...

    async def complete(self, req: ChatRequest) -> Completion:
        """The non-streamed reply; equal to collecting `stream(req)` for the same seed."""
        ...
