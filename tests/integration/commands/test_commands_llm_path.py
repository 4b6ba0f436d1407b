"""The LLM path: mention-level tool calls resolved to ids against a real database.

The ScriptedEngine answers with the tool call a model would make (validated against the
offered tools exactly like a model's); the parser must resolve its mentions, validate them
with the procedure's input model, or ask back.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from assistant import compose
from assistant.commands import CommandParser, PageContext, ParseResult
from inference.base import ChatRequest
from inference.scripted import ScriptedEngine, ScriptedReply
from tests.plugins.commands import Clinic

Expected = Callable[[Clinic], dict[str, Any]]


async def scripted(*calls: tuple[str, dict[str, Any]]) -> ScriptedEngine:
    engine = ScriptedEngine(script=[ScriptedReply(tool_calls=[call]) for call in calls])
    await engine.start()
    return engine


def parser_for(clinic: Clinic, engine: ScriptedEngine | None) -> CommandParser:
    return CommandParser(None, engine, compose.procedures(), clinic.sessions, clinic.clock())


async def llm_parse(
    clinic: Clinic,
    tool: str,
    args: dict[str, Any],
    *,
    role: str = "practitioner",
    context: PageContext | None = None,
) -> ParseResult:
    engine = await scripted((tool, args))
    return await parser_for(clinic, engine).parse("(the user's words)", clinic.users[role], context)


CASES: list[tuple[str, dict[str, Any], str, Expected]] = [
    ("notes_add", {"contact": "Jane Doe", "body": "prefers morning sessions"}, "notes.add",
     lambda c: {"contact_id": c.contacts["Jane Doe"], "body": "prefers morning sessions"}),
    ("appointments_book",
     {"contact": "Sam Lee", "starts_at": "next Tuesday at 3pm", "duration_minutes": "45 minutes"},
     "appointments.book",
     lambda c: {"contact_id": c.contacts["Sam Lee"], "starts_at": "2025-03-11T15:00:00-04:00",
                "duration_minutes": 45}),
    ("tasks_create", {"title": "call Priya's insurer", "due_at": "tomorrow"}, "tasks.create",
     lambda c: {"title": "call Priya's insurer", "due_at": "2025-03-09T09:00:00-04:00",
                "assignee_id": c.users["practitioner"].user_id,
                "contact_id": c.contacts["Priya Nair"]}),
    ("appointments_list", {"date": "friday", "mine": True}, "appointments.list",
     lambda c: {"date_from": "2025-03-14T00:00:00-04:00", "date_to": "2025-03-15T00:00:00-04:00",
                "mine": True}),
    ("contacts_update", {"contact": "Tom Reed", "phone": "415 555 0132"}, "contacts.update",
     lambda c: {"contact_id": c.contacts["Tom Reed"], "phone": "415 555 0132"}),
    ("tags_add", {"contact": "Maria Garcia", "tag": "VIP"}, "tags.add",
     lambda c: {"contact_id": c.contacts["Maria Garcia"], "tag": "vip"}),
    ("contacts_delete", {"contact": "Ann Smith"}, "contacts.delete",
     lambda c: {"contact_id": c.contacts["Ann Smith"]}),
    ("emails_draft",
     {"contact": "Omar", "purpose": "follow_up", "instructions": "about his missed appointment"},
     "emails.draft",
     lambda c: {"contact_id": c.contacts["Omar Haddad"], "purpose": "follow_up",
                "instructions": "about his missed appointment"}),
    ("contacts_merge", {"contact": "John Smith", "duplicate": "Jon Smith"}, "contacts.merge",
     lambda c: {"contact_id": c.contacts["John Smith"], "duplicate_id": c.contacts["Jon Smith"]}),
    ("appointments_cancel", {"contact": "Sam Lee", "appointment": "Tuesday"},
     "appointments.cancel", lambda c: {"appointment_id": c.records["sam_tuesday"]}),
    ("tasks_complete", {"task": "insurance call", "contact": "Priya"}, "tasks.complete",
     lambda c: {"task_id": c.records["priya_task"]}),
    ("notes_delete", {"contact": "Jane Doe", "note": "the last one"}, "notes.delete",
     lambda c: {"note_id": c.records["jane_note_new"]}),
    ("notes_delete", {"contact": "Jane", "note": "knee brace"}, "notes.delete",
     lambda c: {"note_id": c.records["jane_note_old"]}),
    ("notes_list", {"contact": "jane.doe@example.com"}, "notes.list",
     lambda c: {"contact_id": c.contacts["Jane Doe"]}),
    ("contacts_get", {"contact": "212 555 0101"}, "contacts.get",
     lambda c: {"contact_id": c.contacts["Jane Doe"]}),
    ("contacts_search", {"query": "Smith"}, "contacts.search", lambda c: {"query": "Smith"}),
    ("tasks_list", {"mine": True, "status": "open"}, "tasks.list",
     lambda c: {"mine": True, "status": "open"}),
    ("contacts_create",
     {"name": "Lena Kowalski", "email": "lena@example.com", "phone": "0412 555 019"},
     "contacts.create",
     lambda c: {"first_name": "Lena", "last_name": "Kowalski", "email": "lena@example.com",
                "phone": "0412 555 019"}),
    ("emails_update", {"contact": "Omar", "draft": "follow up", "subject": "See you soon"},
     "emails.update", lambda c: {"draft_id": c.records["omar_draft"], "subject": "See you soon"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("tool", "args", "intent", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
async def test_mentions_from_the_llm_resolve_to_ids(
    clinic: Clinic, tool: str, args: dict[str, Any], intent: str, expected: Expected
) -> None:
    result = await llm_parse(clinic, tool, args)
    assert (result.intent, result.path, result.question) == (intent, "llm", None), result
    assert result.resolved == expected(clinic)
    assert json.loads(json.dumps(result.contract())) == result.contract()


async def test_the_llm_may_answer_chat(clinic: Clinic) -> None:
    result = await llm_parse(clinic, "chat", {})
    assert (result.intent, result.path, result.resolved) == ("chat", "llm", None)


async def test_tools_carry_mentions_never_ids_and_only_what_the_role_may_call(
    clinic: Clinic,
) -> None:
    engine = await scripted(("chat", {}))
    for role in ("front_desk", "viewer"):
        await parser_for(clinic, engine).parse("hello", clinic.users[role])
    offered: list[ChatRequest] = engine.requests
    front_desk = {t.name for t in offered[0].tools}
    viewer = {t.name for t in offered[1].tools}
    assert "notes_add" not in front_desk and "appointments_book" in front_desk
    assert viewer == {"contacts_get", "contacts_search", "tasks_list", "appointments_list", "chat"}
    for tool in offered[0].tools:
        params = tool.parameters["properties"]
        assert not [p for p in params if p.endswith("_id")], tool.name
    assert offered[0].tool_choice == "required"


@pytest.mark.parametrize(
    ("tool", "args", "missing"),
    [
        ("notes_add", {"contact": "Zed Unknown", "body": "x"}, ["contact"]),
        ("notes_add", {"contact": "Jane Doe"}, ["body"]),
        ("appointments_book", {"contact": "Sam Lee", "starts_at": "blurgh"}, ["starts_at"]),
        ("contacts_update", {"contact": "Tom Reed", "phone": "12"}, ["phone"]),
        ("tags_add", {"contact": "Maria Garcia", "tag": "!!"}, ["tag"]),
        ("tasks_complete", {"task": "walk the dog"}, ["task"]),
    ],
)
async def test_arguments_that_do_not_resolve_or_validate_ask_back(
    clinic: Clinic, tool: str, args: dict[str, Any], missing: list[str]
) -> None:
    result = await llm_parse(clinic, tool, args)
    assert (result.path, result.resolved, result.missing) == ("clarify", None, missing)
    assert result.question and result.pending is not None


async def test_a_call_that_breaks_the_tool_schema_is_a_question_not_an_error(
    clinic: Clinic,
) -> None:
    result = await llm_parse(clinic, "tasks_list", {"mine": "yes please"})
    assert (result.path, result.resolved) == ("clarify", None)
    assert result.question


async def test_ambiguous_contact_lists_candidates_and_the_answer_completes_it(
    clinic: Clinic,
) -> None:
    me = clinic.users["practitioner"]
    parser = parser_for(
        clinic,
        await scripted(("appointments_book", {"contact": "Sam", "starts_at": "friday 10am"})),
    )
    asked = await parser.parse("book Sam friday 10am", me)
    assert asked.question == "Which Sam? 1. Sam Lee 2. Sam Patel"
    assert [c.id for c in asked.candidates] == [
        clinic.contacts["Sam Lee"],
        clinic.contacts["Sam Patel"],
    ]
    pending = json.loads(json.dumps(asked.pending))  # what the chat stores between turns
    for answer, who in (
        ("the second one", "Sam Patel"),
        ("2", "Sam Patel"),
        ("Sam Lee", "Sam Lee"),
    ):
        done = await parser.answer_clarification(pending, answer, me)
        assert (done.path, done.intent) == ("llm", "appointments.book")
        assert done.resolved == {
            "contact_id": clinic.contacts[who],
            "starts_at": "2025-03-14T10:00:00-04:00",
        }
    again = await parser.answer_clarification(pending, "hmm", me)
    assert again.path == "clarify" and again.pending == pending


async def test_a_missing_time_is_asked_and_the_answer_keeps_the_day(clinic: Clinic) -> None:
    me = clinic.users["practitioner"]
    parser = parser_for(
        clinic, await scripted(("appointments_book", {"contact": "Sam Lee", "starts_at": "friday"}))
    )
    asked = await parser.parse("book Sam Lee on friday", me)
    assert asked.question == "At what time on Friday 14 March?"
    assert asked.missing == ["starts_at"]
    done = await parser.answer_clarification(asked.pending or {}, "3pm", me)
    assert done.resolved == {"contact_id": clinic.contacts["Sam Lee"],
                             "starts_at": "2025-03-14T15:00:00-04:00"}  # fmt: skip


async def test_an_ambiguous_record_lists_candidates(clinic: Clinic) -> None:
    me = clinic.users["practitioner"]
    parser = parser_for(clinic, await scripted(("appointments_cancel", {"contact": "Sam Lee"})))
    asked = await parser.parse("cancel Sam Lee's appointment", me)
    assert asked.path == "clarify" and len(asked.candidates) == 2
    assert asked.question is not None and asked.question.startswith(
        "Which appointment? 1. Tue 11 Mar"
    )
    done = await parser.answer_clarification(asked.pending or {}, "the second one", me)
    assert done.resolved == {"appointment_id": clinic.records["sam_thursday"]}


async def test_the_page_contact_fills_an_unnamed_client(clinic: Clinic) -> None:
    result = await llm_parse(
        clinic, "notes_add", {"body": "call back Monday"},
        context=PageContext(contact_id=clinic.contacts["Priya Nair"]),
    )  # fmt: skip
    assert result.resolved == {
        "contact_id": clinic.contacts["Priya Nair"],
        "body": "call back Monday",
    }


async def test_without_a_classifier_or_an_llm_it_asks_to_rephrase(clinic: Clinic) -> None:
    result = await parser_for(clinic, None).parse("tag Maria as vip", clinic.users["owner"])
    assert (result.intent, result.path) == ("chat", "clarify")
    assert result.question
