"""A co-pilot turn for clients that hold the history themselves (the OpenAI-compatible API).

Knows no wire format: it yields ("text", str) pieces and then ("done", (finish, usage)); the
HTTP protocol around it lives in server/openai/.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any

from assistant.chat.parsing import PageContext
from assistant.chat.service import ChatService, TurnInput
from assistant.chat.transcript import RequestTranscript
from assistant.errors import RateLimited, ServiceUnavailable
from assistant.procedures.context import Principal
from inference.base import Message

COPILOT = "assistant"
"""The model name that selects the co-pilot rather than the bare engine."""


class CompletionError(ServiceUnavailable):
    """The engine failed while answering (the service is there; this reply is not)."""

    code = "engine_error"


class QuotaSpent(RateLimited):
    """The caller's daily hosted-token quota is spent: 429, Retry-After until the reset."""

    code = "quota_exceeded"

    def __init__(self, message: str, *, reset_at: str) -> None:
        reset = datetime.fromisoformat(reset_at)
        wait = max(1, int((reset - datetime.now(UTC)).total_seconds()))
        super().__init__(message, retry_after=wait)
        self.reset_at = reset


async def copilot_turn(
    chat: ChatService,
    principal: Principal,
    text: str,
    history: Sequence[Message],
    conversation_id: int | None = None,
) -> AsyncIterator[tuple[str, Any]]:
    """One turn over `history` (or over stored conversation `conversation_id`, when given);
    errors raise."""
    turn = TurnInput(text, PageContext(page="api"))
    if conversation_id is not None:
        conv = await chat.open(principal, conversation_id)
        events = chat.stream_stored(principal, conv, turn)
    else:
        kept = [m for m in history if m.get("role") in ("user", "assistant")]
        transcript = RequestTranscript(kept, chat.parser, principal, chat.rt.clock.now())
        events = chat.stream(principal, turn, transcript)
    async for event in events:
        if event.kind == "message.delta":
            yield "text", event.data["text"]
        elif event.kind == "message.done":
            yield "done", (event.data["finish_reason"], event.data["usage"])
        elif event.kind == "message.error":
            if event.data.get("status") == 429:  # a spent hosted-token quota
                raise QuotaSpent(event.data["message"], reset_at=event.data["reset_at"])
            raise CompletionError(event.data["message"])
