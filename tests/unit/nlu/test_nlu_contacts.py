"""Known contacts found in a message, and folded into the NER's spans."""

from __future__ import annotations

import pytest

from assistant.nlu.contacts import ContactIndex, combine, linked, not_a_person
from assistant.nlu.model import Entity

CONTACTS = [
    (1, "Tom", "Reed"),
    (2, "Giulia", "Romano"),
    (3, "Chidi", "Okafor"),
    (4, "Sam", "Lee"),
    (5, "Sam", "Patel"),
    (6, "Antonín", "Dvořák"),
    (7, "Liam", "O'Brien"),
    (8, "Mark", "Young"),
]
VOCABULARY = frozenset({"book", "mark", "delete", "young", "call", "back", "done", "tomorrow"})


@pytest.fixture(scope="module")
def index() -> ContactIndex:
    return ContactIndex(CONTACTS)


def found(index: ContactIndex, text: str) -> list[tuple[str, set[int]]]:
    return [(text[m.start : m.end], set(m.ids)) for m in index.find(text, VOCABULARY)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("delete Tom Reed", [("Tom Reed", {1})]),
        ("DELETE TOM REED", [("TOM REED", {1})]),
        ("delete tom reed", [("tom reed", {1})]),
        ("show Giulia's record", [("Giulia", {2})]),  # first name alone, possessive
        ("Romano's appt", [("Romano", {2})]),  # surname alone
        ("call back Guilia Romano tomorrow", [("Guilia Romano", {2})]),  # a typo
        ("notes for antonin dvorak", [("antonin dvorak", {6})]),  # accents
        ("Liam O'Brien, same guy, new number", [("Liam O'Brien", {7})]),
        ("book Sam tomorrow", [("Sam", {4, 5})]),  # two contacts: a mention, not a choice
        ("Chidi Okafor VIP", [("Chidi Okafor", {3})]),
        ("book Mark Young", [("Mark Young", {8})]),  # command words, but a full name
    ],
)
def test_known_contacts_are_found(
    index: ContactIndex, text: str, expected: list[tuple[str, set[int]]]
) -> None:
    assert found(index, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "mark it as done",  # a command word that is also a first name
        "be young again",
        "same time tomorrow",  # "same" is one letter from "sam" but too short to be fuzzy
    ],
)
def test_common_words_are_not_names(index: ContactIndex, text: str) -> None:
    assert found(index, text) == []


def test_lower_case_text_finds_lower_case_names(index: ContactIndex) -> None:
    assert found(index, "remind me to ring giulia") == [("giulia", {2})]


def test_a_lone_lower_case_word_in_mixed_case_text_is_no_name(index: ContactIndex) -> None:
    assert found(index, "Please ring giulia") == []


def at(text: str, words: str, label: str) -> Entity:
    start = text.index(words)
    return Entity(label, words, start, start + len(words))


def test_a_match_trims_a_span_that_bled_over_its_neighbours(index: ContactIndex) -> None:
    text = "tag Chidi Okafor VIP"
    ner = [at(text, "Chidi Okafor VIP", "CONTACT")]
    out = combine("tags.add", text, ner, index.find(text, VOCABULARY), VOCABULARY)
    assert [(e.label, e.text) for e in out] == [("CONTACT", "Chidi Okafor")]


def test_a_match_the_ner_missed_becomes_the_contact(index: ContactIndex) -> None:
    text = "BOOK TOM REED MONDAY 10AM PHYSIO"
    ner = [at(text, "MONDAY", "DATE"), at(text, "10AM", "TIME")]
    out = combine("appointments.book", text, ner, index.find(text, VOCABULARY))
    assert [(e.label, e.text) for e in out] == [
        ("CONTACT", "TOM REED"), ("DATE", "MONDAY"), ("TIME", "10AM"),
    ]  # fmt: skip


def test_a_name_inside_a_task_title_stays_in_it_but_links_the_task(index: ContactIndex) -> None:
    text = "remind me to call back Giulia Romano tomorrow"
    ner = [at(text, "call back Giulia Romano", "BODY"), at(text, "tomorrow", "DATE")]
    matches = index.find(text, VOCABULARY)
    out = combine("tasks.create", text, ner, matches)
    assert [(e.label, e.text) for e in out] == [
        ("BODY", "call back Giulia Romano"), ("DATE", "tomorrow"),
    ]  # fmt: skip
    assert linked(matches) == 2


def test_new_names_from_the_ner_stay(index: ContactIndex) -> None:
    text = "add new client Oksana Petrenko"
    ner = [at(text, "Oksana Petrenko", "CONTACT")]
    assert combine("contacts.create", text, ner, index.find(text, VOCABULARY)) == ner


def test_no_link_when_two_contacts_could_be_meant(index: ContactIndex) -> None:
    assert linked(index.find("call Sam tomorrow", VOCABULARY)) is None


@pytest.mark.parametrize(
    ("text", "words", "noise"),
    [
        ("Cancel it for Tom", "it", True),
        ("Thank you Tom", "Thank", False),  # capitalised: could be a name
        ("Ok thank you, delete Tom", "delete", True),
        ("Delete Tom Reed", "Tom Reed", False),
    ],
)
def test_pronouns_and_command_words_are_not_people(text: str, words: str, noise: bool) -> None:
    entity = at(text, words, "CONTACT")
    assert not_a_person(entity, VOCABULARY | {"thank", "you"}, text) is noise


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("add new client Giulia Bianchi", "Giulia Bianchi"),  # shares a first name: new
        ("ADD NEW CLIENT GIULIA BIANCHI", "GIULIA BIANCHI"),
        ("merge E. Romano into Giulia Romano", "E. Romano"),  # an initial is part of a name
    ],
)
def test_a_longer_name_the_ner_found_is_not_cut_to_a_known_one(
    index: ContactIndex, text: str, name: str
) -> None:
    ner = [at(text, name, "CONTACT")]
    out = combine("contacts.create", text, ner, index.find(text, VOCABULARY), VOCABULARY)
    assert [e.text for e in out] == [name]
