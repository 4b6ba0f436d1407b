"""The generator: same seed, same data; every span valid; dev phrasings held out from train."""

from __future__ import annotations

from collections import Counter

import pytest

from assistant.nlu.data import dumps_jsonl, parse_example
from assistant.nlu.labels import ENTITY_LABELS, INTENTS
from assistant.nlu.synth.generate import dev_spec, generate, generate_split, train_spec


@pytest.fixture(scope="module")
def small_train() -> list:
    return generate_split(train_spec(per_intent=40, chat_count=80), seed=5)


@pytest.fixture(scope="module")
def small_dev() -> list:
    return generate_split(dev_spec(per_intent=20, chat_count=40), seed=6)


def test_same_seed_gives_identical_data(small_train: list) -> None:
    again = generate_split(train_spec(per_intent=40, chat_count=80), seed=5)
    assert dumps_jsonl(again) == dumps_jsonl(small_train)


def test_other_seed_gives_other_data(small_train: list) -> None:
    other = generate_split(train_spec(per_intent=40, chat_count=80), seed=6)
    assert dumps_jsonl(other) != dumps_jsonl(small_train)


@pytest.mark.parametrize("split", ["small_train", "small_dev"])
def test_every_span_is_valid_and_round_trips(split: str, request: pytest.FixtureRequest) -> None:
    for example in request.getfixturevalue(split):
        assert parse_example(example.to_json()) == example
        for span in example.entities:
            assert span.label in ENTITY_LABELS
            piece = example.text[span.start : span.end]
            assert piece == piece.strip() and piece


def test_every_intent_is_generated_with_the_requested_counts(small_train: list) -> None:
    counts = Counter(e.intent for e in small_train)
    assert set(counts) == set(INTENTS)
    assert counts["chat"] == 80
    assert all(counts[i] == 40 for i in INTENTS if i != "chat")


def test_project_dev_texts_do_not_appear_in_training() -> None:
    train, dev = generate()
    assert len(dev) > 1000
    assert not {e.text.lower() for e in dev} & {e.text.lower() for e in train}


def test_merge_commands_label_the_duplicate_and_the_kept_contact(small_train: list) -> None:
    merges = [e for e in small_train if e.intent == "contacts.merge"]
    for example in merges:
        labels = [s.label for s in example.entities]
        assert labels.count("DUPLICATE") == 1 and "CONTACT" in labels, example


def test_possessives_are_outside_the_contact_span(small_train: list) -> None:
    contacts = [
        e.text[s.start : s.end] for e in small_train for s in e.entities if s.label == "CONTACT"
    ]
    assert contacts and not any(c.endswith("'s") for c in contacts)
