"""The co-pilot's label sets, shared by data, training and evaluation: one place, no drift.

The intents and which entity labels each one's arguments are read from are not written
here: they come from the procedures' declarations (`classified=True` and their command's
slots), read from the composed registry on first use. The entity labels are the NLU's own
vocabulary (models/nlu/LABELLING.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from assistant.procedures.registry import CHAT, Registry, declared

if TYPE_CHECKING:
    INTENTS: tuple[str, ...]
    """The classifier's intents: every procedure it knows, then `chat`."""
    INTENT_LABELS: Mapping[str, frozenset[str]]
    """Per intent, the entity labels its arguments are filled from; a span of any other
    label cannot become an argument of that intent."""

__all__ = ["CHAT", "ENTITY_LABELS", "INTENTS", "INTENT_LABELS", "PERSON_LABELS"]

# The labels of the people a command names.
PERSON_LABELS = frozenset({"CONTACT", "DUPLICATE"})

ENTITY_LABELS: tuple[str, ...] = (
    "CONTACT",
    "DUPLICATE",
    "BODY",
    "DATE",
    "TIME",
    "DURATION",
    "EMAIL",
    "PHONE",
    "TAG",
    "PURPOSE",
)


@cache
def classified() -> Registry:
    """The procedures the classifier knows: the CRM's only (administration, jobs and
    conversations are left out on purpose), read from their modules rather than from the
    composition root, which imports the chat that imports this package.
    tests/unit/nlu/test_nlu_labels.py holds their intents equal to the composed registry's."""
    from assistant import crm

    registry = Registry()
    for proc in declared(crm.MODULES):
        registry.add(proc)
    return registry


@cache
def _declared() -> tuple[tuple[str, ...], Mapping[str, frozenset[str]]]:
    registry = classified()
    return tuple(registry.intents()), registry.intent_labels()


def __getattr__(name: str) -> Any:
    if name == "INTENTS":
        return _declared()[0]
    if name == "INTENT_LABELS":
        return _declared()[1]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
