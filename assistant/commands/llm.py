"""The LLM fallback: a few candidate procedures as mention-level tools, one forced call.

The model sees tools whose parameters are mentions (a contact's name as written, dates as
text), never ids, and only procedures the caller's role may run, so it cannot reach past
the user it speaks for. A `chat` tool is always offered, so "no action" is a valid answer
under constrained decoding. Every parameter is optional: the model may leave out what was not
said instead of inventing it, and the slot filler asks for what is missing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from assistant.commands import dates
from assistant.commands.slots import SPECS, Slot
from assistant.privacy.fencing import RULE, fence
from assistant.procedures.registry import Procedure, tool_name
from inference.base import ChatRequest, Engine, InferenceError, Tool, collect

log = logging.getLogger(__name__)
CHAT = "chat"
CHAT_TOOL = Tool(
    CHAT,
    "No CRM action is asked for: a greeting, thanks, or a question about the assistant.",
    {"type": "object", "properties": {}, "additionalProperties": False},
)
SYSTEM = (
    "You turn a clinic staff member's request into exactly one function call. Copy names, "
    "dates, times and text exactly as the user wrote them (e.g. 'next Tuesday at 3pm'); never "
    "invent a value the user did not give and leave such parameters out. Call `chat` when the "
    "message asks for no action. Today is {today} ({tz})."
)
_ENUMS = {
    "purpose": ["follow_up", "reminder", "welcome", "custom"],
    "status": ["open", "done", "all"],
}


@dataclass(frozen=True, slots=True)
class LLMOptions:
    temperature: float = 0.0
    max_tokens: int = 400
    seed: int | None = 0


@dataclass(frozen=True, slots=True)
class LLMChoice:
    intent: str
    mentions: dict[str, Any]


def _parameter(slot: Slot) -> dict[str, Any]:
    if slot.kind == "flag":
        return {"type": "boolean", "description": slot.description}
    if slot.kind in _ENUMS:
        return {"enum": _ENUMS[slot.kind], "description": slot.description}
    return {"type": "string", "description": slot.description, "maxLength": slot.max_length}


def mention_tool(proc: Procedure) -> Tool:
    """The tool for `proc` whose parameters are its Spec's mentions."""
    spec = SPECS[proc.name]
    return Tool(
        proc.tool_name,
        proc.summary,
        {
            "type": "object",
            "properties": {slot.name: _parameter(slot) for slot in spec.slots},
            "additionalProperties": False,
        },
    )


def system_prompt(now: datetime, tz: str, page_contact: str | None) -> str:
    local = now.astimezone(dates.zone(tz))
    text = SYSTEM.format(today=local.strftime("%A %d %B %Y, %H:%M"), tz=tz)
    if page_contact:
        # The name is a record field: it may hold instructions, so it is fenced like all data.
        text += (
            " The user is viewing the record of the contact below; an unnamed client is them. "
            f"{RULE}\n{fence('contact being viewed', {'name': page_contact})}"
        )
    return text


async def ask_llm(
    engine: Engine,
    text: str,
    candidates: Sequence[Procedure],
    *,
    now: datetime,
    tz: str,
    page_contact: str | None = None,
    options: LLMOptions = LLMOptions(),
) -> LLMChoice | None:
    """The model's choice among `candidates` (or chat); None when it produced no valid call."""
    tools = [mention_tool(p) for p in candidates if p.name in SPECS]
    by_tool = {tool_name(p.name): p.name for p in candidates}
    request = ChatRequest(
        [
            {"role": "system", "content": system_prompt(now, tz, page_contact)},
            {"role": "user", "content": text},
        ],
        tools=[*tools, CHAT_TOOL],
        tool_choice="required",
        temperature=options.temperature,
        max_tokens=options.max_tokens,
        seed=options.seed,
    )
    try:
        reply = await collect(engine.stream(request))
    except InferenceError as exc:
        log.warning("LLM fallback produced no call (%s)", type(exc).__name__)
        return None
    if not reply.tool_calls:
        return None
    call = reply.tool_calls[0]
    intent = CHAT if call.name == CHAT else by_tool.get(call.name)
    if intent is None:
        return None
    mentions = {k: v for k, v in call.arguments.items() if v not in (None, "", [])}
    return LLMChoice(intent, mentions)
