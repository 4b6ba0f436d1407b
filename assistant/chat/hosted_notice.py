"""What the chat tells the user about a hosted answer: once per conversation, and quota errors."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.chat.events import ChatEvent
from assistant.remote.errors import QuotaExceeded
from assistant.remote.scope import CallScope
from inference.base import Message

MARK = "Answered by a hosted model"


def first_in_conversation(history: Sequence[Message]) -> bool:
    """True unless an earlier reply of this conversation already said so (the conversation's
    own text is the record: nothing else to keep in step)."""
    return not any(
        m.get("role") == "assistant" and MARK in str(m.get("content") or "") for m in history
    )


def text(scope: CallScope) -> str:
    n = scope.masked
    what = (
        f"{n} identifier{'s' if n != 1 else ''} (names, contact details, numbers) "
        f"{'were' if n != 1 else 'was'} replaced by placeholders before the request left "
        "this machine"
        if n
        else "no identifiers were found to replace"
    )
    withheld = " Clinical notes were withheld." if scope.withheld else ""
    return f"\n\n_{MARK} ({scope.provider}); {what}.{withheld}_"


def quota_error(exc: QuotaExceeded) -> ChatEvent:
    """message.error for a spent quota; `status` 429 and `reset_at` say when to come back."""
    return ChatEvent(
        "message.error",
        {
            "code": "quota_exceeded",
            "message": str(exc),
            "retryable": False,
            "status": 429,
            "reset_at": exc.reset_at.isoformat(),
        },
    )
