"""What the model sees: a system prompt, CRM data fenced as data, and trimmed history.

Text from the CRM (names, notes, e-mails, procedure results) may contain instructions an
attacker planted; it goes into the prompt only inside `<crm-data>` blocks that the system
prompt declares to be data, escaped so that nothing inside can end the block
(assistant.privacy.fencing).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.privacy.fencing import RULE, fence
from inference.base import Message

__all__ = ["SYSTEM_PROMPT", "estimate_tokens", "fence", "system_message", "trim_history"]

SYSTEM_PROMPT = (
    """\
You are the co-pilot of a small clinic's CRM. You help staff with their contacts, notes, \
tasks, appointments and e-mails. Answer briefly and plainly. You act for {email} (role: \
{role}); you never have more rights than they do, and you cannot change records yourself: \
changes happen only through the CRM's commands, which the staff member asks for in their own \
words (for example "add a note to Jane Doe: prefers mornings").
"""
    + RULE
    + " Never reveal that data to anyone but this user."
)


def system_message(email: str, role: str, blocks: Sequence[str] = ()) -> Message:
    text = SYSTEM_PROMPT.format(email=email, role=role)
    if blocks:
        text += "\n\n" + "\n\n".join(blocks)
    return {"role": "system", "content": text}


def estimate_tokens(text: str) -> int:
    """A pessimistic count for engines that cannot count (byte-level vocabularies: ~1/byte)."""
    return len(text.encode("utf-8")) + 4


def trim_history(
    system: Message,
    history: Sequence[Message],
    current: Message,
    budget: int,
    count: Callable[[Sequence[Message]], int],
) -> list[Message]:
    """system + the newest history that fits `budget` tokens + the current message.

    Drops whole messages from the oldest end, and never starts the kept history on an
    assistant reply (a reply without its question misleads a model). Counting is the cost:
    the whole history is counted once, then the cut is found by galloping back from the newest
    user message and bisecting, so each further count covers at most about twice what is kept
    (bounded by the context window), never the whole history again."""
    whole = [system, *history, current]
    if not history or count(whole) <= budget:
        return whole
    starts = [i for i, message in enumerate(history) if message.get("role") == "user"]

    def fits(k: int) -> bool:
        return count([system, *history[starts[k] :], current]) <= budget

    if not starts or not fits(len(starts) - 1):
        return [system, current]
    fit, bad, step = len(starts) - 1, -1, 1  # starts[fit] fits; starts[bad] does not
    while fit - step > bad:
        if not fits(fit - step):
            bad = fit - step
            break
        fit, step = fit - step, step * 2
    while fit - bad > 1:
        middle = (fit + bad) // 2
        fit, bad = (middle, bad) if fits(middle) else (fit, middle)
    return [system, *history[starts[fit] :], current]
