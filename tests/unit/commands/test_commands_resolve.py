"""Contact mentions against a practice's contacts; answers against numbered candidates."""

from __future__ import annotations

import pytest

from assistant.commands.clarify import pick
from assistant.commands.resolve import ContactDirectory, ContactRow, normalise_name
from assistant.commands.result import Candidate

ROWS = [
    ContactRow(1, "Jane", "Doe", "jane.doe@example.com", "12125550101"),
    ContactRow(2, "Sam", "Lee", None, "2125550102"),
    ContactRow(3, "Sam", "Patel", None, None),
    ContactRow(4, "Priya", "Nair", None, None),
    ContactRow(5, "John", "Smith", None, None),
    ContactRow(6, "Jon", "Smith", None, None),
    ContactRow(7, "Ann", "Smith", None, None),
    ContactRow(8, "José", "Álvarez", None, None),
    ContactRow(9, "Omar", "Haddad", None, None),
]
DIRECTORY = ContactDirectory(ROWS)


@pytest.mark.parametrize(
    ("mention", "expected"),
    [
        ("Jane Doe", 1),
        ("jane doe's", 1),
        ("Mrs Doe", 1),
        ("JANE.DOE@example.com", 1),
        ("+1 (212) 555-0101", 1),
        ("212 555 0101", 1),
        ("212.555.0102", 2),
        ("Priya", 4),
        ("Pria Nair", 4),
        ("Jon Smith", 6),
        ("John Smith", 5),
        ("jose alvarez", 8),
        ("Omer", 9),
        ("Priya Nayr", 4),
    ],
)
def test_mentions_resolve_to_one_contact(mention: str, expected: int) -> None:
    match = DIRECTORY.resolve(mention)
    assert match.one is not None, [r.name for r in match.rows]
    assert match.one.id == expected


@pytest.mark.parametrize(
    ("mention", "expected"),
    [("Sam", {2, 3}), ("Smith", {5, 6, 7}), ("Johnn Smith", {5, 6})],
)
def test_a_shared_name_is_ambiguous(mention: str, expected: set[int]) -> None:
    assert {r.id for r in DIRECTORY.resolve(mention).rows} == expected


@pytest.mark.parametrize("mention", ["Zed Unknown", "nobody@example.com", "555 999 9999", ""])
def test_unknown_mentions_match_nothing(mention: str) -> None:
    assert DIRECTORY.resolve(mention).rows == ()


def test_a_name_inside_a_title_links_only_when_unique() -> None:
    assert DIRECTORY.named_in("call Priya's insurer") == ROWS[3]
    assert DIRECTORY.named_in("call Sam about the invoice") is None
    assert DIRECTORY.named_in("order more towels") is None


def test_normalise_name_drops_honorifics_accents_and_possessives() -> None:
    assert normalise_name("Dr. José Álvarez's") == "jose alvarez"


OPTIONS = [Candidate(id=2, label="Sam Lee"), Candidate(id=3, label="Sam Patel")]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("2", 3),
        ("#1", 2),
        ("the second one", 3),
        ("first", 2),
        ("number 2", 3),
        ("last", 3),
        ("Sam Patel", 3),
        ("patel", 3),
        ("Lee", 2),
        ("sam lee please", 2),
    ],
)
def test_answers_pick_a_candidate(answer: str, expected: int) -> None:
    choice = pick(OPTIONS, answer)
    assert choice is not None and choice.id == expected


@pytest.mark.parametrize("answer", ["3", "Sam", "the other Sam", "tuesday"])
def test_answers_that_name_no_single_candidate_pick_nothing(answer: str) -> None:
    assert pick(OPTIONS, answer) is None


def test_yes_confirms_a_single_candidate() -> None:
    assert pick(OPTIONS[:1], "yes") == OPTIONS[0]
