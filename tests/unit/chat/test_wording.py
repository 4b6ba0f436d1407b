"""What finished calls say: a person's sentence in the user's zone and locale."""

from __future__ import annotations

from typing import Any

import pytest

from assistant import compose
from assistant.chat.wording import WORDINGS, Said, words
from assistant.when import Clock

REGISTRY = compose.procedures()
LA = "America/Los_Angeles"
APPOINTMENT = {
    "id": 4, "contact_id": 7, "starts_at": "2026-12-08T23:00:00+00:00",
    "ends_at": "2026-12-08T23:45:00+00:00", "status": "booked",
}  # fmt: skip


def said(data: dict[str, Any], args: dict[str, Any] | None = None, **kw: Any) -> Said:
    clock = Clock.of(kw.pop("tz", LA), kw.pop("locale", "en-GB"))
    return Said(data, args or {}, clock, kw.pop("names", {7: "Sam Lee"}), **kw)


def summary(name: str, data: dict[str, Any], **kw: Any) -> str:
    proc = REGISTRY.get(name)
    assert proc is not None
    return words(proc, said(data, **kw)).summary


@pytest.mark.parametrize(
    ("locale", "tz", "expected"),
    [
        ("en-GB", LA, "Booked Sam Lee for Tue 8 Dec, 3:00-3:45 pm"),
        ("en-US", LA, "Booked Sam Lee for Tue, Dec 8, 3:00-3:45 pm"),
        ("de-DE", "Europe/Berlin", "Booked Sam Lee for Wed 9 Dec, 00:00-00:45"),
        ("", "UTC", "Booked Sam Lee for Tue 8 Dec, 11:00-11:45 pm"),
    ],
)
def test_booking_reads_in_the_users_zone_and_locale(locale: str, tz: str, expected: str) -> None:
    assert summary("appointments.book", APPOINTMENT, locale=locale, tz=tz) == expected


def test_a_span_across_noon_names_both_halves() -> None:
    clock = Clock.of("UTC", "en-GB")
    from datetime import UTC, datetime

    start = datetime(2026, 12, 8, 11, 30, tzinfo=UTC)
    end = datetime(2026, 12, 8, 12, 15, tzinfo=UTC)
    assert clock.span(start, end) == "11:30 am-12:15 pm"


@pytest.mark.parametrize(
    ("name", "data", "args", "expected"),
    [
        ("notes.add", {"id": 1, "contact_id": 7, "body": "secret"}, {},
         "Added a note to Sam Lee's record"),
        ("appointments.cancel", {**APPOINTMENT, "status": "cancelled"}, {},
         "Cancelled Sam Lee's appointment on Tue 8 Dec, 3:00-3:45 pm"),
        ("contacts.create", {"id": 7, "full_name": "Maria Lopez"}, {},
         "Added Maria Lopez as a new contact"),
        ("tags.add", {"id": 7, "full_name": "Sam Lee"}, {"tag": "vip"}, "Tagged Sam Lee as vip"),
        ("tags.remove", {"id": 7, "full_name": "Sam Lee"}, {"tag": "vip"},
         "Removed the vip tag from Sam Lee"),
        ("contacts.search", {"items": [], "total": 0}, {}, "No contacts match"),
        ("emails.draft", {"contact_id": 7, "purpose": "follow_up", "status": "pending"}, {},
         "Drafting a follow-up e-mail to Sam Lee in the background"),
        ("tasks.create", {"title": "Call the insurer", "due_at": "2026-12-09T17:00:00+00:00"}, {},
         'Added the task "Call the insurer", due Wed 9 Dec, 9:00 am'),
    ],
)  # fmt: skip
def test_summaries_read_as_sentences(
    name: str, data: dict[str, Any], args: dict[str, Any], expected: str
) -> None:
    assert summary(name, data, args=args) == expected


def test_every_procedure_with_examples_has_its_wording() -> None:
    missing = [p.name for p in REGISTRY if p.examples and p.name not in WORDINGS]
    assert missing == []


def test_a_list_reply_shows_its_items() -> None:
    proc = REGISTRY.get("appointments.list")
    assert proc is not None
    data = {"items": [APPOINTMENT, {**APPOINTMENT, "id": 5, "contact_id": 9}], "total": 12}
    reply = words(proc, said(data, names={7: "Sam Lee", 9: "Jane Doe"})).reply
    assert reply.splitlines() == [
        "12 appointments, soonest first:",
        "- Tue 8 Dec, 3:00-3:45 pm: Sam Lee",
        "- Tue 8 Dec, 3:00-3:45 pm: Jane Doe",
        "- and 10 more",
    ]


@pytest.mark.parametrize(("clinical", "shown"), [(True, True), (False, False)])
def test_note_text_only_for_roles_that_may_read_it(clinical: bool, shown: bool) -> None:
    proc = REGISTRY.get("notes.list")
    assert proc is not None
    note = {"id": 1, "contact_id": 7, "body": "knee better", "created_at": APPOINTMENT["starts_at"]}
    out = words(proc, said({"items": [note], "total": 1}, {"contact_id": 7}, clinical=clinical))
    assert ("knee better" in out.reply) is shown
    assert "knee better" not in out.summary


@pytest.mark.parametrize(
    ("locale", "born"),
    [("en-GB", "- Born: 4 Mar 1985"), ("en-US", "- Born: Mar 4, 1985")],
)
def test_a_contact_asked_for_is_shown_in_the_reply_not_the_card(locale: str, born: str) -> None:
    """ "what's Jane's phone number" is answered in the reply; the card keeps the name only."""
    proc = REGISTRY.get("contacts.get")
    assert proc is not None
    jane = {
        "id": 1, "full_name": "Jane Doe", "phone": "+1 415 555 0101", "email": None,
        "date_of_birth": "1985-03-04", "address": "", "tags": ["vip", "new-client"],
    }  # fmt: skip
    found = words(proc, said(jane, locale=locale))
    assert found.summary == "Here is Jane Doe"
    assert found.reply.splitlines() == [
        "Here is Jane Doe:",
        "- Phone: +1 415 555 0101",
        born,
        "- Tags: vip, new-client",
    ]
    bare = words(proc, said({"id": 2, "full_name": "Ann Lee", "tags": []}))
    assert bare.reply == "Here is Ann Lee."
