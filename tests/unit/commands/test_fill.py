"""assistant/commands/fill.py: each slot kind's resolver, table-driven, and `fill` itself.

Literal kinds need no database (session None); contacts and records resolve against the
seeded clinic (tests/plugins/commands.py: Saturday 8 March 2025, noon in New York).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from assistant.commands.fill import Env, Filled, fill
from assistant.compose import procedures
from assistant.procedures.command import Command, Kind, Slot
from assistant.procedures.context import Principal
from assistant.procedures.registry import Procedure
from tests.plugins.commands import NOW, TZ, Clinic

TOMORROW_9 = "2025-03-09T09:00:00-04:00"  # after the DST change
ME = Principal(7, "me@clinic.example.com", "practitioner", TZ)  # type: ignore[arg-type]
PROCEDURES = procedures()


def _proc(name: str, *slots: Slot, **command: Any) -> Procedure:
    """A real procedure said with an ad-hoc command (the slots under test, nothing else)."""
    real = PROCEDURES.get(name)
    assert real is not None, name
    return replace(real, command=Command(slots, **command))


def _real(name: str) -> Procedure:
    proc = PROCEDURES.get(name)
    assert proc is not None and proc.command is not None, name
    return proc


PURPOSE = _real("emails.draft").command.slot("purpose")  # type: ignore[union-attr]
assert PURPOSE is not None and PURPOSE.kind == "choice"


def _slot(kind: Kind, *target: str, **extra: Any) -> Slot:
    return Slot(name=target[0] if target else kind, kind=kind, description="", target=target,
                **extra)  # fmt: skip


async def _fill(
    slot: Slot,
    raw: Any,
    text: str = "",
    *,
    session: Any = None,
    procedure: str = "emails.draft",  # its input model gives a choice slot its values
    **env: Any,
) -> Filled:
    proc = _proc(procedure, slot)
    return await fill(proc, {slot.name: raw}, Env(ME, NOW, text, session, **env))


@pytest.mark.parametrize(
    ("slot", "raw", "text", "resolved"),
    [
        (_slot("text", "body"), "“prefers mornings”", "", {"body": "prefers mornings"}),
        (_slot("email", "email"), " jd@example.com ", "", {"email": "jd@example.com"}),
        (_slot("when", "starts_at"), "tomorrow at 9am", "", {"starts_at": TOMORROW_9}),
        # A time alone: today while it is ahead (now is noon), else tomorrow.
        (_slot("when", "starts_at"), "5pm", "", {"starts_at": "2025-03-08T17:00:00-05:00"}),
        (_slot("when", "starts_at"), "9am", "", {"starts_at": TOMORROW_9}),
        (_slot("when", "due_at"), "monday", "", {"due_at": "2025-03-10T09:00:00-04:00"}),
        (_slot("range", "date_from", "date_to"), "friday", "",
         {"date_from": "2025-03-14T00:00:00-04:00", "date_to": "2025-03-15T00:00:00-04:00"}),
        (_slot("before", "due_before"), "friday", "", {"due_before": "2025-03-15T00:00:00-04:00"}),
        (_slot("birthdate", "date_of_birth"), "4 July 1980", "", {"date_of_birth": "1980-07-04"}),
        (_slot("duration", "duration_minutes"), "45 minutes", "", {"duration_minutes": 45}),
        (_slot("duration", "duration_minutes"), 30, "", {"duration_minutes": 30}),
        (_slot("tag", "tag"), "New Client", "", {"tag": "new-client"}),
        (_slot("tags", "tags"), "vip, new and old", "", {"tags": ["vip", "new", "old"]}),
        (PURPOSE, None, "write a follow-up to Omar", {"purpose": "follow_up"}),
        (PURPOSE, None, "remind Jane of her visit", {"purpose": "reminder"}),
        (PURPOSE, "welcome", "about a follow-up", {"purpose": "welcome"}),
        (PURPOSE, None, "an e-mail to Jane", {"purpose": "custom"}),
        (_slot("name", "name"), "Jane  Doe", "", {"first_name": "Jane", "last_name": "Doe"}),
        (_slot("flag", "mine", option=r"\bmy\b"), None, "what's on my schedule", {"mine": True}),
        (_slot("flag", "mine", option=r"\bmy\b"), None, "what's on the schedule", {}),
        (_slot("status", "status"), None, "show the finished tasks", {"status": "done"}),
        (_slot("status", "status"), None, "show all tasks", {"status": "all"}),
        (_slot("status", "status"), "open", "show all tasks", {"status": "open"}),
    ],
)  # fmt: skip
async def test_literal_resolvers(slot: Slot, raw: Any, text: str, resolved: dict[str, Any]) -> None:
    filled = await _fill(slot, raw, text)
    assert filled.ask is None and not filled.offline
    assert filled.resolved == resolved


@pytest.mark.parametrize(
    ("slot", "raw", "question"),
    [
        (_slot("when", "starts_at"), "someday maybe", "I couldn't read the date “someday maybe”."),
        (_slot("when", "starts_at", option="needs_time"), "monday",
         "At what time on Monday 10 March?"),
        (_slot("birthdate", "date_of_birth"), "soon", "I couldn't read the date “soon”."),
        (_slot("duration", "duration_minutes"), "a while", "I couldn't read the length “a while”."),
        (_slot("tag", "tag"), "!!!", "“!!!” can't be a tag"),
        (_slot("text", "body", required=True, question="What should the note say?"), "“”",
         "What should the note say?"),
    ],
)  # fmt: skip
async def test_what_cannot_be_read_is_asked_about(slot: Slot, raw: Any, question: str) -> None:
    filled = await _fill(slot, raw)
    assert filled.ask is not None and filled.ask.slot == slot.name
    assert filled.ask.question.startswith(question), filled.ask.question
    assert filled.ask.kind == "value"


async def test_a_missing_required_mention_asks_and_an_optional_one_is_skipped() -> None:
    body = _slot("text", "body", required=True, question="What should the note say?")
    tag = _slot("tag", "tag")
    filled = await fill(_proc("notes.add", tag, body), {}, Env(ME, NOW, "", None))
    assert filled.ask is not None and filled.ask.question == "What should the note say?"
    assert filled.resolved == {}


async def test_fill_stops_at_the_first_question_with_what_it_has() -> None:
    proc = _proc(
        "appointments.book",
        _slot("when", "starts_at"),
        _slot("duration", "duration_minutes"),
        defaults={"duration_minutes": 30},
    )
    env = Env(ME, NOW, "", None)
    asked = await fill(proc, {"starts_at": "tomorrow at 9am", "duration_minutes": "ages"}, env)
    assert asked.ask is not None and asked.resolved == {"starts_at": TOMORROW_9}
    done = await fill(proc, {"starts_at": "tomorrow at 9am"}, env)
    assert done.ask is None and done.resolved["duration_minutes"] == 30  # the command's default


async def test_a_task_is_the_callers_and_finds_its_client_in_the_title(clinic: Clinic) -> None:
    me = clinic.users["practitioner"]
    proc = _real("tasks.create")  # its command finishes by linking the task
    async with clinic.sessions() as session:
        env = Env(me, NOW, "", session)
        filled = await fill(proc, {"title": "call Priya Nair about the claim"}, env)
    assert filled.resolved == {
        "title": "call Priya Nair about the claim",
        "assignee_id": me.user_id,
        "contact_id": clinic.contacts["Priya Nair"],
    }


CONTACT = _slot("contact", "contact_id", required=True, question="Which contact?")


async def test_a_contact_without_a_database_stays_unresolved() -> None:
    filled = await _fill(CONTACT, "Jane Doe")
    assert filled.offline and filled.ask is None
    assert filled.args == {"contact_id": "Jane Doe"} and filled.resolved == {}


@pytest.mark.parametrize(
    ("raw", "page", "expected"),
    [
        ("her", 42, 42),  # a pronoun means the contact on the page
        (None, 42, 42),
        (None, None, None),  # nothing said, no page: asked
    ],
)
async def test_a_contact_from_the_page(
    raw: str | None, page: int | None, expected: int | None
) -> None:
    filled = await _fill(CONTACT, raw, page_contact=page)
    if expected is None:
        assert filled.ask is not None and filled.ask.question == "Which contact?"
    else:
        assert filled.ask is None and filled.resolved == {"contact_id": expected}


async def test_contacts_resolve_by_name_ask_between_namesakes_and_say_when_unknown(
    clinic: Clinic,
) -> None:
    async with clinic.sessions() as session:
        one = await _fill(CONTACT, "Jane Doe", session=session, page_contact=None)
        two = await _fill(CONTACT, "Sam", session=session)
        none = await _fill(CONTACT, "Zelda Quux", session=session)
        chosen = await _fill(CONTACT, "Sam", session=session,
                             chosen={"contact_id": clinic.contacts["Sam Patel"]})  # fmt: skip
    assert one.ask is None and one.resolved == {"contact_id": clinic.contacts["Jane Doe"]}
    assert two.ask is not None and two.ask.kind == "choose"
    assert two.ask.question == "Which Sam? 1. Sam Lee 2. Sam Patel"
    assert [c.id for c in two.ask.candidates] == [
        clinic.contacts["Sam Lee"],
        clinic.contacts["Sam Patel"],
    ]
    assert none.ask is not None
    assert none.ask.question.startswith("I couldn't find a contact called “Zelda Quux”")
    assert chosen.ask is None and chosen.resolved == {"contact_id": clinic.contacts["Sam Patel"]}


async def test_records_resolve_by_contact_and_day_and_ask_between_several(clinic: Clinic) -> None:
    me = clinic.users["practitioner"]
    proc = _real("appointments.cancel")  # a contact, then an appointment record of theirs
    async with clinic.sessions() as session:
        said = "cancel Sam Lee's Tuesday appointment"
        tuesday = await fill(proc, {"contact": "Sam Lee", "appointment": "tuesday"},
                             Env(me, NOW, said, session))  # fmt: skip
        either = await fill(proc, {"contact": "Sam Lee"},
                            Env(me, NOW, "cancel Sam Lee's appointment", session))  # fmt: skip
        offline = await fill(proc, {"contact": "Sam Lee", "appointment": "tuesday"},
                             Env(me, NOW, "", None))  # fmt: skip
    assert tuesday.ask is None
    assert tuesday.resolved == {
        "contact_id": clinic.contacts["Sam Lee"],
        "appointment_id": clinic.records["sam_tuesday"],
    }
    assert either.ask is not None and either.ask.kind == "choose"
    assert {c.id for c in either.ask.candidates} == {
        clinic.records["sam_tuesday"],
        clinic.records["sam_thursday"],
    }
    assert offline.offline and offline.ask is None and "appointment_id" not in offline.resolved
