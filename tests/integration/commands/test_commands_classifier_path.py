"""The classifier path with the test NLU model and a real database.

PHRASINGS is the fixed list of obvious commands the model must get right: its first choice
is the expected intent and the parser turns it into a direct call with exactly the expected
arguments. A model that gets one wrong fails here (a regression is a failure, not a skip).
CONFIDENT is the part it must also be sure of: above its calibrated threshold.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from assistant import compose
from assistant.commands import CommandParser, PageContext
from assistant.nlu.model import NLUModel
from tests.plugins.commands import Clinic

Expected = Callable[[Clinic], dict[str, Any]]


@pytest.fixture(scope="module")
def eager(nlu_model_dir: Any) -> NLUModel:
    """The same model accepting its first choice: exercises the fast path on every phrasing."""
    return NLUModel(nlu_model_dir, threshold=0.0)


PHRASINGS: list[tuple[str, str, Expected]] = [
    ("add a note to Jane Doe: prefers morning sessions", "notes.add",
     lambda c: {"contact_id": c.contacts["Jane Doe"], "body": "prefers morning sessions"}),
    ("note for Priya Nair - allergic to latex", "notes.add",
     lambda c: {"contact_id": c.contacts["Priya Nair"], "body": "allergic to latex"}),
    ("book Sam Lee for next Tuesday at 3pm for 45 minutes", "appointments.book",
     lambda c: {"contact_id": c.contacts["Sam Lee"], "starts_at": "2025-03-11T15:00:00-04:00",
                "duration_minutes": 45}),
    ("schedule Omar Haddad tomorrow at 9am", "appointments.book",
     lambda c: {"contact_id": c.contacts["Omar Haddad"], "starts_at": "2025-03-09T09:00:00-04:00"}),
    ("what's on my schedule friday?", "appointments.list",
     lambda c: {"date_from": "2025-03-14T00:00:00-04:00", "date_to": "2025-03-15T00:00:00-04:00",
                "mine": True}),
    ("change Tom Reed's phone to 415 555 0132", "contacts.update",
     lambda c: {"contact_id": c.contacts["Tom Reed"], "phone": "415 555 0132"}),
    ("update Jane Doe's email to jd@example.com", "contacts.update",
     lambda c: {"contact_id": c.contacts["Jane Doe"], "email": "jd@example.com"}),
    ("tag Maria Garcia as vip", "tags.add",
     lambda c: {"contact_id": c.contacts["Maria Garcia"], "tag": "vip"}),
    ("delete the contact Ann Smith", "contacts.delete",
     lambda c: {"contact_id": c.contacts["Ann Smith"]}),
    ("write a follow-up email to Omar about his missed appointment", "emails.draft",
     lambda c: {"contact_id": c.contacts["Omar Haddad"], "purpose": "follow_up",
                "instructions": "about his missed appointment"}),
    ("merge Jon Smith into John Smith", "contacts.merge",
     lambda c: {"contact_id": c.contacts["John Smith"], "duplicate_id": c.contacts["Jon Smith"]}),
    ("show Jane Doe's notes", "notes.list", lambda c: {"contact_id": c.contacts["Jane Doe"]}),
    ("cancel Sam Lee's Tuesday appointment", "appointments.cancel",
     lambda c: {"appointment_id": c.records["sam_tuesday"]}),
]  # fmt: skip


CONFIDENT = [
    "add a note to Jane Doe: prefers morning sessions",
    "book Sam Lee for next Tuesday at 3pm for 45 minutes",
    "what's on my schedule friday?",
    "write a follow-up email to Omar about his missed appointment",
    "show Jane Doe's notes",
]


@pytest.mark.parametrize(("text", "intent", "expected"), PHRASINGS, ids=[p[0] for p in PHRASINGS])
async def test_the_first_choice_becomes_a_call_with_the_right_arguments(
    clinic: Clinic, eager: NLUModel, text: str, intent: str, expected: Expected
) -> None:
    # Any margin will do: this is about the arguments (the margin has a test of its own).
    parser = CommandParser(
        eager, None, compose.procedures(), clinic.sessions, clinic.clock(), margin=0.0
    )
    result = await parser.parse(text, clinic.users["practitioner"])
    assert eager.parse(text).intent == intent
    assert (result.intent, result.path, result.question) == (intent, "classifier", None), result
    assert result.resolved == expected(clinic)


@pytest.mark.parametrize("text", CONFIDENT)
async def test_obvious_commands_pass_the_calibrated_threshold(
    clinic: Clinic, nlu_model: NLUModel, text: str
) -> None:
    intent, expected = next((i, e) for t, i, e in PHRASINGS if t == text)
    said = nlu_model.parse(text)
    assert (said.intent, nlu_model.accepts(said)) == (intent, True), said
    parser = CommandParser(nlu_model, None, compose.procedures(), clinic.sessions, clinic.clock())
    result = await parser.parse(text, clinic.users["practitioner"])
    assert (result.path, result.resolved) == ("classifier", expected(clinic))


async def test_a_first_name_shared_by_two_contacts_is_asked_about_and_answered(
    clinic: Clinic, eager: NLUModel
) -> None:
    me = clinic.users["practitioner"]
    parser = CommandParser(eager, None, compose.procedures(), clinic.sessions, clinic.clock())
    text = "book Sam for tomorrow at 9am"
    asked = await parser.parse(text, me)
    assert asked.intent == "appointments.book"
    assert asked.question == "Which Sam? 1. Sam Lee 2. Sam Patel"
    done = await parser.answer_clarification(asked.pending or {}, "Sam Patel", me)
    assert done.path == "classifier"
    assert done.resolved == {"contact_id": clinic.contacts["Sam Patel"],
                             "starts_at": "2025-03-09T09:00:00-04:00"}  # fmt: skip


@pytest.mark.parametrize("answer", ["Sam Patel", "oh I meant sam patel", "the second one"])
async def test_an_answer_naming_a_candidate_picks_it(
    clinic: Clinic, eager: NLUModel, answer: str
) -> None:
    me = clinic.users["practitioner"]
    parser = CommandParser(eager, None, compose.procedures(), clinic.sessions, clinic.clock())
    asked = await parser.parse("add a note to Sam: prefers mornings", me)
    assert asked.question == "Which Sam? 1. Sam Lee 2. Sam Patel"
    done = await parser.answer_clarification(asked.pending or {}, answer, me)
    assert done.intent == "notes.add"
    assert done.resolved == {"contact_id": clinic.contacts["Sam Patel"], "body": "prefers mornings"}


async def test_a_new_command_naming_a_candidate_is_that_command_not_the_choice(
    clinic: Clinic, eager: NLUModel
) -> None:
    """ "tag Sam Lee as vip" said to "which Sam?" of "show me Sam" tags him; it does not
    show Sam Lee and drop the tag (or a delete, said the same way)."""
    me = clinic.users["practitioner"]
    parser = CommandParser(eager, None, compose.procedures(), clinic.sessions, clinic.clock())
    asked = await parser.parse("show me Sam", me)
    assert asked.intent == "contacts.get" and asked.question == "Which Sam? 1. Sam Lee 2. Sam Patel"
    done = await parser.answer_clarification(asked.pending or {}, "tag Sam Lee as vip", me)
    assert done.intent == "tags.add"
    assert done.resolved == {"contact_id": clinic.contacts["Sam Lee"], "tag": "vip"}


async def test_a_low_confidence_guess_is_one_yes_no_question_about_the_top_reading(
    clinic: Clinic, nlu_model: NLUModel
) -> None:
    me = clinic.users["practitioner"]
    doubtful = copy.copy(nlu_model)  # the same pipeline, but no guess is confident enough
    doubtful.threshold = 1.01
    parser = CommandParser(doubtful, None, compose.procedures(), clinic.sessions, clinic.clock())
    asked = await parser.parse("tag Maria Garcia as vip", me)
    assert (asked.intent, asked.path) == ("tags.add", "clarify")
    assert asked.question and asked.question.endswith("for Maria Garcia?"), asked.question
    assert [c.label for c in asked.candidates] == ["Yes", "No"]
    done = await parser.answer(asked, "Yes", me)
    assert (done.path, done.resolved) == (
        "classifier", {"contact_id": clinic.contacts["Maria Garcia"], "tag": "vip"},
    )  # fmt: skip
    declined = await parser.answer(asked, "No", me)
    assert (declined.intent, declined.resolved) == ("chat", None)


async def test_a_destructive_reading_without_a_clear_margin_is_asked_first(
    clinic: Clinic, eager: NLUModel
) -> None:
    me = clinic.users["owner"]
    parser = CommandParser(
        eager, None, compose.procedures(), clinic.sessions, clinic.clock(), margin=1.01
    )  # no margin is clear enough
    asked = await parser.parse("delete the contact ann smith", me)
    assert asked.intent == "contacts.delete" and asked.resolved is None
    assert asked.question == "Delete Ann Smith's record? (it will need approval)"
    assert [c.label for c in asked.candidates] == ["Yes", "No"]
    done = await parser.answer(asked, "yes", me)
    assert (done.path, done.resolved) == (
        "classifier",
        {"contact_id": clinic.contacts["Ann Smith"]},
    )
    clear = CommandParser(eager, None, compose.procedures(), clinic.sessions, clinic.clock(),
                          margin=0.0)  # fmt: skip
    direct = await clear.parse("delete the contact Ann Smith", me)
    assert (direct.path, direct.question) == ("classifier", None)


@pytest.mark.parametrize(
    "text",
    [
        "remind me to call back Priya Nair tomorrow",
        "remind me to call back priya nari tomorrow",  # a typo in the surname
    ],
)
async def test_a_task_that_names_a_known_client_is_linked_to_them(
    clinic: Clinic, eager: NLUModel, text: str
) -> None:
    parser = CommandParser(eager, None, compose.procedures(), clinic.sessions, clinic.clock())
    result = await parser.parse(text, clinic.users["practitioner"])
    assert (result.intent, result.path) == ("tasks.create", "classifier"), result
    assert result.resolved is not None
    assert result.resolved["contact_id"] == clinic.contacts["Priya Nair"]
    assert "call back" in result.resolved["title"].lower()


async def test_the_page_contact_and_a_missing_body(clinic: Clinic, eager: NLUModel) -> None:
    me = clinic.users["practitioner"]
    parser = CommandParser(eager, None, compose.procedures(), clinic.sessions, clinic.clock())
    page = PageContext(contact_id=clinic.contacts["Jane Doe"])
    asked = await parser.parse("add a note to Jane Doe", me, page)
    assert asked.intent == "notes.add"
    assert (asked.path, asked.missing) == ("clarify", ["body"])
    done = await parser.answer_clarification(asked.pending or {}, "knee much better", me, page)
    assert done.resolved == {"contact_id": clinic.contacts["Jane Doe"], "body": "knee much better"}


async def test_a_role_that_may_not_call_the_procedure_is_told_so(
    clinic: Clinic, eager: NLUModel
) -> None:
    parser = CommandParser(eager, None, compose.procedures(), clinic.sessions, clinic.clock())
    text = "add a note to Jane Doe: prefers morning sessions"
    result = await parser.parse(text, clinic.users["front_desk"])
    assert result.intent == "notes.add"
    assert (result.path, result.resolved) == ("clarify", None)
    assert result.question == "As front desk, you may not add a clinical note to a contact."


@pytest.mark.parametrize("text", ["thanks!", "what can you do?"])
async def test_plain_conversation_is_chat(clinic: Clinic, nlu_model: NLUModel, text: str) -> None:
    parser = CommandParser(nlu_model, None, compose.procedures(), clinic.sessions, clinic.clock())
    result = await parser.parse(text, clinic.users["practitioner"])
    assert nlu_model.parse(text).intent == "chat"
    assert (result.intent, result.resolved, result.question) == ("chat", None, None)
