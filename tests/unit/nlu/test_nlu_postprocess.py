"""The fix-ups applied once the intent is known follow the labelling guide."""

from __future__ import annotations

import pytest

from assistant.nlu.model import Entity
from assistant.nlu.postprocess import (
    drop_repeats,
    extend_note,
    join_body,
    join_names,
    keep_used,
    merge_roles,
    tidy,
    trim_body,
    whole_names,
)


def at(text: str, words: str, label: str) -> Entity:
    start = text.index(words)
    return Entity(label, words, start, start + len(words))


def spans(entities: list[Entity]) -> list[tuple[str, str]]:
    return [(e.label, e.text) for e in entities]


MERGE = "merge Jon Smith into John Smith"


@pytest.mark.parametrize(
    "labels", [("CONTACT", "CONTACT"), ("DUPLICATE", "DUPLICATE"), ("CONTACT", "DUPLICATE")]
)
def test_the_person_after_into_is_kept_whatever_the_ner_said(labels: tuple[str, str]) -> None:
    found = [at(MERGE, "Jon Smith", labels[0]), at(MERGE, "John Smith", labels[1])]
    assert spans(merge_roles("contacts.merge", MERGE, found)) == [
        ("DUPLICATE", "Jon Smith"),
        ("CONTACT", "John Smith"),
    ]


def test_keep_names_the_kept_record_even_when_written_first() -> None:
    text = "dedupe pls - keep Priyanka Sharma, merge P. Sharma into it"
    found = [at(text, "Priyanka Sharma", "DUPLICATE"), at(text, "P. Sharma", "CONTACT")]
    assert spans(merge_roles("contacts.merge", text, found)) == [
        ("CONTACT", "Priyanka Sharma"),
        ("DUPLICATE", "P. Sharma"),
    ]


@pytest.mark.parametrize(
    ("text", "duplicate", "kept"),
    [
        ("Thandiwe Nkosi has a duplicate entry as Thandi Nkosi", "Thandi Nkosi", "Thandiwe Nkosi"),
        ("Lisa Wong is a dupe of Lisa Wong-Harris", "Lisa Wong", "Lisa Wong-Harris"),
        ("merge Dmitri Volkov with his old record D Volkov", "D Volkov", "Dmitri Volkov"),
    ],
)
def test_a_duplicate_cue_names_the_record_merged_away(text: str, duplicate: str, kept: str) -> None:
    first, second = sorted((duplicate, kept), key=text.index)
    found = [at(text, first, "CONTACT"), at(text, second, "CONTACT")]
    roles = dict((e.text, e.label) for e in merge_roles("contacts.merge", text, found))
    assert roles == {duplicate: "DUPLICATE", kept: "CONTACT"}


def test_without_a_cue_distinct_roles_stay_and_equal_roles_follow_word_order() -> None:
    text = "Thandiwe Nkosi and Thandi Nkosi are the same person"
    distinct = [at(text, "Thandiwe Nkosi", "CONTACT"), at(text, "Thandi Nkosi", "DUPLICATE")]
    assert merge_roles("contacts.merge", text, distinct) == distinct
    same = [at(text, "Thandiwe Nkosi", "CONTACT"), at(text, "Thandi Nkosi", "CONTACT")]
    assert [e.label for e in merge_roles("contacts.merge", text, same)] == [
        "DUPLICATE",
        "CONTACT",
    ]


def test_merge_roles_leave_other_intents_and_counts_alone() -> None:
    jon, john = at(MERGE, "Jon Smith", "CONTACT"), at(MERGE, "John Smith", "CONTACT")
    assert merge_roles("contacts.get", MERGE, [jon, john]) == [jon, john]
    assert merge_roles("contacts.merge", MERGE, [jon]) == [jon]


def test_a_short_repeat_of_a_named_person_is_not_another_person() -> None:
    text = "we've got Bob Ferguson and Robert Ferguson - same guy. merge into Robert"
    found = [
        at(text, "Bob Ferguson", "DUPLICATE"),
        at(text, "Robert Ferguson", "CONTACT"),
        Entity("CONTACT", "Robert", len(text) - 6, len(text)),
    ]
    assert spans(drop_repeats("contacts.merge", text, found)) == [
        ("DUPLICATE", "Bob Ferguson"),
        ("CONTACT", "Robert Ferguson"),
    ]
    two = "merge Sam Lee into Sam"  # two people, as a merge takes: both stay
    pair = [at(two, "Sam Lee", "DUPLICATE"), Entity("CONTACT", "Sam", 19, 22)]
    assert drop_repeats("contacts.merge", two, pair) == pair
    note = "email Omar Haddad and tell Omar his results are in"
    said = [at(note, "Omar Haddad", "CONTACT"), Entity("CONTACT", "Omar", 27, 31)]
    assert spans(drop_repeats("emails.draft", note, said)) == [("CONTACT", "Omar Haddad")]


def test_a_name_split_at_its_hyphen_is_joined() -> None:
    text = "new client Yuki Tanaka-Reid"
    found = [at(text, "Yuki Tanaka", "CONTACT"), at(text, "Reid", "CONTACT")]
    assert spans(join_names("contacts.create", text, found)) == [("CONTACT", "Yuki Tanaka-Reid")]
    apart = "Ann Lee - Reid"
    found = [at(apart, "Ann Lee", "CONTACT"), at(apart, "Reid", "CONTACT")]
    assert join_names("contacts.get", apart, found) == found


