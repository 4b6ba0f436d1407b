"""What the parser returns (DESIGN.md section 5) and the clarification it can wait on.

`ParseResult` keeps the contract's fields (intent, confidence, path, args, resolved, missing,
question) plus `candidates` (the numbered choices of a question) and `pending`: a plain JSON
object the chat stores between turns and hands back to `CommandParser.answer_clarification`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.procedures.registry import CHAT

ParsePath = Literal["classifier", "llm", "clarify"]
PendingKind = Literal["choose", "value", "intent", "confirm"]
CONTRACT_FIELDS = ("intent", "confidence", "path", "args", "resolved", "missing", "question")


class Candidate(BaseModel):
    """One numbered choice: a record id (contact, note, ...) or a procedure name."""

    id: int | str
    label: str


class Pending(BaseModel):
    """A question waiting for its answer; everything needed to finish the parse.

    `mentions` are the raw mentions (as the classifier or the LLM read them), `chosen` the ids
    already picked in earlier answers, `slot` what the question asks for; kind `confirm` is a
    yes/no question about the whole reading (assistant/commands/confirm.py).
    """

    version: Literal[1] = 1
    kind: PendingKind
    intent: str
    path: ParsePath
    confidence: float
    text: str
    slot: str | None = None
    mentions: dict[str, Any] = Field(default_factory=dict)
    chosen: dict[str, int] = Field(default_factory=dict)
    candidates: list[Candidate] = Field(default_factory=list)
    linked: int | None = None
    """The one known contact the text names: a task's client when the title names them."""


class ParseResult(BaseModel):
    intent: str
    confidence: float = 0.0
    path: ParsePath
    args: dict[str, Any] = Field(default_factory=dict)
    resolved: dict[str, Any] | None = None
    missing: list[str] = Field(default_factory=list)
    question: str | None = None
    candidates: list[Candidate] = Field(default_factory=list)
    pending: dict[str, Any] | None = Field(
        default=None, description="Keep between turns; pass to answer_clarification."
    )
    provider: str | None = Field(default=None, exclude=True)
    """The hosted provider the parser's model step went to, if one did (the chat says so)."""
    masked: int = Field(default=0, exclude=True)
    """How many identifiers that request had replaced."""

    @property
    def is_chat(self) -> bool:
        return self.intent == CHAT

    @property
    def needs_answer(self) -> bool:
        """A question is open, or a procedure was named but its arguments did not resolve."""
        return self.question is not None or (not self.is_chat and self.resolved is None)

    @property
    def is_call(self) -> bool:
        """A complete procedure call the executor can take (resolved may be None without a DB)."""
        return self.path != "clarify" and not self.is_chat

    def contract(self) -> dict[str, Any]:
        """The JSON object of `assistant parse --json`: the contract's fields and candidates."""
        data = self.model_dump(mode="json", exclude={"pending"})
        if not data["candidates"]:
            del data["candidates"]
        return data
