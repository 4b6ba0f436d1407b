"""Replies made without a model: a failed call says what was asked in a person's words."""

from __future__ import annotations

import pytest

from assistant import compose
from assistant.chat import templates


@pytest.mark.parametrize(
    ("procedure", "reply"),
    [
        ("actions.undo", "I could not undo that: contact 9 not found"),
        (
            "contacts.enrich",
            "I could not look up a contact's details offline: contact 9 not found",
        ),
        ("emails.draft", "I could not draft an e-mail to a contact: contact 9 not found"),
        ("tasks.create", "I could not create a task: contact 9 not found"),
        (
            "appointments.book",
            "I could not book an appointment for a contact: contact 9 not found",
        ),
    ],
)
def test_a_failure_names_what_was_asked_without_the_summary_notes(
    procedure: str, reply: str
) -> None:
    proc = compose.procedures().get(procedure)
    assert proc is not None
    assert templates.failure_reply(proc, "contact 9 not found") == reply


def test_every_procedure_reads_as_a_short_request() -> None:
    for proc in compose.procedures():
        asked = templates.asked_to(proc)
        assert asked and asked[0].islower(), proc.name
        assert "(" not in asked and ":" not in asked, (proc.name, asked)
