"""A contact's appointments on their page come a page at a time, soonest first, with a pager
that keeps to its own parameter and lands back on the section. An event that lands while the
page reads (a lookup ending) is replayed by its live stream."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from assistant.db.models import User
from assistant.procedures.context import Principal
from assistant.procedures.executor import Done, Executor
from assistant.runtime import Runtime
from server.pages import contacts as contact_pages
from server.pages.contacts import APPOINTMENTS_PAGE, sections
from tests.plugins.app import Member

Client = AsyncTestClient[Litestar]
BOOKED = APPOINTMENTS_PAGE + 3


async def _contact_with_appointments(
    executor: Executor, runtime: Runtime, member: Member
) -> tuple[Principal, int]:
    async with runtime.sessions() as session:
        user = await session.get(User, member.user_id)
    assert user is not None
    principal = Principal.of(user)
    made = await executor.call(principal, "contacts.create", {"first_name": "Often"}, source="http")
    assert isinstance(made, Done)
    contact_id = made.output.model_dump()["id"]
    first = runtime.clock.now().replace(hour=9, minute=0, second=0, microsecond=0)
    for day in range(BOOKED):
        booked = await executor.call(
            principal,
            "appointments.book",
            {
                "contact_id": contact_id,
                "practitioner_id": principal.user_id,
                "starts_at": (first + timedelta(days=day + 1)).isoformat(),
                "duration_minutes": 30,
            },
            source="http",
        )
        assert isinstance(booked, Done)
    return principal, contact_id


async def test_the_appointments_section_pages(
    executor: Executor, runtime: Runtime, staff: dict[str, Member], client: Client
) -> None:
    principal, contact_id = await _contact_with_appointments(
        executor, runtime, staff["practitioner"]
    )
    first = await sections(executor, principal, contact_id)
    assert len(first["appointments"]) == APPOINTMENTS_PAGE
    paging = first["appointments_paging"]
    assert paging["pages"] == 2 and paging["total"] == BOOKED and paging["page_no"] == 1
    assert paging["page_base"] == f"/contacts/{contact_id}?"
    second = await sections(executor, principal, contact_id, appointments_page=2)
    rest = second["appointments"]
    assert len(rest) == BOOKED - APPOINTMENTS_PAGE
    assert max(a.starts_at for a in first["appointments"]) < min(a.starts_at for a in rest)
    far = await sections(executor, principal, contact_id, appointments_page=99)
    assert far["appointments"] == [] and far["appointments_paging"]["page_no"] == 99

    part = await client.get(
        f"/contacts/{contact_id}/part/appointments?appointments_page=2",
        headers=staff["practitioner"].headers,
    )
    assert part.status_code == 200, part.text
    assert part.text.count('<li id="appointment-') == BOOKED - APPOINTMENTS_PAGE
    assert 'aria-label="Appointment pages"' in part.text
    assert f'href="/contacts/{contact_id}?appointments_page=1#appointments"' in part.text
    assert "Page 2 of 2" in part.text


async def test_an_event_that_lands_while_the_page_reads_is_replayed(
    executor: Executor,
    runtime: Runtime,
    staff: dict[str, Member],
    client: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with runtime.sessions() as session:
        user = await session.get(User, staff["practitioner"].user_id)
    assert user is not None
    principal = Principal.of(user)
    made = await executor.call(
        principal, "contacts.create", {"first_name": "Looked"}, source="http"
    )
    assert isinstance(made, Done)
    contact_id = made.output.model_dump()["id"]
    landed: list[int] = []

    async def reading(app_executor: Executor, *args: Any, **kwargs: Any) -> dict[str, Any]:
        # The worker finishes the contact's lookup just as the page reads its sections.
        app = app_executor.runtime  # the app's own (its loop's) database connections
        async with app.sessions() as session, session.begin():
            [event] = await app.bus.store(
                session, [principal.user_id], "job.progress", {"job_id": 1, "status": "succeeded"}
            )
        assert event.id is not None
        landed.append(event.id)
        return await sections(app_executor, *args, **kwargs)

    monkeypatch.setattr(contact_pages, "sections", reading)
    page = await client.get(f"/contacts/{contact_id}", headers=staff["practitioner"].headers)
    assert page.status_code == 200, page.text
    found = re.search(r'<meta name="events-after" content="(\d+)">', page.text)
    assert found is not None
    # The stream resumes after the newest event the page reflects: the lookup's end is later.
    assert int(found.group(1)) < landed[0]
