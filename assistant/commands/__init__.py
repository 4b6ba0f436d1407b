"""Command understanding: staff's plain English -> a procedure call, or a question back.

`CommandParser.parse` returns a `ParseResult` (DESIGN.md section 5); a result that asks
carries `pending`, which `CommandParser.answer_clarification` takes with the user's answer.
"""

from __future__ import annotations

from assistant.commands.llm import LLMOptions
from assistant.commands.parser import CommandParser
from assistant.commands.result import Candidate, ParseResult, Pending

__all__ = ["Candidate", "CommandParser", "LLMOptions", "ParseResult", "Pending"]
