"""/v1/chat/completions as a weapon (issue 15, items 4 and 5): oversized histories, tool
schemas that would make a grammar of gigabytes, and stop strings that cost O(L^2) a token
each get a 422 naming the field and the limit, and the server keeps answering meanwhile."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from assistant.settings import ApiSettings, Settings
from inference.scripted import ScriptedEngine
from server.app import create_app
from tests.integration.chat.conftest import ChatHarness
from tests.plugins.app import Member
from tests.plugins.chat import ScriptedParser, serve_in_process

LIMITS = ApiSettings()


def _body(**extra: Any) -> dict[str, Any]:
    return {"model": "scripted", "messages": [{"role": "user", "content": "hi"}], **extra}


def _tool(parameters: Any, name: str = "t") -> dict[str, Any]:
    return {"type": "function", "function": {"name": name, "parameters": parameters}}


def _nested(depth: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(depth):
        schema = {"type": "array", "items": schema}
    return schema


async def _post(chat: ChatHarness, member: Member, body: dict[str, Any]) -> Any:
    return await chat.http.post("/v1/chat/completions", json=body, headers=member.headers)


async def test_four_thousand_messages_get_a_clear_4xx_and_healthz_stays_up(
    chat: ChatHarness, staff: dict[str, Member]
) -> None:
    history = [
        {"role": "user" if i % 2 == 0 else "assistant", "content": f"m{i}"} for i in range(3999)
    ]
    body = {"model": "assistant", "messages": [*history, {"role": "user", "content": "hi"}]}

    async def health() -> list[int]:
        return [(await chat.http.get("/healthz")).status_code for _ in range(5)]

    attack, beats = await asyncio.gather(_post(chat, staff["owner"], body), health())
    assert attack.status_code == 422
    error = attack.json()["error"]
    assert error["param"] == "messages" and error["type"] == "invalid_request_error"
    assert "4000 messages" in error["message"]
    assert "ASSISTANT_API_MAX_MESSAGES" in error["message"]
    assert beats == [200] * 5
    assert chat.engine.requests == []  # nothing reached the engine


async def test_where_the_bound_allows_4000_messages_they_are_trimmed_and_healthz_answers(
    app_settings: Settings, staff: dict[str, Member]
) -> None:
    settings = app_settings.model_copy(update={"api": ApiSettings(max_messages=5_000)})
    engine = ScriptedEngine()
    app = create_app(settings, engine=engine, parser=ScriptedParser())
    history = [
        {"role": "user" if i % 2 == 0 else "assistant", "content": f"message {i}"}
        for i in range(3999)
    ]
    body = {"model": "assistant", "messages": [*history, {"role": "user", "content": "last"}]}
    async with serve_in_process(app) as base, httpx.AsyncClient(base_url=base, timeout=60) as http:

        async def health() -> list[int]:
            return [(await http.get("/healthz")).status_code for _ in range(5)]

        reply, beats = await asyncio.gather(
            http.post("/v1/chat/completions", json=body, headers=staff["owner"].headers), health()
        )
    assert reply.status_code == 200, reply.text
    assert beats == [200] * 5
    seen = engine.requests[-1].messages
    assert seen[-1]["content"] == "last" and seen[-2]["content"] == "message 3998"
    assert 2 < len(seen) < 3999 and seen[1]["role"] == "user"


async def test_a_long_history_within_bounds_is_trimmed_to_the_context(
    chat: ChatHarness, staff: dict[str, Member]
) -> None:
    words = " ".join(["word"] * 60)
    history = [
        {"role": "user" if i % 2 == 0 else "assistant", "content": f"{i} {words}"}
        for i in range(LIMITS.max_messages - 1)
    ]
    body = {"model": "assistant", "messages": [*history, {"role": "user", "content": "last"}]}
    reply = await _post(chat, staff["owner"], body)
    assert reply.status_code == 200, reply.text
    seen = chat.engine.requests[-1].messages
    assert seen[-1]["content"] == "last" and 2 < len(seen) < len(history)
    assert seen[1]["role"] == "user"
    assert seen[-2]["content"] == history[-1]["content"]  # the newest history is kept


async def test_too_many_characters_are_refused(chat: ChatHarness, staff: dict[str, Member]) -> None:
    big = "x" * (LIMITS.max_chars // 4 + 1)
    body = _body(messages=[{"role": "user", "content": big} for _ in range(4)])
    reply = await _post(chat, staff["owner"], body)
    assert reply.status_code == 422
    assert "ASSISTANT_API_MAX_CHARS" in reply.json()["error"]["message"]


HUGE = 10**9


@pytest.mark.parametrize(
    ("tools", "param", "limit"),
    [
        (
            [_tool({"type": "object", "properties": {"x": {"type": "array", "minItems": HUGE}}})],
            "tools[0].function.parameters.properties.x.minItems",
            "MAX_TOOL_SCHEMA_COUNT",
        ),
        (
            [_tool({"type": "object", "properties": {"s": {"type": "string", "minLength": HUGE}}})],
            "tools[0].function.parameters.properties.s.minLength",
            "MAX_TOOL_SCHEMA_COUNT",
        ),
        (
            [_tool({"type": "object", "properties": {"s": {"type": "string", "maxLength": HUGE}}})],
            "tools[0].function.parameters.properties.s.maxLength",
            "MAX_TOOL_SCHEMA_COUNT",
        ),
        (
            [_tool({"type": "array", "maxItems": -1})],
            "tools[0].function.parameters.maxItems",
            None,
        ),
        (
            [_tool({"type": "integer", "minimum": 0, "maximum": 1e300})],
            "tools[0].function.parameters.maximum",
            None,
        ),
        ([_tool(_nested(200))], None, "MAX_TOOL_SCHEMA_DEPTH"),
        ([_tool({}, name=f"t{i}") for i in range(LIMITS.max_tools + 1)], "tools", "MAX_TOOLS"),
        (
            [_tool({"type": "object", "description": "d" * LIMITS.max_tool_schema_chars})],
            "tools",
            "MAX_TOOL_SCHEMA_CHARS",
        ),
    ],
    ids=["minItems", "minLength", "maxLength", "negative", "huge-number", "deep", "many", "big"],
)
async def test_tool_schemas_that_would_blow_up_the_grammar_are_refused(
    chat: ChatHarness,
    staff: dict[str, Member],
    tools: list[Any],
    param: str | None,
    limit: str | None,
) -> None:
    reply = await _post(chat, staff["owner"], _body(tools=tools))
    assert reply.status_code == 422, reply.text
    error = reply.json()["error"]
    assert f"ASSISTANT_API_{limit}" in error["message"] if limit else "must" in error["message"]
    assert error["param"] == param if param else error["param"].startswith("tools[0]")
    assert chat.engine.requests == []


@pytest.mark.parametrize(
    ("stop", "param", "limit"),
    [
        (["a"] * (LIMITS.max_stop_strings + 1), "stop", "MAX_STOP_STRINGS"),
        ("z" * (LIMITS.max_stop_chars * 500), "stop[0]", "MAX_STOP_CHARS"),
        (["ok", "z" * (LIMITS.max_stop_chars + 1)], "stop[1]", "MAX_STOP_CHARS"),
    ],
    ids=["many", "one-huge", "second-long"],
)
async def test_stop_strings_are_bounded(
    chat: ChatHarness, staff: dict[str, Member], stop: Any, param: str, limit: str
) -> None:
    reply = await _post(chat, staff["owner"], _body(stop=stop))
    assert reply.status_code == 422, reply.text
    error = reply.json()["error"]
    assert error["param"] == param and f"ASSISTANT_API_{limit}" in error["message"]


async def test_requests_within_bounds_still_work(
    chat: ChatHarness, staff: dict[str, Member]
) -> None:
    tools = [_tool({"type": "object", "properties": {"minItems": {"type": "array",
             "minItems": 2, "maxItems": 4}}, "required": ["minItems"]})]  # fmt: skip
    body = _body(tools=tools, stop=["END", "z" * LIMITS.max_stop_chars])
    reply = await _post(chat, staff["owner"], body)
    assert reply.status_code == 200, reply.text
    assert chat.engine.requests[-1].stop == ["END", "z" * LIMITS.max_stop_chars]
