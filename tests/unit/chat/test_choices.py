"""A question's candidates become buttons whose reply picks them."""

from __future__ import annotations

from assistant.chat.parsing import choices
from assistant.commands import clarify
from assistant.commands.result import Candidate


def test_candidates_become_buttons_whose_reply_picks_them() -> None:
    found = [Candidate(id=1, label="Sam Lee"), Candidate(id=2, label="Sam Patel"),
             Candidate(id=3, label="Sam  Lee"), Candidate(id=4, label="Sam Ng")]  # fmt: skip
    buttons = choices(found)
    assert buttons == [
        {"label": "Sam Lee", "reply": "1"},
        {"label": "Sam Patel", "reply": "Sam Patel"},
        {"label": "Sam Lee", "reply": "3"},
        {"label": "Sam Ng", "reply": "Sam Ng"},
    ]
    assert [clarify.pick(found, b["reply"]) for b in buttons] == found
    assert choices(buttons) == buttons, "a stored question keeps its buttons"
