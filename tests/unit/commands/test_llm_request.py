"""The parser's model request: what leads it (system prompt, tools) stays the same from one
command to the next, so an engine's prefix cache serves it."""

from __future__ import annotations

from datetime import UTC, datetime

from assistant import compose
from assistant.commands.llm import llm_request
from assistant.procedures.registry import Procedure


def _candidates() -> list[Procedure]:
    registry = compose.procedures()
    return [p for p in map(registry.get, ("notes.add", "tasks.create")) if p is not None]


def test_two_commands_minutes_apart_share_system_prompt_and_tools() -> None:
    first = llm_request(
        "add a note to Jane Doe: prefers mornings",
        _candidates(),
        now=datetime(2026, 3, 2, 9, 58, tzinfo=UTC),
        tz="UTC",
    )
    later = llm_request(
        "add a note to Sam Lee: allergic to latex",
        _candidates(),
        now=datetime(2026, 3, 2, 10, 1, tzinfo=UTC),
        tz="UTC",
    )
    assert first.messages[0] == later.messages[0]
    assert [t.to_openai() for t in first.tools] == [t.to_openai() for t in later.tools]
    assert first.messages[1] != later.messages[1]


def test_the_prompt_names_the_day_in_the_users_timezone() -> None:
    request = llm_request(
        "remind me tomorrow",
        _candidates(),
        now=datetime(2026, 3, 2, 23, 30, tzinfo=UTC),
        tz="Pacific/Auckland",
    )
    system = str(request.messages[0]["content"])
    assert "Today is Tuesday 03 March 2026 (Pacific/Auckland)." in system
    assert "23:30" not in system and "12:30" not in system
