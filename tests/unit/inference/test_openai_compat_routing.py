"""inference/openai_compat.py: routing, backoff and retries, over an in-memory HTTP transport
(the real server is exercised by the contract suite); time is a fake clock."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from inference.base import (
    ChatRequest,
    ContextOverflow,
    EngineUnavailable,
    TextDelta,
    Tool,
    ToolCallError,
    collect,
)
from inference.config import EngineConfig
from inference.openai_compat import OpenAICompatEngine

TOOL = Tool(
    "tags_add",
    "",
    {"type": "object", "properties": {"tag": {"type": "string"}}, "required": ["tag"]},
)


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


def sse(*chunks: dict[str, object]) -> bytes:
    lines = [f"data: {json.dumps(c)}\n\n" for c in chunks]
    return ("".join(lines) + "data: [DONE]\n\n").encode()


def text_chunks(*pieces: str) -> bytes:
    return sse(
        *({"choices": [{"delta": {"content": p}, "finish_reason": None}]} for p in pieces),
        {
            "choices": [{"delta": {}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 5, "completion_tokens": len(pieces)},
        },
    )


Handler = Callable[[httpx.Request], httpx.Response]


def engine(
    handler: Handler, urls: int = 1, keys: list[str] | None = None, time: FakeTime | None = None
) -> OpenAICompatEngine:
    time = time or FakeTime()
    config = EngineConfig(
        base_urls=[f"http://e{i}/v1" for i in range(urls)], api_keys=keys or [], model="m"
    )
    return OpenAICompatEngine(
        config, clock=time.clock, sleep=time.sleep, transport=httpx.MockTransport(handler)
    )


def hello() -> ChatRequest:
    return ChatRequest([{"role": "user", "content": "hi"}], max_tokens=4)


async def test_streams_text_and_exact_usage_with_each_endpoints_key() -> None:
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("authorization"))
        if request.url.path.endswith("/models"):
            return httpx.Response(200, json={"data": [{"id": "m"}]})
        return httpx.Response(200, content=text_chunks("Hel", "lo"))

    eng = engine(handler, keys=["sk-1"])
    await eng.start()
    reply = await collect(eng.stream(hello()))
    await eng.close()
    assert reply.text == "Hello" and reply.usage is not None and reply.usage.prompt_tokens == 5
    assert set(seen) == {"Bearer sk-1"}


@pytest.mark.parametrize("ignore_eos", [True, False])
async def test_ignore_eos_is_forwarded_only_when_asked(ignore_eos: bool) -> None:
    bodies: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/models"):
            return httpx.Response(200, json={"data": [{"id": "m"}]})
        bodies.append(json.loads(request.content))
        return httpx.Response(200, content=text_chunks("a"))

    eng = engine(handler)
    await eng.start()
    req = ChatRequest([{"role": "user", "content": "hi"}], max_tokens=4, ignore_eos=ignore_eos)
    await collect(eng.stream(req))
    await eng.close()
    assert ("ignore_eos" in bodies[0]) is ignore_eos
    assert bodies[0].get("ignore_eos", True) is True


async def test_429_waits_for_retry_after_then_succeeds() -> None:
    time = FakeTime()
    answers = iter(
        [
            httpx.Response(429, headers={"Retry-After": "7"}),
            httpx.Response(200, content=text_chunks("ok")),
        ]
    )
    eng = engine(lambda _: next(answers), time=time)
    eng._client = httpx.AsyncClient(transport=eng._transport)
    assert (await collect(eng.stream(hello()))).text == "ok"
    assert time.sleeps == [7.0]


async def test_5xx_moves_to_another_endpoint_and_parks_the_failing_one() -> None:
    hosts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        if request.url.host == "e0":
            return httpx.Response(503)
        return httpx.Response(200, content=text_chunks("ok"))

    time = FakeTime()
    eng = engine(handler, urls=2, time=time)
    eng._client = httpx.AsyncClient(transport=eng._transport)
    assert (await collect(eng.stream(hello()))).text == "ok"
    assert hosts == ["e0", "e1"] and time.sleeps == []
    assert eng.endpoints[0].available_at > time.now
    hosts.clear()
    await collect(eng.stream(hello()))
    assert hosts == ["e1"]  # e0 is still backing off


async def test_least_outstanding_requests_routing() -> None:
    release = asyncio.Event()

    body = text_chunks("a")
    cut = body.index(b"\n\n") + 2

    async def slow_body() -> AsyncIterator[bytes]:
        yield body[:cut]
        await release.wait()
        yield body[cut:]

    hosts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        return httpx.Response(200, content=slow_body())

    eng = engine(handler, urls=2)
    eng._client = httpx.AsyncClient(transport=eng._transport)
    first = eng.stream(hello())
    assert isinstance(await anext(first), TextDelta)
    second = eng.stream(hello())
    release.set()
    await anext(second)
    assert hosts == ["e0", "e1"]
    await first.aclose()  # type: ignore[attr-defined]
    await second.aclose()  # type: ignore[attr-defined]
    assert [ep.outstanding for ep in eng.endpoints] == [0, 0]


async def test_no_retry_after_the_first_token() -> None:
    calls = 0

    async def broken() -> AsyncIterator[bytes]:
        body = text_chunks("partial")
        yield body[: body.index(b"\n\n") + 2]
        raise httpx.ReadError("connection reset")

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(200, content=broken())

    eng = engine(handler, urls=2)
    eng._client = httpx.AsyncClient(transport=eng._transport)
    with pytest.raises(EngineUnavailable, match="mid-reply"):
        await collect(eng.stream(hello()))
    assert calls == 1


async def test_all_endpoints_down_is_engine_unavailable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    time = FakeTime()
    eng = engine(handler, urls=2, time=time)
    await eng.start()  # health checks fail: a warning, not an error
    with pytest.raises(EngineUnavailable, match="no OpenAI-compatible endpoint answered"):
        await collect(eng.stream(hello()))
    assert time.sleeps  # waited for backoff instead of spinning


async def test_context_errors_become_context_overflow() -> None:
    error = {"error": {"message": "This model's maximum context length is 2048 tokens"}}
    eng = engine(lambda _: httpx.Response(400, json=error))
    eng._client = httpx.AsyncClient(transport=eng._transport)
    with pytest.raises(ContextOverflow, match="maximum context length"):
        await collect(eng.stream(hello()))


def _tool_stream(args_pieces: list[str]) -> bytes:
    first = {
        "index": 0,
        "id": "x",
        "type": "function",
        "function": {"name": "tags_add", "arguments": ""},
    }
    chunks = [{"choices": [{"delta": {"tool_calls": [first]}}]}]
    chunks += [
        {"choices": [{"delta": {"tool_calls": [{"index": 0, "function": {"arguments": p}}]}}]}
        for p in args_pieces
    ]
    chunks.append({"choices": [{"delta": {}, "finish_reason": "tool_calls"}]})
    return sse(*chunks)


async def test_streamed_tool_call_fragments_equal_the_whole_message() -> None:
    args = '{"tag": "vip\\u00e9"}'

    def handler(request: httpx.Request) -> httpx.Response:
        if json.loads(request.content)["stream"]:
            return httpx.Response(200, content=_tool_stream([args[:5], args[5:12], args[12:]]))
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "y", "type": "function", "function": {"name": "tags_add", "arguments": args}}
            ],
        }
        return httpx.Response(
            200, json={"choices": [{"message": message, "finish_reason": "tool_calls"}]}
        )

    eng = engine(handler)
    eng._client = httpx.AsyncClient(transport=eng._transport)
    req = ChatRequest([{"role": "user", "content": "tag"}], tools=[TOOL])
    streamed = await collect(eng.stream(req))
    whole = await eng.complete(req)
    assert streamed.tool_calls == whole.tool_calls
    assert streamed.tool_calls[0].arguments == {"tag": "vipé"}
    assert streamed.finish_reason == "tool_calls"


async def test_invalid_streamed_arguments_are_rejected() -> None:
    eng = engine(lambda _: httpx.Response(200, content=_tool_stream(['{"tag": 5}'])))
    eng._client = httpx.AsyncClient(transport=eng._transport)
    req = ChatRequest([{"role": "user", "content": "tag"}], tools=[TOOL])
    with pytest.raises(ToolCallError):
        await collect(eng.stream(req))
