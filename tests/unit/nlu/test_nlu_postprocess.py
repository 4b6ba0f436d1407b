"""Merge roles follow word order once the intent is known."""

from __future__ import annotations

import pytest

from assistant.nlu.model import Entity
from assistant.nlu.postprocess import merge_roles

JON, JOHN = Entity("CONTACT", "Jon Smith", 6, 15), Entity("CONTACT", "John Smith", 21, 31)


@pytest.mark.parametrize(
    "labels", [("CONTACT", "CONTACT"), ("DUPLICATE", "DUPLICATE"), ("CONTACT", "DUPLICATE")]
)
def test_first_person_of_a_merge_is_the_duplicate(labels: tuple[str, str]) -> None:
    found = [Entity(labels[0], JON.text, JON.start, JON.end),
             Entity(labels[1], JOHN.text, JOHN.start, JOHN.end)]  # fmt: skip
    fixed = merge_roles("contacts.merge", found)
    assert [(e.label, e.text) for e in fixed] == [("DUPLICATE", "Jon Smith"),
                                                  ("CONTACT", "John Smith")]  # fmt: skip


def test_other_intents_and_other_counts_are_left_alone() -> None:
    assert merge_roles("contacts.get", [JON, JOHN]) == [JON, JOHN]
    assert merge_roles("contacts.merge", [JON]) == [JON]
    date = Entity("DATE", "today", 40, 45)
    assert merge_roles("contacts.merge", [JON, date, JOHN])[1] == date
