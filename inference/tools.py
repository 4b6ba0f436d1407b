"""Tool-call formats, the schemas that constrain decoding, and strict-but-lenient parsing.

A random or small model under a grammar still fills strings with odd characters and can run
strings to any length. So the grammar gets a *bounded* copy of each tool's schema (string and
array lengths, no extra properties), parsing accepts control characters inside strings, and the
result is validated against the tool's *original* schema before it leaves the engine.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from inference import jsonschema
from inference.base import Tool, ToolCall, ToolCallError

MAX_STRING_CHARS = 48
"""Bound for string arguments without their own maxLength/enum/pattern: keeps a call finite."""
MAX_DECLARED_STRING_CHARS = 1000
"""A tool's own maxLength is honoured up to this (a note body must not be cut at 48)."""
MAX_ARRAY_ITEMS = 8
MAX_ENUM_RANGE = 256


@dataclass(frozen=True, slots=True)
class ToolCallFormat:
    """How a model family writes a call: `prefix{"name": ..., args_key: {...}}suffix`."""

    name: str
    prefix: str
    suffix: str
    args_key: str

    @property
    def opener(self) -> str:
        """The first character of a call; a reply starting with it is a call, not text."""
        return self.prefix[:1] or "{"


FORMATS: Mapping[str, ToolCallFormat] = MappingProxyType(
    {
        "hermes": ToolCallFormat("hermes", "<tool_call>\n", "\n</tool_call>", "arguments"),
        "llama3_json": ToolCallFormat("llama3_json", "", "", "parameters"),
        "json": ToolCallFormat("json", "", "", "arguments"),
    }
)

# Marker in a chat template -> the format its model was trained on; first match wins.
_TEMPLATE_MARKERS: tuple[tuple[str, str], ...] = (
    ("<tool_call>", "hermes"),
    ("<|python_tag|>", "llama3_json"),
    ("ipython", "llama3_json"),
)


def detect_format(template: str | None, configured: str | None = None) -> ToolCallFormat:
    """The configured format, else the one the chat template shows, else plain JSON."""
    if configured:
        if configured not in FORMATS:
            raise ValueError(f"unknown tool-call format {configured!r}; known: {sorted(FORMATS)}")
        return FORMATS[configured]
    for marker, name in _TEMPLATE_MARKERS:
        if template and marker in template:
            return FORMATS[name]
    return FORMATS["json"]


def bounded_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `schema` whose every value has a finite JSON text, for the grammar."""
    out: dict[str, Any] = copy.deepcopy(dict(schema))
    _bound(out)
    return out


def _bound(node: Any) -> None:
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    kinds = {kind} if isinstance(kind, str) else set(kind or ())
    free = not ({"enum", "const", "pattern", "format"} & node.keys())
    if "string" in kinds and free:
        declared = node.get("maxLength")
        node["maxLength"] = (
            min(int(declared), MAX_DECLARED_STRING_CHARS) if declared else MAX_STRING_CHARS
        )
        if "minLength" in node:  # the grammar repeats a rule minLength times: never past max
            node["minLength"] = min(int(node["minLength"]), node["maxLength"])
    if kinds == {"integer"} and "minimum" in node and "maximum" in node and free:
        # llama-cpp-python's schema converter ignores numeric bounds; a small range as an enum
        # is enforced by every grammar backend.
        low, high = int(node["minimum"]), int(node["maximum"])
        if high - low <= MAX_ENUM_RANGE:
            node["enum"] = list(range(low, high + 1))
    if "array" in kinds:
        node["maxItems"] = min(node.get("maxItems", MAX_ARRAY_ITEMS), MAX_ARRAY_ITEMS)
        if "minItems" in node:
            node["minItems"] = min(int(node["minItems"]), node["maxItems"])
    if "object" in kinds or "properties" in node:
        node.setdefault("additionalProperties", False)
    for key in ("properties", "$defs", "definitions"):
        for child in (node.get(key) or {}).values():
            _bound(child)
    for key in ("items", "additionalProperties"):
        _bound(node.get(key))
    for key in ("anyOf", "oneOf", "allOf"):
        for child in node.get(key) or ():
            _bound(child)


def call_schema(tools: Sequence[Tool], fmt: ToolCallFormat) -> dict[str, Any]:
    """The JSON schema of one call to any of `tools`, as the model must write it."""
    variants = [
        {
            "type": "object",
            "properties": {
                "name": {"const": tool.name},
                fmt.args_key: bounded_schema(tool.parameters),
            },
            "required": ["name", fmt.args_key],
            "additionalProperties": False,
        }
        for tool in tools
    ]
    if not variants:
        raise ValueError("a call schema needs at least one tool")
    return variants[0] if len(variants) == 1 else {"anyOf": variants}


def call_id(name: str, arguments: Mapping[str, Any], index: int = 0) -> str:
    """A deterministic id, so the streamed and the non-streamed call compare equal."""
    blob = json.dumps([index, name, arguments], sort_keys=True, ensure_ascii=False)
    return "call_" + hashlib.sha256(blob.encode()).hexdigest()[:16]


def build_call(
    name: str, arguments: str | Mapping[str, Any], tools: Sequence[Tool], index: int = 0
) -> ToolCall:
    """Parse (leniently) and validate (strictly) one call; ToolCallError says what is wrong."""
    tool = next((t for t in tools if t.name == name), None)
    if tool is None:
        raise ToolCallError(f"the model called an unknown tool {name!r}")
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments or "{}", strict=False)
        except json.JSONDecodeError as exc:
            raise ToolCallError(f"arguments of {name} are not valid JSON: {exc}") from exc
    if not isinstance(arguments, dict):
        raise ToolCallError(f"arguments of {name} are not a JSON object")
    cleaned: dict[str, Any] = _without_replacement_chars(arguments)
    problems = jsonschema.errors(cleaned, tool.parameters)
    if problems:
        raise ToolCallError(f"arguments of {name} do not match its schema: {problems[:3]}")
    return ToolCall(call_id(name, cleaned, index), name, cleaned)


def _without_replacement_chars(value: Any) -> Any:
    """Drop U+FFFD: bytes a model wrote that were not valid UTF-8 decode to it (one or more per
    byte, so a string the grammar bounded by code points may come out longer); never content."""
    if isinstance(value, str):
        return value.replace("\ufffd", "")
    if isinstance(value, dict):
        return {key: _without_replacement_chars(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_replacement_chars(item) for item in value]
    return value


def parse_call(text: str, tools: Sequence[Tool], fmt: ToolCallFormat, index: int = 0) -> ToolCall:
    """Parse a whole call as written by the model in format `fmt`."""
    body = text.strip()
    if fmt.prefix.strip() and body.startswith(fmt.prefix.strip()):
        body = body[len(fmt.prefix.strip()) :]
    if fmt.suffix.strip() and body.endswith(fmt.suffix.strip()):
        body = body[: -len(fmt.suffix.strip())]
    try:
        obj = json.loads(body, strict=False)
    except json.JSONDecodeError as exc:
        raise ToolCallError(f"the tool call is not valid JSON ({exc}): {body[:80]!r}") from exc
    if not isinstance(obj, dict) or not isinstance(obj.get("name"), str):
        raise ToolCallError("the tool call has no function name")
    args: str | Mapping[str, Any] = next(
        (obj[key] for key in (fmt.args_key, "arguments", "parameters") if key in obj), {}
    )
    return build_call(obj["name"], args, tools, index)
