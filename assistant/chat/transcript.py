"""Where a turn's messages live: a stored conversation, or (OpenAI-compatible clients that
send the whole history each time) the request itself, storing nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from assistant.chat import store
from assistant.chat.parsing import PageContext, ParseResult, TurnParser
from assistant.chat.templates import question_reply
from assistant.procedures.context import Principal
from assistant.runtime import Runtime
from inference.base import Message


@dataclass
class Ending:
    """How a reply ended, as it is stored."""

    text: str
    status: str  # complete | interrupted | error
    meta: dict[str, Any]
    title: str = ""
    pending: ParseResult | None = None


class Transcript(Protocol):
    async def begin(self, text: str, context: PageContext) -> tuple[int, datetime]:
        """Store the user's message; its id and time (for turn.start)."""
        ...

    async def history(self) -> list[Message]:
        """Earlier messages, oldest first, without the current one."""
        ...

    async def pending(self) -> ParseResult | None:
        """The parse waiting for the user's answer to a question, if any."""
        ...

    async def finish(self, ending: Ending) -> int:
        """Store the reply; its message id."""
        ...


class StoredTranscript:
    def __init__(self, runtime: Runtime, principal: Principal, conversation_id: int) -> None:
        self.rt, self.principal, self.conversation_id = runtime, principal, conversation_id
        self._history: list[Message] = []
        self._pending: ParseResult | None = None

    async def begin(self, text: str, context: PageContext) -> tuple[int, datetime]:
        now = self.rt.clock.now()
        async with self.rt.sessions() as session, session.begin():
            conv = await store.owned(session, self.principal, self.conversation_id)
            self._history = [
                {"role": m.role, "content": m.content}
                for m in await store.history(session, self.conversation_id)
            ]
            self._pending = await store.open_pending(session, self.conversation_id)
            if self._pending is not None:
                await store.close_pending(session, conv)
            row = await store.add_message(
                session, conv, "user", text, now, meta={"context": context.as_dict()}
            )
            assert row.id is not None
            return row.id, row.created_at

    async def history(self) -> list[Message]:
        return self._history

    async def pending(self) -> ParseResult | None:
        return self._pending

    async def finish(self, ending: Ending) -> int:
        now = self.rt.clock.now()
        async with self.rt.sessions() as session, session.begin():
            conv = await store.owned(session, self.principal, self.conversation_id)
            if not conv.title and ending.title:
                conv.title = ending.title[:200]
            if ending.pending is not None:
                await store.save_pending(session, conv, ending.pending, now)
            row = await store.add_message(
                session,
                conv,
                "assistant",
                ending.text,
                now,
                status=ending.status,
                meta=ending.meta,
            )
            assert row.id is not None
            return row.id


@dataclass
class RequestTranscript:
    """The history an OpenAI client sent. A question asked earlier is recovered by parsing the
    message it answered again (nothing was stored between the requests)."""

    messages: list[Message]
    parser: TurnParser
    principal: Principal
    clock_now: datetime
    _context: PageContext = field(default_factory=PageContext)

    async def begin(self, text: str, context: PageContext) -> tuple[int, datetime]:
        self._context = context
        return 0, self.clock_now

    async def history(self) -> list[Message]:
        return self.messages

    async def pending(self) -> ParseResult | None:
        turns = [m for m in self.messages if m.get("role") in ("user", "assistant")]
        if len(turns) < 2 or turns[-1].get("role") != "assistant":
            return None
        asked, earlier = str(turns[-1].get("content") or ""), turns[-2]
        if earlier.get("role") != "user":
            return None
        again = await self.parser.parse(
            str(earlier.get("content") or ""), self.principal, self._context
        )
        question = question_reply(again.question, again.missing)
        return again if again.needs_answer and question.strip() in asked else None

    async def finish(self, ending: Ending) -> int:
        return 0
