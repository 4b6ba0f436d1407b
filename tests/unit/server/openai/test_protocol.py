"""server/openai/protocol.py: requests parsed within the limits, errors naming field and limit."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.errors import InvalidInput
from assistant.settings import ApiSettings
from server.openai.protocol import Chunks, CompletionRequest, Limits, openai_error, sse

LIMITS = Limits(ApiSettings(max_messages=3, max_chars=1_000, max_stop_strings=2, max_stop_chars=5))


def _parse(**body: Any) -> CompletionRequest:
    return CompletionRequest.parse(
        {"model": "m", "messages": [{"role": "user", "content": "hi"}], **body}, LIMITS
    )


def test_the_message_count_is_checked_before_anything_is_parsed() -> None:
    junk = [{"role": "nobody", "content": 1}] * 4  # invalid too: the count answers first
    with pytest.raises(InvalidInput) as refused:
        _parse(messages=junk)
    assert refused.value.fields == {"messages": "4 messages is more than the 3 allowed"}
    assert "ASSISTANT_API_MAX_MESSAGES" in refused.value.message


def test_characters_count_text_parts_and_tool_calls() -> None:
    parts = [{"type": "text", "text": "x" * 600}, {"type": "text", "text": "y" * 300}]
    call = {"id": "c", "type": "function", "function": {"name": "f", "arguments": "z" * 200}}
    messages = [
        {"role": "user", "content": parts},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "user", "content": "go"},
    ]
    with pytest.raises(InvalidInput, match="ASSISTANT_API_MAX_CHARS"):
        _parse(messages=messages)
    assert len(_parse(messages=messages[:1]).messages) == 1


@pytest.mark.parametrize(
    ("stop", "field"),
    [(["a", "b", "c"], "stop"), ("toolong", "stop[0]"), (["ok", "toolong"], "stop[1]")],
)
def test_stop_strings_are_bounded(stop: Any, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        _parse(stop=stop)
    assert list(refused.value.fields or {}) == [field]
    assert openai_error(refused.value)["param"] == field


def test_a_tool_without_a_name_is_refused_by_field() -> None:
    with pytest.raises(InvalidInput) as refused:
        _parse(tools=[{"type": "function", "function": {"parameters": {}}}])
    assert list(refused.value.fields or {}) == ["tools[0].function.name"]


def test_within_the_limits_the_engine_request_carries_them() -> None:
    req = _parse(stop="END", tools=[{"type": "function", "function": {"name": "f"}}])
    engine = req.engine_request()
    assert list(engine.stop) == ["END"] and [t.name for t in engine.tools] == ["f"]


@pytest.mark.parametrize(("body", "expected"), [({"ignore_eos": True}, True), ({}, False)])
def test_vllms_ignore_eos_extension_reaches_the_engine(body: dict[str, Any], expected: bool):
    assert _parse(max_tokens=8, **body).engine_request().ignore_eos is expected


@pytest.mark.parametrize(
    "text", ["hello", " wörld", 'say "hi"\n\tthen\\go', "\x00text\x00", "😀 emoji", "", "</script>"]
)
def test_a_tokens_event_is_the_same_bytes_as_its_whole_chunk_rendered(text: str) -> None:
    chunks = Chunks("qwen")
    assert chunks.text_event(text) == sse(chunks.chunk({"content": text}))
