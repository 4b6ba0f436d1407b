"""server/openai/serving.py: how a stream's chunks are cut into writes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from assistant.chat.completions import CompletionError
from assistant.settings import ApiSettings
from server.openai.protocol import SSE_DONE, CompletionRequest, Limits, usage_dict
from server.openai.serving import OpenAIServing

LIMITS = Limits(ApiSettings())


def _serving() -> OpenAIServing:
    return OpenAIServing(chat=None, model_path=None, limits=LIMITS)  # type: ignore[arg-type]


def _request() -> CompletionRequest:
    body = {"model": "m", "messages": [{"role": "user", "content": "hi"}], "stream": True,
            "stream_options": {"include_usage": True}}  # fmt: skip
    return CompletionRequest.parse(body, LIMITS)


async def _events(*items: tuple[str, Any], error: Exception | None = None) -> AsyncIterator[
    tuple[str, Any]
]:  # fmt: skip
    for item in items:
        yield item
    if error is not None:
        raise error


def _data(write: str) -> list[Any]:
    events = [part for part in write.split("\n\n") if part]
    return [e if e == "data: [DONE]" else json.loads(e.removeprefix("data: ")) for e in events]


async def test_the_role_chunk_goes_out_with_the_first_token() -> None:
    events = _events(("text", "Hel"), ("text", "lo"), ("done", ("stop", usage_dict(None))))
    writes = [w async for w in _serving().stream(_request(), events)]
    assert len(writes) == 4
    role, first = _data(writes[0])
    assert role["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert first["choices"][0]["delta"] == {"content": "Hel"}
    assert [c["choices"][0]["delta"] for c in _data(writes[1])] == [{"content": "lo"}]
    finish, usage = _data(writes[2])
    assert finish["choices"][0]["finish_reason"] == "stop" and usage["usage"]["total_tokens"] == 0
    assert writes[3] == SSE_DONE


async def test_an_error_before_any_token_still_opens_with_the_role() -> None:
    events = _events(error=CompletionError("the engine failed"))
    [write] = [w async for w in _serving().stream(_request(), events)]
    role, error, done = _data(write)
    assert role["choices"][0]["delta"]["role"] == "assistant"
    assert error["error"]["message"] == "the engine failed"
    assert done == "data: [DONE]"
