"""What the chat needs of a command parser: one `ParseResult` type from the parser to the chat.

`assistant.commands.CommandParser` is a `TurnParser` as it is (assistant/chat/setup.py builds
it); `ChatOnlyParser` stands in where no parser may run (tests, a bare OpenAI-style server).
"""

from __future__ import annotations

from typing import Protocol

from assistant.commands.page import PageContext
from assistant.commands.result import ParseResult
from assistant.procedures.context import Principal
from assistant.procedures.registry import CHAT

__all__ = ["ChatOnlyParser", "PageContext", "ParseResult", "TurnParser"]


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
