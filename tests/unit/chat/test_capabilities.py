"""'What can you do?' lists what the caller's role may ask, with the procedures' examples."""

from __future__ import annotations

import pytest

from assistant import compose
from assistant.chat import capabilities
from assistant.db.models import Role


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("what can you do?", True),
        ("What can I ask", True),
        ("help", True),
        ("hi, what can you do for me?", True),
        ("help Jane Doe book a session", False),
        ("add a note: prefers mornings", False),
    ],
)
def test_recognises_the_question(text: str, asks: bool) -> None:
    assert capabilities.asks(text) is asks


@pytest.mark.parametrize(
    ("role", "offers_notes"),
    [(Role.practitioner, True), (Role.front_desk, False), (Role.viewer, False)],
)
def test_lists_only_what_the_role_may_run(role: Role, offers_notes: bool) -> None:
    registry = compose.procedures()
    reply = capabilities.reply(registry, role)
    assert ("add a note to Jane Doe" in reply) is offers_notes
    names = {c.name for c in capabilities.for_role(registry, role)}
    assert all(role in registry.get(n).roles for n in names)  # type: ignore[union-attr]
    assert "Find contacts" in reply and 'e.g. "find Sam"' in reply
