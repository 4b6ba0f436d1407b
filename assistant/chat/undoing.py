""" "undo that" / "take that back": a small rule read before the parser, so no classifier
needs retraining. It names the last turn of this conversation that changed something; the
undo itself is the `actions.undo` procedure, run like any other call of a turn.
"""

from __future__ import annotations

import re

from assistant.chat.parsing import ParseResult
from assistant.procedures import ledger
from assistant.procedures.registry import CHAT
from assistant.runtime import Runtime

_ASKS = re.compile(
    r"^\s*(?:please\s+)?(?:undo|revert|reverse|take\s+back|cancel)\s+"
    r"(?:that|this|it|the\s+last\s+(?:one|change|action|thing))(?:\s+back)?"
    r"(?:\s*,?\s*please)?\s*[.!]*\s*$"
    r"|^\s*(?:please\s+)?(?:undo|take\s+(?:that|it)\s+back)(?:\s*,?\s*please)?\s*[.!]*\s*$",
    re.IGNORECASE,
)
NOTHING = "There is nothing in this conversation I can undo."


def asks(text: str) -> bool:
    """The user asks to undo what the co-pilot just did."""
    return bool(_ASKS.match(text))


async def outcome(runtime: Runtime, user_id: int, conversation_id: int | None) -> ParseResult:
    """A call of `actions.undo` on the last turn's actions; chat when there is none."""
    ids: list[int] = []
    if conversation_id:
        async with runtime.readers() as session:
            ids = await ledger.last_turn(session, user_id, conversation_id)
    if not ids:
        return ParseResult(intent=CHAT, confidence=1.0, path="classifier", args={"undo": "none"})
    return ParseResult(
        intent=ledger.UNDO,
        confidence=1.0,
        path="classifier",
        args={"actions": "the last turn's"},
        resolved={"action_ids": ids},
    )
