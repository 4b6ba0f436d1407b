"""Anthropic's Messages API (streaming, tool use) through the official `anthropic` SDK.

Our requests are OpenAI-shaped; this module converts them: system messages become `system`,
an assistant's tool calls `tool_use` blocks, tool results `tool_result` blocks of a user turn.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any, ClassVar

import anthropic

from assistant.remote.config import ProviderConfig
from assistant.remote.errors import ProviderError
from assistant.remote.providers.base import map_error
from inference.base import ChatRequest, Done, Event, FinishReason, Message, TextDelta, Usage
from inference.tools import build_call

DEFAULT_MAX_TOKENS = 1024  # the Messages API requires a limit
_FINISH: dict[str, FinishReason] = {"max_tokens": "length", "tool_use": "tool_calls"}


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return "" if content is None else str(content)


def _blocks(message: Message) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if text := _text(message.get("content")):
        blocks.append({"type": "text", "text": text})
    for call in message.get("tool_calls") or ():
        fn = call.get("function", {})
        raw = fn.get("arguments") or "{}"
        blocks.append(
            {
                "type": "tool_use",
                "id": call.get("id", ""),
                "name": fn.get("name", ""),
                "input": json.loads(raw) if isinstance(raw, str) else raw,
            }
        )
    return blocks


def convert(messages: Sequence[Message]) -> tuple[str, list[dict[str, Any]]]:
    """(system text, Messages API turns): consecutive same-role turns are merged."""
    system: list[str] = []
    turns: list[dict[str, Any]] = []
    for message in messages:
        role = message.get("role")
        if role == "system":
            system.append(_text(message.get("content")))
            continue
        if role == "tool":
            role, blocks = (
                "user",
                [
                    {
                        "type": "tool_result",
                        "tool_use_id": message.get("tool_call_id", ""),
                        "content": _text(message.get("content")),
                    }
                ],
            )
        else:
            blocks = _blocks(message)
        role = "assistant" if role == "assistant" else "user"
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"].extend(blocks)
        else:
            turns.append({"role": role, "content": blocks})
    return "\n\n".join(s for s in system if s), turns


def payload(req: ChatRequest, model: str) -> dict[str, Any]:
    """The Messages API body. No sampling parameters: current Anthropic models and SDKs take
    none (the SDK's `create` has no `temperature`), so the model's defaults apply."""
    system, turns = convert(req.messages)
    body: dict[str, Any] = {
        "model": model,
        "messages": turns,
        "max_tokens": req.max_tokens or DEFAULT_MAX_TOKENS,
        "stream": True,
    }
    if system:
        body["system"] = system
    if req.stop:
        body["stop_sequences"] = list(req.stop)
    tools = req.active_tools
    if tools:
        body["tools"] = [
            {"name": t.name, "description": t.description, "input_schema": dict(t.parameters)}
            for t in tools
        ]
        body["tool_choice"] = (
            {"type": "auto"}
            if req.tool_choice == "auto"
            else {"type": "any"}
            if req.tool_choice == "required"
            else {"type": "tool", "name": req.tool_choice}
        )
    return body


class AnthropicProvider:
    name: ClassVar[str] = "anthropic"

    def __init__(self, config: ProviderConfig) -> None:
        self.config = config
        self._client = anthropic.AsyncAnthropic(
            api_key=config.api_key.get_secret_value(),
            base_url=config.base_url,
            timeout=config.timeout_seconds,
            max_retries=0,
        )

    async def close(self) -> None:
        await self._client.close()

    async def stream(self, req: ChatRequest) -> AsyncIterator[Event]:
        try:
            async for event in self._stream(req):
                yield event
        except ProviderError:
            raise
        except Exception as exc:
            mapped = map_error(self.name, exc, anthropic)
            if mapped is None:
                raise
            raise mapped from None

    async def _stream(self, req: ChatRequest) -> AsyncIterator[Event]:
        t0 = time.perf_counter()
        first: float | None = None
        calls: dict[int, dict[str, str]] = {}
        tokens_in = tokens_out = 0
        stop: str | None = None
        stream = await self._client.messages.create(**payload(req, self.config.model))
        async with stream:
            async for event in stream:
                kind = event.type
                if kind == "message_start":
                    tokens_in = int(event.message.usage.input_tokens or 0)
                elif kind == "content_block_start" and event.content_block.type == "tool_use":
                    first = first or time.perf_counter()
                    calls[event.index] = {"name": event.content_block.name, "arguments": ""}
                elif kind == "content_block_delta":
                    delta = event.delta
                    if delta.type == "text_delta" and delta.text:
                        first = first or time.perf_counter()
                        yield TextDelta(delta.text)
                    elif delta.type == "input_json_delta" and event.index in calls:
                        calls[event.index]["arguments"] += delta.partial_json
                elif kind == "message_delta":
                    tokens_out = int(event.usage.output_tokens or 0)
                    stop = event.delta.stop_reason or stop
        for n, index in enumerate(sorted(calls)):
            call = calls[index]
            yield build_call(call["name"], call["arguments"] or "{}", req.active_tools, n)
        end = time.perf_counter()
        first = first or end
        yield Usage(
            prompt_tokens=tokens_in,
            completion_tokens=tokens_out,
            prompt_ms=(first - t0) * 1000,
            generation_ms=(end - first) * 1000,
        )
        yield Done("tool_calls" if calls else _FINISH.get(stop or "", "stop"))
