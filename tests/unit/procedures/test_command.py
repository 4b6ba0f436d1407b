"""The declaration's command vocabulary: allowed values read from the input type, markup."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import BaseModel

from assistant import compose
from assistant.db.models import Role
from assistant.nlu.markup import parse_line
from assistant.procedures.command import Command, choices
from assistant.procedures.registry import procedure, unmarked


class Draft(BaseModel):
    purpose: Literal["follow_up", "reminder"]
    tone: Literal["warm"] | Literal["brief"] | None = None
    body: str = ""


def test_choices_are_the_literal_values_of_the_argument() -> None:
    assert choices(Draft, "purpose") == ("follow_up", "reminder")
    assert choices(Draft, "tone") == ("warm", "brief")
    assert choices(Draft, "body") == ()


def test_the_email_purposes_are_written_once_in_the_input_model() -> None:
    draft = compose.procedures().get("emails.draft")
    assert draft is not None and draft.command is not None
    [slot] = [s for s in draft.command.slots if s.name == "purpose"]
    assert choices(draft.input, slot.target[0]) == ("follow_up", "reminder", "welcome", "custom")
    assert slot.option in choices(draft.input, slot.target[0])
    assert {value for _, value in slot.synonyms} <= set(choices(draft.input, "purpose"))


def test_declared_examples_read_as_the_labelling_markup_reads_them() -> None:
    for proc in compose.procedures():
        for marked, plain in zip(proc.marked_examples, proc.examples, strict=True):
            assert parse_line(f"chat | {marked}").text == plain == unmarked(marked)


def test_the_classifier_needs_a_command_to_fill() -> None:
    with pytest.raises(ValueError, match="needs a command"):
        procedure(
            "things.do", summary="s", input=Draft, output=Draft, roles={Role.owner},
            classified=True,
        )  # fmt: skip
    assert Command(()).labels == frozenset()
