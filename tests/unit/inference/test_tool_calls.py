"""inference/tools.py, assembler.py and jsonschema.py: bounded grammars, lenient parsing,
strict validation, and a streamed call that equals the whole one."""

from __future__ import annotations

import json

import pytest

from inference import jsonschema
from inference.assembler import ReplyAssembler
from inference.base import ChatRequest, TextDelta, Tool, ToolCall, ToolCallError
from inference.templates import CHATML_TEMPLATE
from inference.tools import (
    FORMATS,
    MAX_STRING_CHARS,
    bounded_schema,
    build_call,
    call_schema,
    detect_format,
    parse_call,
)

TOOL = Tool(
    "notes_add",
    "",
    {
        "type": "object",
        "properties": {
            "contact": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "n": {"type": "integer", "minimum": 1, "maximum": 3},
        },
        "required": ["contact"],
    },
)


def test_bounded_schema_limits_strings_arrays_and_extra_keys() -> None:
    schema = bounded_schema(TOOL.parameters)
    assert schema["properties"]["contact"]["maxLength"] == MAX_STRING_CHARS
    assert schema["properties"]["tags"]["maxItems"] == 8
    assert schema["properties"]["tags"]["items"]["maxLength"] == MAX_STRING_CHARS
    assert schema["properties"]["n"]["enum"] == [1, 2, 3]
    assert schema["additionalProperties"] is False
    assert "maxLength" not in TOOL.parameters["properties"]["contact"]  # a copy


def test_call_schema_covers_every_tool() -> None:
    other = Tool("tags_add")
    schema = call_schema([TOOL, other], FORMATS["hermes"])
    assert [v["properties"]["name"]["const"] for v in schema["anyOf"]] == ["notes_add", "tags_add"]


@pytest.mark.parametrize(
    ("template", "fmt"),
    [(CHATML_TEMPLATE, "hermes"), ("<|python_tag|>{{ x }}", "llama3_json"), (None, "json")],
)
def test_format_is_detected_from_the_template(template: str | None, fmt: str) -> None:
    assert detect_format(template).name == fmt


def test_parse_accepts_control_characters_and_validates() -> None:
    call = parse_call(
        '<tool_call>\n{"name": "notes_add", "arguments": {"contact": "a\tb"}}\n</tool_call>',
        [TOOL],
        FORMATS["hermes"],
    )
    assert call.arguments == {"contact": "a\tb"}
    with pytest.raises(ToolCallError, match="do not match"):
        build_call("notes_add", {"contact": 3}, [TOOL])
    with pytest.raises(ToolCallError, match="unknown tool"):
        build_call("contacts_delete", {}, [TOOL])
    with pytest.raises(ToolCallError, match="not valid JSON"):
        build_call("notes_add", '{"contact": ', [TOOL])


def test_streamed_pieces_give_the_same_call_as_the_whole_text() -> None:
    text = '<tool_call>\n{"name": "notes_add", "arguments": {"contact": "Jöse"}}\n</tool_call>'
    req = ChatRequest([{"role": "user", "content": "x"}], tools=[TOOL])
    whole = parse_call(text, [TOOL], FORMATS["hermes"])
    assembler = ReplyAssembler(req, FORMATS["hermes"])
    assert all(assembler.feed(ch) == [] for ch in text)
    events, reason = assembler.finish("stop")
    assert events == [whole] and reason == "tool_calls" and isinstance(whole, ToolCall)


def test_text_streams_and_stop_strings_cut_it() -> None:
    req = ChatRequest([{"role": "user", "content": "x"}], stop=["END"])
    assembler = ReplyAssembler(req, FORMATS["json"])
    out = [*assembler.feed("hello E"), *assembler.feed("N"), *assembler.feed("D more")]
    assert out == [TextDelta("hello ")] and assembler.stopped
    assert assembler.finish("length") == ([], "stop")


def test_a_call_cut_off_by_max_tokens_is_an_error() -> None:
    req = ChatRequest([{"role": "user", "content": "x"}], tools=[TOOL], tool_choice="notes_add")
    assembler = ReplyAssembler(req, FORMATS["json"])
    assembler.feed('{"name": "notes_add", "arguments": {"cont')
    with pytest.raises(ToolCallError, match="cut off"):
        assembler.finish("length")


@pytest.mark.parametrize(
    ("value", "schema", "ok"),
    [
        ({"a": 1}, {"type": "object", "properties": {"a": {"type": "integer"}}}, True),
        ({"a": True}, {"type": "object", "properties": {"a": {"type": "integer"}}}, False),
        ({}, {"type": "object", "required": ["a"]}, False),
        ({"b": 1}, {"type": "object", "additionalProperties": False}, False),
        ("x" * 5, {"type": "string", "maxLength": 4}, False),
        ("2024-01-01", {"type": "string", "pattern": r"^\d{4}-"}, True),
        ([1, 2], {"type": "array", "items": {"type": "integer"}, "maxItems": 1}, False),
        (3, {"anyOf": [{"type": "string"}, {"type": "integer", "minimum": 4}]}, False),
        (None, {"type": ["string", "null"]}, True),
        ("b", {"enum": ["a"]}, False),
    ],
)
def test_validator(value: object, schema: dict[str, object], ok: bool) -> None:
    assert (jsonschema.errors(json.loads(json.dumps(value)), schema) == []) is ok


def test_bounded_schema_never_asks_for_more_than_its_maximum() -> None:
    schema = bounded_schema(
        {
            "type": "object",
            "properties": {
                "s": {"type": "string", "minLength": 5000},
                "a": {"type": "array", "minItems": 50, "items": {"type": "string"}},
            },
        }
    )
    s, a = schema["properties"]["s"], schema["properties"]["a"]
    assert s["minLength"] == s["maxLength"] == MAX_STRING_CHARS
    assert a["minItems"] == a["maxItems"] <= 8
