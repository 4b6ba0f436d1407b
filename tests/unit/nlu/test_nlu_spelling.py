"""Spelling correction of the command vocabulary: command words only, offsets kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.nlu.data import Example, Span
from assistant.nlu.spelling import Speller, vocabulary, write_words

VOCABULARY = {
    "delete": 400, "cancel": 300, "search": 200, "remove": 250, "finished": 40,
    "appointments": 120, "patient": 150, "thank": 60, "the": 900, "record": 80,
    "person": 30, "email": 300, "task": 200, "deleet": 12,
}  # fmt: skip


@pytest.fixture(scope="module")
def speller() -> Speller:
    return Speller(VOCABULARY, names=["anya"])


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("delte Tom Reed", "delete Tom Reed"),
        ("cancle the appt", "cancel the appt"),
        ("serch for pateint Lee", "search for patient Lee"),
        ("remvoe the vip tag", "remove the vip tag"),
        ("DELTE OKSANA PETRENKO", "DELETE OKSANA PETRENKO"),
        ("Delte Oksana Petrenko", "Delete Oksana Petrenko"),
        ("show me appoinments", "show me appointments"),
        ("deleet it", "delete it"),  # a typo the training data has, far rarer than the word
    ],
)
def test_command_words_are_corrected(speller: Speller, text: str, fixed: str) -> None:
    assert speller.correct(text).text == fixed


@pytest.mark.parametrize(
    "text",
    [
        "book anya tomorrow",  # a name, though one letter from "any"
        "email jane.delte@example.com",  # part of an address
        "call 555 0102 delte2",  # joined to a number
        "note for Persan: wants a call",  # a capitalised word inside mixed-case text
        "remaining balance is paying off",  # real English words the domain does not use
        "she shouldnt be tagged",  # never drops a negation
    ],
)
def test_names_addresses_numbers_and_english_are_left_alone(speller: Speller, text: str) -> None:
    assert speller.correct(text).text == text


def test_protected_words_are_left_alone(speller: Speller) -> None:
    assert speller.correct("serch persan", protected={"persan"}).text == "search persan"


def test_offsets_map_back_to_the_original(speller: Speller) -> None:
    fixed = speller.correct("pls delte the recrod of Tom Reed")
    assert fixed.text == "pls delete the record of Tom Reed"
    start = fixed.text.index("Tom Reed")
    assert fixed.original_span(start, start + 8) == (24, 32)
    word = fixed.text.index("delete")
    assert fixed.original_span(word, word + 6) == (4, 9)
    assert fixed.original_span(word + 2, word + 4) == (4, 9)  # inside a word: the whole word


def test_the_vocabulary_leaves_people_and_addresses_out(tmp_path: Path) -> None:
    text = "delete Tom Reed tom@reed.example"
    example = Example(text, "contacts.delete", (Span(7, 15, "CONTACT"), Span(16, 32, "EMAIL")))
    words = vocabulary([example] * 3)
    assert "delete" in words["vocabulary"]  # type: ignore[operator]
    assert "reed" not in words["vocabulary"]  # type: ignore[operator]
    assert {"tom", "reed"} <= set(words["names"])  # type: ignore[call-overload]
    write_words(tmp_path, [example] * 3)
    loaded = Speller.load(tmp_path)
    assert loaded is not None and "delete" in loaded.known


def test_a_model_without_words_has_no_speller(tmp_path: Path) -> None:
    assert Speller.load(tmp_path) is None
