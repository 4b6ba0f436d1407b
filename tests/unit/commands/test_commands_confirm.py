"""When a destructive reading may be taken, and the yes/no question asked otherwise."""

from __future__ import annotations

import pytest

from assistant import compose
from assistant.commands import confirm
from assistant.nlu.model import NLUResult


def reading(intent: str, top: float, runner_up: float) -> NLUResult:
    return NLUResult(intent, top, [(intent, top), ("contacts.get", runner_up)])


@pytest.mark.parametrize(
    ("intent", "top", "runner_up", "clear"),
    [
        ("contacts.delete", 0.9, 0.05, True),
        ("contacts.delete", 0.6, 0.35, False),
        ("emails.send", 0.5, 0.45, False),
        ("contacts.get", 0.5, 0.45, True),  # not destructive: the threshold alone decides
    ],
)
def test_a_destructive_reading_needs_a_clear_margin(
    intent: str, top: float, runner_up: float, clear: bool
) -> None:
    assert confirm.clear(reading(intent, top, runner_up)) is clear


@pytest.mark.parametrize(
    ("intent", "names", "question"),
    [
        ("contacts.delete", {"contact": "Tom Reed"},
         "Delete Tom Reed's record? (it will need approval)"),
        ("contacts.merge", {"contact": "John Smith", "duplicate": "Jon Smith"},
         "Merge Jon Smith into John Smith? (it will need approval)"),
        ("appointments.cancel", {"contact": "Sam Lee", "when": "tuesday"},
         "Cancel Sam Lee's appointment (tuesday)?"),
        ("notes.delete", {"contact": "Jane Doe", "words": "knee brace"},
         "Delete the note about knee brace on Jane Doe?"),
        ("emails.send", {"contact": "Omar Haddad"},
         "Send the e-mail to Omar Haddad? (it will need approval)"),
    ],
)  # fmt: skip
def test_the_question_names_the_reading(intent: str, names: dict[str, str], question: str) -> None:
    proc = compose.procedures().get(intent)
    assert proc is not None
    assert confirm.question(proc, names) == question


def test_other_intents_are_asked_by_their_summary() -> None:
    proc = compose.procedures().get("tags.add")
    assert proc is not None
    assert confirm.question(proc, {"contact": "Maria Garcia"}).endswith(" for Maria Garcia?")


@pytest.mark.parametrize(
    ("said", "meaning"),
    [("Yes", "yes"), ("yep!", "yes"), ("go ahead", "yes"), ("No", "no"), ("nope", "no"),
     ("what?", None), ("delete Sam instead", None)],
)  # fmt: skip
def test_yes_and_no_answers(said: str, meaning: str | None) -> None:
    assert confirm.answer(said) == meaning


def test_the_mention_is_named_as_the_contact_is_stored() -> None:
    names = confirm.names_for({"contact": "tom reed"}, {"tom reed": "Tom Reed"})
    assert names == {"contact": "Tom Reed"}
