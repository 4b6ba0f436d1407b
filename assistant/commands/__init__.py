"""Command understanding: staff's plain English -> a procedure call, or a question back.

`CommandParser.parse` returns a `ParseResult` (DESIGN.md section 5); a result that asks
carries `pending`; `CommandParser.answer` finishes it with the user's answer. The chat takes
the same `ParseResult` (assistant/chat/parsing.py).
"""

from __future__ import annotations

from assistant.commands.llm import LLMOptions
from assistant.commands.page import PageContext
from assistant.commands.parser import CommandParser
from assistant.commands.result import Candidate, ParseResult, Pending

__all__ = ["Candidate", "CommandParser", "LLMOptions", "PageContext", "ParseResult", "Pending"]
