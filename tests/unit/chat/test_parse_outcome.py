"""ParseOutcome accepts the parser's result as a mapping or an object."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.chat.parsing import ParseOutcome


@dataclass
class Result:
    intent: str
    confidence: float
    path: str
    args: dict[str, Any]
    resolved: dict[str, Any] | None
    missing: list[str] = field(default_factory=list)
    question: str | None = None


def test_from_object_and_mapping_agree() -> None:
    obj = Result("notes.add", 0.9, "clarify", {"contact": "Sam"}, None, ["contact"], "Which Sam?")
    a = ParseOutcome.of(obj)
    b = ParseOutcome.of(a.as_dict())
    assert a == b and a.raw is obj and a.needs_answer
    assert ParseOutcome.of({"intent": "chat"}).is_chat


def test_resolved_call_needs_no_answer() -> None:
    done = ParseOutcome.of({"intent": "tasks.list", "path": "classifier", "resolved": {}})
    assert not done.needs_answer and done.path == "classifier"


def test_candidates_become_buttons_whose_reply_picks_them() -> None:
    from assistant.chat.parsing import ParseOutcome, choices
    from assistant.commands import clarify
    from assistant.commands.result import Candidate

    found = [Candidate(id=1, label="Sam Lee"), Candidate(id=2, label="Sam Patel"),
             Candidate(id=3, label="Sam  Lee"), Candidate(id=4, label="Sam Ng")]  # fmt: skip
    buttons = ParseOutcome.of({"intent": "notes.add", "candidates": found}).candidates
    assert buttons == [
        {"label": "Sam Lee", "reply": "1"},
        {"label": "Sam Patel", "reply": "Sam Patel"},
        {"label": "Sam Lee", "reply": "3"},
        {"label": "Sam Ng", "reply": "Sam Ng"},
    ]
    assert [clarify.pick(found, b["reply"]) for b in buttons] == found
    assert choices(buttons) == buttons, "a stored question keeps its buttons"
