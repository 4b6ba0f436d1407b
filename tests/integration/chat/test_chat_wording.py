"""A finished command reads as a person would write it, in the user's zone and locale, in the
stream's events and in the stored reply alike."""

from __future__ import annotations

import pytest

from assistant.commands import ParseResult
from tests.integration.chat.conftest import ChatHarness
from tests.plugins.app import Member
from tests.plugins.chat import turn
from tests.plugins.records import Records


@pytest.mark.parametrize(
    ("locale", "when"),
    [("en-US", "Tue, Dec 8, 3:00-3:45 pm"), ("en-GB", "Tue 8 Dec, 3:00-3:45 pm")],
)
async def test_a_booking_reads_in_the_users_time_zone_and_locale(
    chat: ChatHarness, staff: dict[str, Member], locale: str, when: str
) -> None:
    member = staff["front_desk"]  # America/New_York
    contact = await Records(chat.http, member).contact(first_name="Sam")  # type: ignore[arg-type]
    message = f"book {contact['full_name']} tuesday 3pm for 45 minutes ({locale})"
    chat.parser.outcomes[message] = ParseResult(
        intent="appointments.book",
        confidence=0.97,
        path="classifier",
        args={"contact": contact["full_name"], "when": "tuesday 3pm", "duration": "45 minutes"},
        resolved={
            "contact_id": contact["id"],
            "starts_at": "2026-12-08T20:00:00+00:00",
            "duration_minutes": 45,
        },
    )
    events = await turn(chat.http, member, message, page="contacts.list", locale=locale)
    expected = f"Booked {contact['full_name']} for {when}"
    [result] = [e.data for e in events if e.event == "action.result"]
    assert result["ok"] is True and result["summary"] == expected
    said = "".join(e.data["text"] for e in events if e.event == "message.delta")
    assert said == expected + "."
    assert "2026-12-08T" not in said and "done" not in said
