"""OpenAI and any OpenAI-compatible hosted API, through the official `openai` SDK.

The SDK's own retries are off (`max_retries=0`): retries, backoff and the circuit breaker are
the router's, so one policy holds for every provider.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any, ClassVar

import openai

from assistant.remote.config import ProviderConfig
from assistant.remote.errors import ProviderError
from assistant.remote.providers.base import map_error
from inference.base import ChatRequest, Done, Event, FinishReason, TextDelta, Usage
from inference.tools import build_call

_FINISH: dict[str, FinishReason] = {"length": "length", "tool_calls": "tool_calls"}


def _tool_choice(req: ChatRequest) -> Any:
    if req.tool_choice in ("auto", "none", "required"):
        return req.tool_choice
    return {"type": "function", "function": {"name": req.tool_choice}}


def payload(req: ChatRequest, model: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": model,
        "messages": [dict(m) for m in req.messages],
        "temperature": req.temperature,
        "top_p": req.top_p,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    if req.max_tokens is not None:
        body["max_tokens"] = req.max_tokens
    if req.stop:
        body["stop"] = list(req.stop)
    if req.seed is not None:
        body["seed"] = req.seed
    if req.tools:
        body["tools"] = [t.to_openai() for t in req.tools]
        body["tool_choice"] = _tool_choice(req)
    return body


class OpenAIProvider:
    name: ClassVar[str] = "openai"

    def __init__(self, config: ProviderConfig) -> None:
        self.config = config
        self._client = openai.AsyncOpenAI(
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
            mapped = map_error(self.name, exc, openai)
            if mapped is None:
                raise
            raise mapped from None

    async def _stream(self, req: ChatRequest) -> AsyncIterator[Event]:
        t0 = time.perf_counter()
        first: float | None = None
        calls: dict[int, dict[str, str]] = {}
        finish: str | None = None
        usage: Any = None
        stream = await self._client.chat.completions.create(**payload(req, self.config.model))
        async with stream:
            async for chunk in stream:
                if chunk.usage is not None:
                    usage = chunk.usage
                for choice in chunk.choices:
                    delta = choice.delta
                    if delta.content:
                        first = first or time.perf_counter()
                        yield TextDelta(delta.content)
                    for part in delta.tool_calls or ():
                        first = first or time.perf_counter()
                        call = calls.setdefault(part.index, {"name": "", "arguments": ""})
                        if part.function is not None:
                            call["name"] += part.function.name or ""
                            call["arguments"] += part.function.arguments or ""
                    finish = choice.finish_reason or finish
        for index in sorted(calls):
            call = calls[index]
            yield build_call(call["name"], call["arguments"], req.active_tools, index)
        end = time.perf_counter()
        first = first or end
        yield Usage(
            prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
            completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
            prompt_ms=(first - t0) * 1000,
            generation_ms=(end - first) * 1000,
            exact=usage is not None,
        )
        yield Done("tool_calls" if calls else _FINISH.get(finish or "", "stop"))
