"""Pages keep up by themselves: home, the task list and the calendar refresh their sections when
the dock changes records (`records-changed`) or a live event arrives, without a reload."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from playwright.async_api import expect

from inference.scripted import ScriptedReply
from tests.plugins.browser import WebApp, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
WEEK = "2031-04-07"  # a Monday no other test books: a clean calendar


async def stay(page: Any) -> None:
    """Mark the document (a reload would drop the mark), once its live stream is open."""
    await expect(page.locator('html[data-live="open"]')).to_have_count(1)
    await page.evaluate("window.sameDocument = true")


async def stayed(page: Any) -> None:
    assert await page.evaluate("window.sameDocument === true"), "the page was reloaded"


async def test_a_task_the_dock_adds_appears_in_the_task_list(page: Any, web_app: WebApp) -> None:
    title = f"call the lab {uuid.uuid4().hex[:5]}"
    message = f"remind me to {title}"
    web_app.calls[message] = ScriptedReply(tool_calls=[("tasks_create", {"title": title})])
    await sign_in(page, web_app, "practitioner", then="/tasks")
    await stay(page)
    await page.get_by_role("button", name="Co-pilot", exact=True).click()
    dock = page.get_by_role("complementary", name="Co-pilot")
    await dock.get_by_label("Message").fill(message)
    await dock.get_by_role("button", name="Send").click()
    listed = page.locator("#task-list").get_by_role("link", name=title, exact=True)
    await expect(listed).to_be_visible()
    await stayed(page)


async def test_the_week_view_shows_a_booking_the_dock_reports(page: Any, web_app: WebApp) -> None:
    """The dock's contract (NOTES-web 5): after an action it dispatches `records-changed`."""
    last = f"Live{uuid.uuid4().hex[:5]}"
    contact = web_app.rpc("owner", "contacts.create", first_name="Wanda", last_name=last)
    await sign_in(page, web_app, "practitioner", then="/appointments")
    await page.goto(f"{web_app.url}/appointments?view=week&date={WEEK}")
    me = int(await page.get_by_label("Practitioner").input_value())  # my own calendar
    calendar = page.locator("#calendar")
    await expect(calendar.get_by_text("0 appointments this week")).to_be_visible()
    await stay(page)
    web_app.rpc(
        "practitioner", "appointments.book", contact_id=contact["id"], practitioner_id=me,
        starts_at=f"{WEEK}T10:00:00+00:00", duration_minutes=30,
    )  # fmt: skip
    await page.evaluate(
        """() => document.body.dispatchEvent(new CustomEvent("records-changed",
            {bubbles: true, detail: {procedure: "appointments.book", records: []}}))"""
    )
    await expect(calendar.get_by_text("1 appointment this week")).to_be_visible()
    await expect(calendar.get_by_role("link", name=f"Wanda {last}")).to_be_visible()
    await stayed(page)


async def test_home_shows_a_request_for_my_approval_as_it_arrives(
    page: Any, web_app: WebApp
) -> None:
    contact = web_app.rpc(
        "owner", "contacts.create", first_name="Gone", last_name=uuid.uuid4().hex[:5]
    )
    await sign_in(page, web_app, "owner", then="/")
    await expect(page.get_by_role("heading", name="Waiting for my approval")).to_be_visible()
    await stay(page)
    asked = web_app.rpc("front_desk", "contacts.delete", contact_id=contact["id"])
    link = page.locator(f'#home-grid a[href="/approvals#approval-{asked["approval_id"]}"]')
    await expect(link).to_be_visible()
    await stayed(page)


async def test_a_new_page_replays_what_the_page_before_it_already_heard(
    page: Any, web_app: WebApp
) -> None:
    """A page shows what happened after its server render even when the page before it in the
    tab heard that event first (a job that ends while a redirect loads)."""
    contact = web_app.rpc(
        "owner", "contacts.create", first_name="Replay", last_name=uuid.uuid4().hex[:5]
    )
    await sign_in(page, web_app, "owner", then="/")
    await stay(page)
    before = await (await page.request.get(f"{web_app.url}/")).text()  # rendered before the event
    asked = web_app.rpc("front_desk", "contacts.delete", contact_id=contact["id"])
    link = f'#home-grid a[href="/approvals#approval-{asked["approval_id"]}"]'
    await expect(page.locator(link)).to_be_visible()  # this page heard it
    # The next page is the one rendered before the event (served once; its refresh is real).
    await page.route(
        f"{web_app.url}/",
        lambda route: route.fulfill(body=before, content_type="text/html; charset=utf-8"),
        times=1,
    )
    await page.goto(f"{web_app.url}/")
    await expect(page.locator(link)).to_be_visible()
