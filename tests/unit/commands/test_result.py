"""One `ParseResult` from the parser to the chat: what needs an answer, and how it is kept."""

from __future__ import annotations

import pytest

from assistant.commands.result import Candidate, ParseResult


@pytest.mark.parametrize(
    ("result", "needs_answer"),
    [
        (ParseResult(intent="chat", path="classifier"), False),
        (ParseResult(intent="chat", path="clarify", question="Please rephrase."), True),
        (ParseResult(intent="tasks.list", path="classifier", resolved={}), False),
        (ParseResult(intent="notes.add", path="classifier"), True),  # named, not resolved
        (ParseResult(intent="notes.add", path="clarify", question="Which Sam?"), True),
    ],
)
def test_what_needs_an_answer(result: ParseResult, needs_answer: bool) -> None:
    assert result.needs_answer is needs_answer
    assert result.is_chat is (result.intent == "chat")


def test_a_stored_question_comes_back_whole() -> None:
    asked = ParseResult(
        intent="notes.add",
        confidence=0.9,
        path="clarify",
        args={"contact": "Sam"},
        question="Which Sam? 1. Sam Lee 2. Sam Patel",
        candidates=[Candidate(id=1, label="Sam Lee"), Candidate(id=2, label="Sam Patel")],
        pending={"version": 1, "kind": "choose", "intent": "notes.add"},
    )
    assert ParseResult.model_validate_json(asked.model_dump_json()) == asked
