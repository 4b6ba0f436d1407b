"""A remote engine is never asked for more reply tokens than the cap, whatever a client asks."""

from __future__ import annotations

import json

import httpx
import pytest

from inference.base import ChatRequest, collect
from inference.config import EngineConfig
from inference.openai_compat import OpenAICompatEngine

REPLY = {
    "choices": [{"message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 1, "completion_tokens": 1},
}
STREAMED = (
    'data: {"choices": [{"delta": {"content": "ok"}, "finish_reason": "stop"}]}\n\ndata: [DONE]\n\n'
)


@pytest.mark.parametrize(
    ("asked", "sent"), [(None, 256), (100, 100), (1024, 1024), (99_999_999, 1024)]
)
async def test_max_tokens_sent_to_a_remote_engine_is_capped(asked: int | None, sent: int) -> None:
    bodies: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        bodies.append(body)
        if body.get("stream"):
            return httpx.Response(200, text=STREAMED, headers={"content-type": "text/event-stream"})
        return httpx.Response(200, json=REPLY)

    config = EngineConfig(
        base_urls=["http://remote/v1"], model="m", max_tokens=256, max_tokens_cap=1024
    )
    engine = OpenAICompatEngine(config, transport=httpx.MockTransport(handler))
    await engine.start()
    try:
        await collect(
            engine.stream(ChatRequest([{"role": "user", "content": "hi"}], max_tokens=asked))
        )
    finally:
        await engine.close()
    assert bodies and all(body["max_tokens"] == sent for body in bodies)


def test_a_cap_below_the_default_is_refused() -> None:
    with pytest.raises(ValueError, match="max_tokens_cap"):
        EngineConfig(max_tokens=512, max_tokens_cap=100)
