"""Replies made without a model: a failed call says what was asked in a person's words."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assistant import compose
from assistant.chat import templates
from assistant.procedures.approval_requests import ApprovalOut


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


def test_a_failure_reads_as_one_sentence() -> None:
    book = compose.procedures().get("appointments.book")
    assert book is not None
    said = templates.failure_reply(book, "You already have Omar Haddad from 2:00-2:30 pm")
    assert said == (
        "I could not book an appointment for a contact: you already have Omar Haddad "
        "from 2:00-2:30 pm"
    )
    assert templates.failure_reply(book, "API tokens are off").endswith(": API tokens are off")


def _approval(procedure: str, summary: str, detail: str) -> ApprovalOut:
    now = datetime(2026, 12, 7, tzinfo=UTC)
    return ApprovalOut(
        approval_id=4, procedure=procedure, args={}, summary=summary, detail=detail,
        requested_by=1, approver_roles=["owner", "practitioner"], status="pending",
        created_at=now, expires_at=now,
    )  # fmt: skip


def test_an_approval_reply_names_what_waits_as_the_approver_reads_it() -> None:
    delete = compose.procedures().get("contacts.delete")
    note = compose.procedures().get("notes.add")
    assert delete is not None and note is not None
    asked = _approval("contacts.delete", "contacts.delete (contact #51)", "Delete Ann Smith (#51)")
    assert templates.approval_reply(delete, asked).startswith(
        "This needs approval before it runs: Delete Ann Smith (#51). I sent request #4 to an "
        "owner or practitioner other than you"
    )
    # No wording of its own (a clinic's policy on a note): the summary, never the arguments.
    waits = _approval("notes.add", "notes.add (contact #8)", "Add a note (body=knee pain)")
    assert "notes.add (contact #8)" in templates.approval_reply(note, waits)
