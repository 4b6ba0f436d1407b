"""What the chat needs of a command parser: one `ParseResult` type from the parser to the chat.

`assistant.commands.CommandParser` is a `TurnParser` as it is (assistant/chat/setup.py builds
it); `ChatOnlyParser` stands in where no parser may run (tests, a bare OpenAI-style server).
"""

from __future__ import annotations

from typing import Any, Protocol

from assistant.commands.page import PageContext
from assistant.commands.result import ParseResult
from assistant.procedures.context import Principal
from assistant.procedures.registry import CHAT

__all__ = ["ChatOnlyParser", "PageContext", "ParseResult", "TurnParser", "choices"]


def choices(candidates: Any) -> list[dict[str, str]]:
    """A parser's candidates ({id, label}) as buttons: the label is the answer when no other
    candidate shares it, else the number ("2"), which the parser reads as that choice."""
    found = [c if isinstance(c, dict) else {"label": getattr(c, "label", "")} for c in candidates]
    if found and all("reply" in c for c in found):  # already buttons (a stored question)
        return [{"label": str(c["label"]), "reply": str(c["reply"])} for c in found]
    labels = [" ".join(str(c.get("label", "")).split()) for c in found]
    folded = [label.casefold() for label in labels]
    return [
        {
            "label": label,
            "reply": label if label and folded.count(label.casefold()) == 1 else str(i),
        }
        for i, label in enumerate(labels, 1)
    ]


class TurnParser(Protocol):
    """The parser as the chat service sees it."""

    @property
    def status(self) -> str:
        """One line for /readyz: what the parser can do here."""
        ...

    async def parse(
        self, text: str, principal: Principal, context: PageContext | None = None
    ) -> ParseResult: ...

    async def answer(
        self,
        asked: ParseResult,
        text: str,
        principal: Principal,
        context: PageContext | None = None,
    ) -> ParseResult:
        """The user's reply to `asked.question`."""
        ...


class ChatOnlyParser:
    """Every message is chat."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    @property
    def status(self) -> str:
        return f"chat only: {self.reason}"

    async def parse(
        self, text: str, principal: Principal, context: PageContext | None = None
    ) -> ParseResult:
        return ParseResult(intent=CHAT, path="llm")

    async def answer(
        self,
        asked: ParseResult,
        text: str,
        principal: Principal,
        context: PageContext | None = None,
    ) -> ParseResult:
        return await self.parse(text, principal, context)
