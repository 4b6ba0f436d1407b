"""The classifier's intents are procedures the registry declares (plus `chat`): no drift."""

from __future__ import annotations

from assistant.nlu.labels import CHAT, INTENTS
from assistant.procedures.registry import load_registry


def test_every_intent_is_a_declared_procedure_or_chat() -> None:
    declared = set(load_registry().intent_labels())
    assert CHAT in INTENTS
    assert set(INTENTS) <= declared, set(INTENTS) - declared


def test_procedures_left_out_of_the_classifier_are_the_deliberate_ones() -> None:
    # Editing and listing drafts and the bulk enrichment are done from the API and the pages,
    # not by a chat command.
    assert set(load_registry().names()) - set(INTENTS) == {
        "emails.update",
        "emails.list",
        "contacts.enrich_all",
    }


def test_labels_per_intent_are_the_labels_its_slots_read() -> None:
    from assistant.commands.slots import SPECS
    from assistant.nlu.labels import INTENT_LABELS

    assert set(INTENT_LABELS) == set(INTENTS)
    for intent in INTENTS:
        read = (
            {label for slot in SPECS[intent].slots for label in slot.labels}
            if intent in SPECS
            else set()
        )
        assert INTENT_LABELS[intent] == read, intent
