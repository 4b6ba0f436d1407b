"""What an action's undo looks like, in the words the cards and the API show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assistant import compose
from assistant.db.models import Action
from assistant.procedures.ledger import undo_state
from assistant.procedures.undo import Irreversible, cannot_undo

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def _row(**fields: object) -> Action:
    defaults: dict[str, object] = {
        "user_id": 1, "procedure": "notes.add", "status": "done",
        "undo": {"kept": {"note_id": 1}}, "undo_until": NOW + timedelta(minutes=5),
    }  # fmt: skip
    return Action(**{**defaults, **fields})


@pytest.mark.parametrize(
    ("fields", "cannot", "reason"),
    [
        ({}, None, None),
        ({"status": "undone"}, None, "already undone"),
        ({"status": "pending"}, None, "it did not run (pending)"),
        ({"status": "failed"}, None, "it did not run (failed)"),
        (
            {},
            "an e-mail that was sent cannot be unsent",
            "an e-mail that was sent cannot be unsent",
        ),
        (
            {"undo": None, "undo_until": None},
            None,
            "it changed nothing, so there is nothing to undo",
        ),
        ({"undo_until": NOW}, None, "the undo window has closed"),
        ({"undo": None, "undo_until": NOW}, None, "the undo window has closed"),
        (
            {"undo": {"purged": "erased"}},
            None,
            "what undo needed was erased with a deleted contact",
        ),
    ],
)
def test_undo_state_says_why_not(
    fields: dict[str, object], cannot: str | None, reason: str | None
) -> None:
    state = undo_state(_row(**fields), NOW, cannot)
    assert state["available"] is (reason is None)
    if reason is not None:
        assert state["reason"] == reason  # words a person reads: no timestamp, no code name


def test_an_email_already_sent_says_it_cannot_be_undone() -> None:
    send = compose.procedures().get("emails.send")
    assert send is not None and isinstance(send.undo, Irreversible)
    assert cannot_undo("emails.send", send.undo) == "an e-mail that was sent cannot be unsent"
    assert cannot_undo("contacts.get", None) == "there is no undo for this kind of change"


def test_the_invertible_procedures_are_the_issues() -> None:
    from assistant.procedures.undo import Reversal

    declared = {p.name for p in compose.procedures() if isinstance(p.undo, Reversal)}
    assert declared == {
        "notes.add", "tags.add", "tags.remove", "contacts.update", "tasks.create",
        "tasks.complete", "appointments.book", "contacts.merge",
    }  # fmt: skip
