"""inference/scripted.py: replays text, calls and failures; a real Engine for chat tests."""

from __future__ import annotations

import pytest

from inference.base import (
    ChatRequest,
    Engine,
    EngineUnavailable,
    TextDelta,
    Tool,
    ToolCallError,
    collect,
)
from inference.config import EngineConfig
from inference.scripted import ScriptedEngine, ScriptedReply

TOOL = Tool(
    "notes_add",
    "",
    {"type": "object", "properties": {"body": {"type": "string"}}, "required": ["body"]},
)


def req(**kwargs: object) -> ChatRequest:
    return ChatRequest([{"role": "user", "content": "hi"}], tools=[TOOL], **kwargs)  # type: ignore[arg-type]


async def test_replays_the_script_in_order_then_repeats_the_last() -> None:
    engine = ScriptedEngine(
        script=[
            ScriptedReply(text="one two"),
            ScriptedReply(tool_calls=[("notes_add", {"body": "x"})]),
        ]
    )
    assert isinstance(engine, Engine)
    await engine.start()
    first = await collect(engine.stream(req()))
    second = await collect(engine.stream(req()))
    third = await collect(engine.stream(req()))
    assert first.text == "one two" and first.finish_reason == "stop"
    assert second.tool_calls[0].arguments == {"body": "x"} == third.tool_calls[0].arguments
    assert second.finish_reason == "tool_calls"


async def test_fails_mid_stream_as_scripted() -> None:
    engine = ScriptedEngine(script=[ScriptedReply(text="a b c", fail_after=2)])
    await engine.start()
    seen = []
    with pytest.raises(EngineUnavailable, match="scripted failure"):
        async for event in engine.stream(req()):
            seen.append(event)
    assert seen == [TextDelta("a"), TextDelta(" b")]


async def test_scripted_calls_are_validated_like_a_models() -> None:
    engine = ScriptedEngine(script=[ScriptedReply(tool_calls=[("notes_add", {"body": 1})])])
    await engine.start()
    with pytest.raises(ToolCallError):
        await collect(engine.stream(req()))


async def test_max_tokens_cuts_the_reply() -> None:
    engine = ScriptedEngine(EngineConfig(engine="scripted"), script=[ScriptedReply(text="a b c d")])
    await engine.start()
    reply = await collect(engine.stream(req(max_tokens=2)))
    assert reply.text == "a b" and reply.finish_reason == "length"
    assert reply.usage is not None and reply.usage.completion_tokens == 2
