"""Deterministic fix-ups applied to the pipeline's output, where word order alone decides.

In a merge the contact written first is the one merged away ("merge Jon Smith into John
Smith", "Jon Smith is a duplicate of John Smith"); the NER sometimes labels both as CONTACT
because name-first sentences are mostly about the CONTACT elsewhere. With the intent known,
order settles it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.nlu.model import Entity

MERGE = "contacts.merge"
PERSON = frozenset({"CONTACT", "DUPLICATE"})


def merge_roles(intent: str, entities: list[Entity]) -> list[Entity]:
    """For a merge with exactly two person mentions: the first is DUPLICATE, the second CONTACT."""
    if intent != MERGE:
        return entities
    people = [e for e in entities if e.label in PERSON]
    if len(people) != 2:
        return entities
    roles = {id(people[0]): "DUPLICATE", id(people[1]): "CONTACT"}
    return [replace(e, label=roles[id(e)]) if id(e) in roles else e for e in entities]