@pytest.mark.parametrize(
    ("text", "found", "expected"),
    [
        ("Ms Rosalind Achterberg wants off our books", "Achterberg", "Rosalind Achterberg"),
        ("jot down for Li Na: mother visiting", "Li", "Li Na"),
        ("merge Dmitri Volkov with D Volkov", "Volkov", "D Volkov"),
        ("Wipe Kim Schultz from our records", "Kim Schultz", "Kim Schultz"),
        ("tag Maria Garcia VIP on Monday", "Maria Garcia", "Maria Garcia"),
        ("book Sam Lee Tuesday", "Sam Lee", "Sam Lee"),
        ("new patient form for Yuki Tanaka-Reid, dob 1979", "Yuki Tanaka", "Yuki Tanaka-Reid"),
        ("Shot Dr. Christoffersen a quick follow-up", "Shot Dr. Christoffersen", "Christoffersen"),
        ("email the results to Mrs Ana Lee", "Mrs Ana Lee", "Ana Lee"),
        ("note for Priya Nair - allergic to latex", "Priya Nair - allergic", "Priya Nair"),
        ("BOOK ANYA PETROVA MONDAY 9AM", "ANYA", "ANYA PETROVA"),
        ("JANE PHAM JUST BOOKED, ADD HER", "JANE", "JANE PHAM"),
        ("EMAIL JOHN ABOUT HIS BILL", "JOHN", "JOHN"),
        ("CALL ANA LEE TOMORROW", "ANA LEE", "ANA LEE"),
    ],
)
def test_a_mention_grows_over_name_words_beside_it_but_not_over_verbs_or_days(
    text: str, found: str, expected: str
) -> None:
    start = text.rindex(found)
    entity = Entity("CONTACT", found, start, start + len(found))
    assert spans(whole_names("contacts.get", text, [entity])) == [("CONTACT", expected)]


def test_pieces_of_a_note_and_a_date_inside_it_become_one_body() -> None:
    text = "note for Mira Shah: explored grief this week, tearful but engaged"
    found = [
        at(text, "Mira Shah", "CONTACT"),
        at(text, "explored grief", "BODY"),
        at(text, "this week", "DATE"),
        at(text, "tearful but engaged", "BODY"),
    ]
    assert spans(join_body("notes.add", text, found)) == [
        ("CONTACT", "Mira Shah"),
        ("BODY", "explored grief this week, tearful but engaged"),
    ]


def test_a_task_keeps_its_due_date_apart_from_its_title() -> None:
    text = "remind me to call the lab tomorrow"
    found = [at(text, "call the lab", "BODY"), at(text, "tomorrow", "DATE")]
    assert join_body("tasks.create", text, found) == found


@pytest.mark.parametrize(
    ("text", "body", "expected"),
    [
        ("note for Li Na: mother visiting next month, anticipates stress", "mother visiting",
         "mother visiting next month, anticipates stress"),
        ("Gunnar: sleep improved, PHQ-9 down to 8. pls add to his notes", "sleep improved",
         "sleep improved, PHQ-9 down to 8"),
        ("Eamon Doyle - homework daily - add that as a note", "homework", "homework daily"),
        ("note on Raj: prefers afternoons pls", "prefers", "prefers afternoons"),
    ],
)  # fmt: skip
def test_a_note_runs_to_the_end_of_its_sentence(text: str, body: str, expected: str) -> None:
    assert spans(extend_note("notes.add", text, [at(text, body, "BODY")])) == [("BODY", expected)]


def test_spans_the_intent_cannot_use_are_dropped() -> None:
    text = "tag Ana Silva as vip, she left the company"
    found = [at(text, "Ana Silva", "CONTACT"), at(text, "vip", "TAG"),
             at(text, "left the company", "BODY")]  # fmt: skip
    assert spans(keep_used("tags.add", text, found)) == [("CONTACT", "Ana Silva"), ("TAG", "vip")]
    assert keep_used("chat", text, found) == []


@pytest.mark.parametrize(
    ("intent", "text", "body", "expected"),
    [
        ("notes.add", "note for Jonas that he stopped sertraline.", "that he stopped sertraline.",
         "he stopped sertraline"),
        ("notes.delete", "delete Ana's note about the medication change",
         "about the medication change", "medication change"),
        ("notes.delete", "remove the knee brace note from Ana", "the knee brace note",
         "knee brace"),
        ("tasks.complete", "mark the fee schedule task complete", "the fee schedule task",
         "fee schedule"),
    ],
)  # fmt: skip
def test_body_leaves_out_lead_ins_and_record_words(
    intent: str, text: str, body: str, expected: str
) -> None:
    assert spans(trim_body(intent, text, [at(text, body, "BODY")])) == [("BODY", expected)]


def test_tidy_runs_every_fixup_and_offsets_stay_true() -> None:
    text = "add a note to Hannah Lee: discussed sleep, will try journaling. thanks"
    found = [at(text, "Hannah Lee", "CONTACT"), at(text, "discussed sleep", "BODY"),
             at(text, "will try", "BODY"), at(text, "thanks", "PURPOSE")]  # fmt: skip
    result = tidy("notes.add", text, found)
    assert spans(result) == [("CONTACT", "Hannah Lee"),
                             ("BODY", "discussed sleep, will try journaling")]  # fmt: skip
    assert all(text[e.start : e.end] == e.text for e in result)
