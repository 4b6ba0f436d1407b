"""The shipped command model and the destructive margin agree (assistant/commands/confirm.py):
no dev command whose intent is not destructive is read as a destructive one clearly enough to
be taken without a yes/no question. Retraining the model or moving the margin re-checks it."""

from __future__ import annotations

import pytest

from assistant.commands.confirm import DESTRUCTIVE, MARGIN, clear, margin
from assistant.nlu.build import DEV_DATA, SHIPPED_MODEL
from assistant.nlu.data import read_jsonl
from assistant.nlu.model import NLUModel

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def readings() -> list[tuple[str, str, float, bool]]:
    model = NLUModel(SHIPPED_MODEL)
    found = []
    for example in read_jsonl(DEV_DATA):
        result = model.parse(example.text)
        found.append((example.intent, result.intent, margin(result), clear(result)))
    return found


def test_no_dev_command_is_taken_as_a_destructive_one_it_is_not(
    readings: list[tuple[str, str, float, bool]],
) -> None:
    acted = [
        (gold, read, round(lead, 3))
        for gold, read, lead, taken in readings
        if read in DESTRUCTIVE and gold not in DESTRUCTIVE and taken
    ]
    assert acted == [], f"taken without asking at margin {MARGIN}"


def test_most_right_destructive_readings_are_taken_without_a_question(
    readings: list[tuple[str, str, float, bool]],
) -> None:
    right = [taken for gold, read, _, taken in readings if read == gold and gold in DESTRUCTIVE]
    assert len(right) > 300
    assert sum(right) / len(right) >= 0.8
