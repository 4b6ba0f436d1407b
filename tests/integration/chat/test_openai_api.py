"""/v1 against a real `assistant serve` process running llama.cpp on the tiny GGUF, driven
by the official openai client; and a /api/chat turn streaming from the same model."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from assistant.chat.parsing import ChatOnlyParser
from assistant.settings import Settings
from server.app import create_app
from tests.plugins.app import Member
from tests.plugins.chat import serve_in_process, turn
from tests.plugins.servers import running_server

pytestmark = pytest.mark.slow
pytest.importorskip("llama_cpp", reason="the llamacpp engine needs llama-cpp-python")

LLM_ENV = {
    "ASSISTANT_LLM_MAX_TOKENS": "24",
    "ASSISTANT_LLM_N_THREADS": "1",
    "ASSISTANT_LLM_N_CTX": "2048",
}
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather in a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


@pytest.fixture(scope="module")
def server(app_settings: Settings, tiny_gguf: Path) -> Iterator[str]:
    with running_server(
        app_settings, ASSISTANT_ENGINE="llamacpp", ASSISTANT_MODEL=str(tiny_gguf), **LLM_ENV
    ) as url:
        yield url


@pytest.fixture
async def client(server: str, staff: dict[str, Member]) -> AsyncIterator[openai.AsyncOpenAI]:
    async with openai.AsyncOpenAI(
        base_url=f"{server}/v1", api_key=staff["owner"].token, max_retries=0, timeout=60
    ) as c:
        yield c


async def test_readyz_and_models(
    server: str, client: openai.AsyncOpenAI, staff: dict[str, Member]
) -> None:
    # The module's first request to a server just started: once, in a full run on a 2-core
    # box, it outlasted httpx's 5 s default (the cause was not found; alone it takes 0.1 s).
    async with httpx.AsyncClient(timeout=60) as http:
        ready = (await http.get(f"{server}/readyz", headers=staff["owner"].headers)).json()
    assert ready["status"] == "ok" and ready["engine"] == "llamacpp"
    ids = [m.id async for m in client.models.list()]
    assert ids == ["assistant", "tiny"]


async def test_engine_model_non_streaming_and_streaming(client: openai.AsyncOpenAI) -> None:
    messages: Any = [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "hello"},
    ]
    reply = await client.chat.completions.create(model="tiny", messages=messages, seed=1)
    assert reply.object == "chat.completion"
    assert isinstance(reply.choices[0].message.content, str)
    assert reply.choices[0].finish_reason in ("stop", "length")
    assert reply.usage is not None and reply.usage.prompt_tokens > 0

    stream = await client.chat.completions.create(
        model="tiny",
        messages=messages,
        stream=True,
        stream_options={"include_usage": True},
        seed=1,
        max_completion_tokens=8,
    )
    chunks = [chunk async for chunk in stream]
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens <= 8
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices]
    assert finishes[-1] in ("stop", "length")


@pytest.mark.parametrize("stream", [False, True])
async def test_engine_model_tools(client: openai.AsyncOpenAI, stream: bool) -> None:
    messages: Any = [{"role": "user", "content": "weather in Paris?"}]
    kwargs: Any = {
        "model": "tiny",
        "messages": messages,
        "tools": [WEATHER],
        "tool_choice": "required",
        "seed": 3,
        "max_tokens": 400,
    }
    if not stream:
        reply = await client.chat.completions.create(**kwargs)
        calls = reply.choices[0].message.tool_calls or []
        finish = reply.choices[0].finish_reason
    else:
        chunks = [c async for c in await client.chat.completions.create(**kwargs, stream=True)]
        calls = [tc for c in chunks if c.choices for tc in c.choices[0].delta.tool_calls or []]
        finish = [c.choices[0].finish_reason for c in chunks if c.choices][-1]
    assert finish == "tool_calls" and len(calls) >= 1
    assert calls[0].function is not None and calls[0].function.name == "get_weather"
    assert "city" in json.loads(calls[0].function.arguments or "{}")


async def test_copilot_model(client: openai.AsyncOpenAI) -> None:
    reply = await client.chat.completions.create(
        model="assistant", messages=[{"role": "user", "content": "hello there"}]
    )
    assert isinstance(reply.choices[0].message.content, str)
    chunks = [
        c
        async for c in await client.chat.completions.create(
            model="assistant", messages=[{"role": "user", "content": "hello there"}], stream=True
        )
    ]
    assert chunks[0].choices[0].delta.role == "assistant"


async def test_lenient_with_what_real_clients_send(server: str, staff: dict[str, Member]) -> None:
    body = {
        "model": "tiny",
        "tools": [],
        "n": 1,
        "max_completion_tokens": 4,
        "response_format": {"type": "text"},
        "stream_options": None,
        "user": "x",
        "frequency_penalty": 0,
        "some_future_field": {"a": 1},
        "messages": [
            {"role": "system", "content": [{"type": "text", "text": "be brief"}]},
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": None},
            {"role": "user", "content": [{"type": "text", "text": "hello"}]},
        ],
    }
    async with httpx.AsyncClient(timeout=60) as http:
        response = await http.post(
            f"{server}/v1/chat/completions", json=body, headers=staff["viewer"].headers
        )
    assert response.status_code == 200, response.text
    assert response.json()["usage"]["completion_tokens"] <= 4


async def test_errors_in_openai_shape(server: str, client: openai.AsyncOpenAI) -> None:
    with pytest.raises(openai.UnprocessableEntityError) as bad:
        await client.chat.completions.create(
            model="tiny", messages=[{"role": "user", "content": "x"}], n=2
        )
    assert bad.value.body["code"] == "invalid_input"  # type: ignore[index]
    assert "n" in bad.value.body["message"]  # type: ignore[index]
    async with openai.AsyncOpenAI(
        base_url=f"{server}/v1", api_key="wrong", max_retries=0
    ) as anonymous:
        with pytest.raises(openai.AuthenticationError) as denied:
            await anonymous.models.list()
    assert denied.value.body["type"] == "authentication_error"  # type: ignore[index]


async def test_chat_turn_streams_from_the_tiny_model(
    app_settings: Settings, tiny_gguf: Path, staff: dict[str, Member]
) -> None:
    settings = app_settings.model_copy(
        update={
            "engine": "llamacpp",
            "model": str(tiny_gguf),
            # A fixed seed: a random-weight model may otherwise end a reply at once.
            "llm": app_settings.llm.model_copy(
                update={"max_tokens": 16, "n_threads": 1, "seed": 7}
            ),
        }
    )
    app = create_app(settings, parser=ChatOnlyParser("test"))
    async with serve_in_process(app) as base, httpx.AsyncClient(base_url=base, timeout=60) as http:
        events = await turn(http, staff["owner"], "hello, who are you?")
        assert events[0].event == "turn.start" and events[-1].event == "message.done"
        assert {e.event for e in events[1:-1]} <= {"message.delta"}
        done = events[-1].data
        assert done["usage"]["completion_tokens"] >= 1 and done["finish_reason"] in (
            "stop",
            "length",
        )
        ready = await http.get("/readyz", headers=staff["owner"].headers)
        assert ready.json()["engine"] == "llamacpp"
