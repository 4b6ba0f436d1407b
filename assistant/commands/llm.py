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
from assistant.privacy.fencing import RULE, fence
from assistant.procedures.command import Slot, choices
from assistant.procedures.registry import CHAT, Procedure, tool_name
from assistant.remote.errors import QuotaExceeded
from inference.base import ChatRequest, Engine, InferenceError, Tool, collect

log = logging.getLogger(__name__)
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
_STATUSES = ["open", "done", "all"]


@dataclass(frozen=True, slots=True)
class LLMOptions:
    temperature: float = 0.0
    max_tokens: int = 400
    seed: int | None = 0


@dataclass(frozen=True, slots=True)
class LLMChoice:
    intent: str
    mentions: dict[str, Any]


def _parameter(proc: Procedure, slot: Slot) -> dict[str, Any]:
    if slot.kind == "flag":
        return {"type": "boolean", "description": slot.description}
    if slot.kind == "choice":
        allowed = list(choices(proc.input, slot.target[0]))
        listed = f"{', '.join(allowed[:-1])} or {allowed[-1]}" if len(allowed) > 1 else allowed[0]
        return {"enum": allowed, "description": slot.description or listed}
    if slot.kind == "status":
        return {"enum": _STATUSES, "description": slot.description}
    return {"type": "string", "description": slot.description, "maxLength": slot.max_length}


def mention_tool(proc: Procedure) -> Tool:
    """The tool for `proc` whose parameters are its command's mentions."""
    spec = proc.command
    assert spec is not None, f"{proc.name} declares no command"
    return Tool(
        proc.tool_name,
        proc.summary,
        {
            "type": "object",
            "properties": {slot.name: _parameter(proc, slot) for slot in spec.slots},
            "additionalProperties": False,
        },
    )


def system_prompt(now: datetime, tz: str, page_contact: str | None) -> str:
    """The day, not the time: the prompt leads the request, and a clock that changed it every
    minute would make an engine evaluate the system prompt and tool schemas again for every
    command (the model copies times as written; the resolver reads them against the clock)."""
    local = now.astimezone(dates.zone(tz))
    text = SYSTEM.format(today=local.strftime("%A %d %B %Y"), tz=tz)
    if page_contact:
        # The name is a record field: it may hold instructions, so it is fenced like all data.
        text += (
            " The user is viewing the record of the contact below; an unnamed client is them. "
            f"{RULE}\n{fence('contact being viewed', {'name': page_contact})}"
        )
    return text


def llm_request(
    text: str,
    candidates: Sequence[Procedure],
    *,
    now: datetime,
    tz: str,
    page_contact: str | None = None,
    options: LLMOptions = LLMOptions(),
) -> ChatRequest:
    """The request the model gets: the system prompt, the candidates' tools (+ chat), one forced
    call. Its system prompt and tools lead the prompt, so a next command with the same
    candidates on the same day reuses them from an engine's prefix cache."""
    tools = [mention_tool(p) for p in candidates if p.command is not None]
    return ChatRequest(
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
    by_tool = {tool_name(p.name): p.name for p in candidates}
    request = llm_request(
        text, candidates, now=now, tz=tz, page_contact=page_contact, options=options
    )
    try:
        reply = await collect(engine.stream(request))
    except QuotaExceeded:
        raise  # the user must hear why no model answers, not get a guess
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
