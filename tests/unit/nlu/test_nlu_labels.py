"""The classifier's intents and labels come from the procedures' declarations: no drift."""

from __future__ import annotations

from assistant import compose
from assistant.nlu.labels import CHAT, ENTITY_LABELS, INTENT_LABELS, INTENTS


def test_every_intent_is_a_classified_procedure_or_chat() -> None:
    registry = compose.procedures()
    assert INTENTS[-1] == CHAT
    assert list(INTENTS) == [p.name for p in registry if p.classified] + [CHAT]


def test_procedures_left_out_of_the_classifier_are_the_deliberate_ones() -> None:
    # Editing, listing and reading drafts, reading one task or appointment, and the bulk
    # enrichment are done from the API and the pages, not by a chat command.
    # Staff accounts, tokens, the audit trail and the policies are the owner's, from the CLI
    # and the admin pages; a job or a conversation is cancelled or deleted where it is shown.
    # Undo is a rule before the classifier ("undo that"), and so are its inverses: a task is
    # reopened or deleted by undoing, or from the API.
    names = {p.name for p in compose.procedures() if not p.internal}
    assert names - set(INTENTS) == {
        "emails.update",
        "emails.list",
        "emails.get",
        "tasks.get",
        "appointments.get",
        "contacts.enrich_all",
        "jobs.cancel",
        "conversations.delete",
        *(f"users.{n}" for n in ("list", "create", "disable", "set_role", "reset_password")),
        "users.directory",
        *(f"tokens.{n}" for n in ("create", "list", "revoke")),
        "audit.list",
        "audit.verify",
        "policies.list",
        "policies.set",
        "actions.undo",
        "tasks.reopen",
        "tasks.delete",
    }


def test_labels_per_intent_are_the_labels_its_slots_read() -> None:
    registry = compose.procedures()
    assert set(INTENT_LABELS) == set(INTENTS)
    assert INTENT_LABELS[CHAT] == frozenset()
    for intent in INTENTS[:-1]:
        command = registry.get(intent).command  # type: ignore[union-attr]
        assert command is not None
        assert INTENT_LABELS[intent] == {label for slot in command.slots for label in slot.labels}
        assert INTENT_LABELS[intent] <= set(ENTITY_LABELS), intent
