"""The project's labelled data: the frozen test set is untouched and shares no text with
what the model learns from or is tuned on; the hand-written files parse."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

import pytest

from assistant.nlu.data import read_jsonl
from assistant.nlu.labels import INTENTS
from assistant.nlu.synth.generate import WRITTEN_DIR, generate, written

NLU_DIR = Path(__file__).resolve().parents[3] / "models" / "nlu"


# The issue's own examples must work, so training may contain them; so may short generic
# utterances ("ok", "who are you") that any two writers produce. Nothing longer may be shared.
ISSUE_EXAMPLES = (
    "add a note to Jane Doe: prefers morning sessions",
    "book Sam Lee for next Tuesday at 3pm for 45 minutes",
    "remind me to call Priya's insurer tomorrow",
    "what's on my schedule friday?",
    "change Tom Reed's phone to 415 555 0132",
    "tag Maria Garcia as vip",
    "delete the contact Ann Smith",
    "write a follow-up email to Omar about his missed appointment",
    "merge Jon Smith into John Smith",
    "thanks!",
    "what can you do?",
    "what's the difference between a task and an appointment?",
)
GENERIC_WORDS = 6
# Shared lines of test-v4.jsonl, known and reported beside its figures: the brief quoted the
# first as a reading of a hard case (as the v2 brief did: it is in the retired v2 set); the
# second, an FAQ, was written independently in train-messy.txt and the retired v2 set.
COINCIDENCES = (
    "can u remind me what you're able to do",
    "what's the difference between a note and a task",
)


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9'\-]+", " ", text.lower()).strip(" '-")


@pytest.fixture(scope="module")
def project_data() -> tuple[list, list]:
    return generate()


# The frozen test set: commissioned for issue #20's fourth round, scored once. The older ones
# (test, test-v2, test-v3) were retired into training (written/train-retired-*.txt).
FROZEN = (("test-v4.jsonl", "test-v4.sha256"),)


@pytest.mark.parametrize(("data", "record"), FROZEN)
def test_frozen_test_set_matches_its_recorded_sha256(data: str, record: str) -> None:
    recorded = (NLU_DIR / record).read_text(encoding="utf-8").split()[0]
    assert hashlib.sha256((NLU_DIR / data).read_bytes()).hexdigest() == recorded


@pytest.mark.parametrize("data", [data for data, _ in FROZEN])
def test_no_training_or_dev_text_occurs_in_the_test_set(
    project_data: tuple[list, list], data: str
) -> None:
    train, dev = project_data
    test = {_normal(e.text) for e in read_jsonl(NLU_DIR / data)}
    allowed = {_normal(text) for text in (*ISSUE_EXAMPLES, *COINCIDENCES)}
    shared = {_normal(e.text) for e in (*train, *dev)} & test
    leaked = sorted(t for t in shared - allowed if len(t.split()) > GENERIC_WORDS)
    assert not leaked


def test_hand_written_files_parse_and_cover_every_intent() -> None:
    files = sorted(WRITTEN_DIR.glob("*.txt"))
    assert files, "models/nlu/written/ has no hand-written files"
    for kind in ("train", "dev"):
        counts = Counter(e.intent for e in written(kind))
        assert set(counts) == set(INTENTS), f"{kind}: intents without examples"


def test_committed_datasets_are_what_the_generator_makes(
    project_data: tuple[list, list],
) -> None:
    train, dev = project_data
    assert [e.to_json() for e in read_jsonl(NLU_DIR / "train.jsonl")] == [
        e.to_json() for e in train
    ]
    assert [e.to_json() for e in read_jsonl(NLU_DIR / "dev.jsonl")] == [e.to_json() for e in dev]


def test_every_declared_example_is_training_data(project_data: tuple[list, list]) -> None:
    from assistant import compose

    train, _ = project_data
    learned = {(e.text, e.intent) for e in train}
    classified = [p for p in compose.procedures() if p.classified]
    assert all(p.examples for p in classified), "a classified procedure declares no example"
    missing = [
        (p.name, example)
        for p in classified
        for example in p.examples
        if (example, p.name) not in learned
    ]
    assert not missing
