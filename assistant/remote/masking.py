"""Every string of a request pseudonymised before it leaves; the reply mapped back.

What is masked: message contents (system prompt, history, page context, tool results), the
arguments of earlier tool calls, and the descriptions inside tool schemas (tool and parameter
names are ours and stay). Note texts named by the call's scope are withheld first unless the
clinic allows notes. The reply: text deltas go through the pseudonymiser's stream restorer
(a placeholder split across deltas waits until complete), tool-call arguments are restored
before any tool runs.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import replace
from typing import Any

from assistant.privacy.pseudonymise import Analyzer, Pseudonymiser
from inference.base import ChatRequest, Done, Event, TextDelta, Tool, ToolCall

WITHHELD = "[clinical note withheld]"


def _withhold(text: str, clinical: Sequence[str]) -> tuple[str, int]:
    """Note texts replaced, whether they appear raw or JSON-escaped (inside a fence)."""
    count = 0
    for note in sorted({n for n in clinical if n.strip()}, key=len, reverse=True):
        for form in (note, json.dumps(note, ensure_ascii=False)[1:-1], json.dumps(note)[1:-1]):
            if form and form in text:
                count += text.count(form)
                text = text.replace(form, WITHHELD)
    return text, count


def _setter(target: dict[str, Any], key: str) -> Callable[[str], None]:
    def put(value: str) -> None:
        target[key] = value

    return put


class MaskedCall:
    """One request's masking: `request` is what may leave; `restore` maps a reply back."""

    def __init__(
        self,
        req: ChatRequest,
        analyze: Analyzer,
        *,
        clinical: Sequence[str] = (),
        allow_notes: bool = False,
    ) -> None:
        self.pseudonymiser = Pseudonymiser(analyze)
        self.withheld = 0
        self.request = self._mask(req, () if allow_notes else clinical)

    @property
    def masked(self) -> int:
        """How many distinct identifiers were replaced."""
        return self.pseudonymiser.count

    def _mask(self, req: ChatRequest, clinical: Sequence[str]) -> ChatRequest:
        texts: list[str] = []
        slots: list[Callable[[str], None]] = []
        messages: list[dict[str, Any]] = [dict(m) for m in req.messages]

        def take(text: str, put: Callable[[str], None]) -> None:
            # A plain str: values read from the database are str subclasses (decrypted
            # text), which spaCy's tokenizer refuses.
            text, n = _withhold(str.__str__(text), clinical)
            self.withheld += n
            texts.append(text)
            slots.append(put)

        for message in messages:
            self._collect_message(message, take)
        tool_specs: list[dict[str, Any]] = []
        for tool in req.tools:
            spec: dict[str, Any] = {"description": tool.description, "parameters": None}
            tool_specs.append(spec)
            take(tool.description, _setter(spec, "description"))
            spec["parameters"] = self._collect_schema(dict(tool.parameters), take)
        masked = self.pseudonymiser.mask(texts)
        for put, value in zip(slots, masked, strict=True):
            put(value)
        tools = [
            Tool(t.name, str(s["description"]), s["parameters"])
            for t, s in zip(req.tools, tool_specs, strict=True)
        ]
        return replace(req, messages=messages, tools=tools)

    @staticmethod
    def _collect_message(message: dict[str, Any], take: Callable[..., None]) -> None:
        content = message.get("content")
        if isinstance(content, str):
            take(content, lambda v, m=message: m.__setitem__("content", v))
        elif isinstance(content, list):
            parts = [dict(p) for p in content]
            message["content"] = parts
            for part in parts:
                if isinstance(part.get("text"), str):
                    take(part["text"], lambda v, p=part: p.__setitem__("text", v))
        calls = message.get("tool_calls")
        if calls:
            copies = [{**c, "function": dict(c.get("function", {}))} for c in calls]
            message["tool_calls"] = copies
            for call in copies:
                fn = call["function"]
                if isinstance(fn.get("arguments"), str):
                    take(fn["arguments"], lambda v, f=fn: f.__setitem__("arguments", v))

    @classmethod
    def _collect_schema(cls, node: Any, take: Callable[..., None]) -> Any:
        if isinstance(node, dict):
            out = dict(node)
            for key, value in node.items():
                if key in ("description", "title") and isinstance(value, str):
                    take(value, lambda v, o=out, k=key: o.__setitem__(k, v))
                elif key == "examples" and isinstance(value, list):
                    items = list(value)
                    out[key] = items
                    for i, item in enumerate(items):
                        if isinstance(item, str):
                            take(item, lambda v, lst=items, j=i: lst.__setitem__(j, v))
                else:
                    out[key] = cls._collect_schema(value, take)
            return out
        if isinstance(node, list):
            return [cls._collect_schema(v, take) for v in node]
        return node

    async def restore(self, events: AsyncIterator[Event]) -> AsyncIterator[Event]:
        """The provider's events with real values back in text and tool-call arguments."""
        restorer = self.pseudonymiser.stream()
        async for event in events:
            if isinstance(event, TextDelta):
                if shown := restorer.feed(event.text):
                    yield TextDelta(shown)
            elif isinstance(event, ToolCall):
                arguments = self.pseudonymiser.restore_value(dict(event.arguments))
                yield ToolCall(event.id, event.name, arguments)
            else:
                if isinstance(event, Done) and (rest := restorer.flush()):
                    yield TextDelta(rest)
                yield event
        if rest := restorer.flush():
            yield TextDelta(rest)
