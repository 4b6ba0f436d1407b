"""The co-pilot's own prompts, built by the chat code, as pairs of turns: a cold one and the
next one that shares its prefix.

- `command`: the hybrid parser's LLM request (assistant/commands/llm.py): system prompt, the
  candidate procedures' tool schemas, a forced call. The next command with the same candidates
  comes `gap` minutes later, as a staff member's next command would.
- `chat`: a free-chat reply (assistant/chat/prompts.py): system prompt and history. The next
  turn of the same conversation carries the first exchange in its history.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from assistant.chat import prompts
from assistant.commands.llm import LLMOptions, llm_request
from assistant.procedures.registry import Registry
from inference.base import ChatRequest, Message

SCENARIOS = ("command", "chat")
DEFAULT_CANDIDATES = ("notes.add", "notes.list", "tasks.create", "contacts.update")
"""The parser's top-4 for a note command (it offers the classifier's top k, plus `chat`)."""

COMMANDS = (
    (
        "add a note to Jane Doe: prefers morning sessions",
        "add a note to Sam Lee: allergic to latex",
    ),
    (
        "note for Priya Shah: knee feels better after the last session",
        "add a note to Tom Brown: asked about evening appointments",
    ),
    ("remind me to call Jane Doe tomorrow at 10", "add a note to Jane Doe: paid the invoice"),
)
CHATS = (
    ("How should I word a friendly reminder about a missed session?", "Make it shorter, please."),
    ("What should I ask a new client at their first visit?", "And what about their goals?"),
    ("Give me three tips for keeping clinical notes brief.", "One more, about abbreviations."),
)

Count = Callable[[Sequence[Message]], int]


@dataclass(frozen=True, slots=True)
class Staff:
    """Whom the co-pilot speaks for (their e-mail and role are in the system prompt)."""

    email: str = "practitioner@clinic.example.com"
    role: str = "practitioner"
    timezone: str = "Europe/London"


def command_turns(
    registry: Registry,
    candidates: Sequence[str],
    round_no: int,
    now: datetime,
    gap: timedelta,
    staff: Staff = Staff(),
    options: LLMOptions = LLMOptions(),
) -> tuple[ChatRequest, ChatRequest]:
    """The parser's request for one command and for the next, `gap` later."""
    procs = []
    for name in candidates:
        proc = registry.get(name)
        if proc is None or proc.command is None:
            raise ValueError(f"--candidates: {name!r} is not a procedure the parser can fill")
        procs.append(proc)
    first, second = COMMANDS[round_no % len(COMMANDS)]
    cold = llm_request(first, procs, now=now, tz=staff.timezone, options=options)
    warm = llm_request(second, procs, now=now + gap, tz=staff.timezone, options=options)
    return cold, warm


def chat_first(round_no: int, max_tokens: int, seed: int, staff: Staff = Staff()) -> ChatRequest:
    """The first turn of a conversation: the co-pilot's system prompt and the message."""
    system = prompts.system_message(staff.email, staff.role)
    first = CHATS[round_no % len(CHATS)][0]
    return ChatRequest(
        [system, {"role": "user", "content": first}], max_tokens=max_tokens, seed=seed
    )


def chat_next(
    first: ChatRequest,
    reply: str,
    round_no: int,
    count: Count,
    budget: int,
) -> ChatRequest:
    """The conversation's next turn: the first exchange is history now (trimmed as the chat
    trims it)."""
    system, question = first.messages[0], first.messages[-1]
    history: list[Message] = [question, {"role": "assistant", "content": reply}]
    current: Message = {"role": "user", "content": CHATS[round_no % len(CHATS)][1]}
    messages = prompts.trim_history(system, history, current, budget, count)
    return ChatRequest(messages, max_tokens=first.max_tokens, seed=first.seed)
