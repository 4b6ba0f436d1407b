"""The clinic's day in a real browser: home, booking from the week view (and a clash refused
in words), a task with a contact that shows on the contact's page and completes."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.async_api import expect

from inference.scripted import ScriptedReply
from tests.plugins.browser import WebApp, keep_screenshot, shot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
# A week no demo appointment reaches (the seed books the next four weeks): a clean calendar.
WEEK = "2031-03-03"  # a Monday


def unique(first: str) -> str:
    return f"{first}{uuid.uuid4().hex[:5]}"


def nav_link(page: Any, label: str) -> Any:
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=label, exact=True)


async def pick_contact(page: Any, label: str, name: str) -> None:
    """Type part of the name into the picker, then choose the suggestion with the keyboard."""
    box = page.get_by_role("combobox", name=label)
    await box.fill(name[:-1])
    await expect(page.get_by_role("option", name=re.compile(re.escape(name)))).to_be_visible()
    await box.press("ArrowDown")
    await box.press("Enter")
    await expect(box).to_have_value(name)


async def test_a_practitioner_books_from_the_week_view_and_sees_it_on_the_contact(
    page: Any, web_app: WebApp, tmp_path: Path
) -> None:
    first = unique("Bea")
    contact = web_app.rpc("owner", "contacts.create", first_name=first, last_name="Booked")
    await sign_in(page, web_app, "practitioner", then=f"/appointments?date={WEEK}")
    await expect(page.get_by_role("heading", name="Appointments", level=1)).to_be_visible()
    await expect(nav_link(page, "Appointments")).to_have_attribute("aria-current", "page")
    await page.get_by_role("link", name="Book on Wed 5 Mar").click()
    await expect(page.get_by_role("heading", name="Book an appointment")).to_be_visible()
    await pick_contact(page, "Contact", f"{first} Booked")
    await expect(page.get_by_label("Date")).to_have_value("2031-03-05")
    await page.get_by_label("Start time").fill("14:30")
    await page.get_by_label("Duration").select_option(label="45 min")
    await page.get_by_label("Purpose").fill("Follow-up")
    await shot(page, tmp_path, "book-form")
    await page.get_by_role("button", name="Book appointment").click()

    await expect(page.get_by_text("Appointment booked.")).to_be_visible()
    wednesday = page.get_by_role("region", name="Wed 5 Mar")
    slot = wednesday.get_by_role("link", name=re.compile(rf"2:30-3:15 pm {first} Booked"))
    await expect(slot).to_be_visible()
    await expect(wednesday).to_contain_text("Follow-up, 45 min")
    keep_screenshot(await shot(page, tmp_path, "week"), "appointments-week.png")
    await wednesday.get_by_role("link", name="Wed 5 Mar", exact=True).click()  # that day
    await expect(page.get_by_text("1 appointment this day")).to_be_visible()
    await expect(
        page.get_by_role("button", name=f"Cancel {first} Booked\u2019s appointment at 2:30 pm")
    ).to_be_visible()
    await shot(page, tmp_path, "day")

    await page.goto(f"{web_app.url}/contacts/{contact['id']}")
    appointments = page.get_by_role("region", name="Appointments")
    booked = appointments.get_by_role("link", name="Wed 5 Mar 2031, 2:30-3:15 pm")
    await expect(booked).to_be_visible()
    await booked.click()
    await expect(page.get_by_role("heading", name=f"{first} Booked, Wed 5 Mar")).to_be_visible()
    await page.get_by_role("button", name="Cancel appointment").click()
    await expect(page.get_by_text("Appointment cancelled.")).to_be_visible()
    await expect(page.get_by_text("cancelled", exact=True)).to_be_visible()


async def test_a_clash_is_refused_in_words_and_the_form_keeps_what_was_typed(
    page: Any, web_app: WebApp, tmp_path: Path
) -> None:
    first = unique("Cal")
    other = web_app.rpc("owner", "contacts.create", first_name=first, last_name="First")
    second = web_app.rpc("owner", "contacts.create", first_name=first, last_name="Second")
    pat = next(
        m
        for m in web_app.rpc("owner", "users.directory", limit=200)["items"]
        if m["role"] == "practitioner"
    )
    web_app.rpc(
        "owner", "appointments.book", contact_id=other["id"], practitioner_id=pat["id"],
        starts_at="2031-03-06T10:00:00-08:00", duration_minutes=60,
    )  # fmt: skip
    form = f"/appointments/new?practitioner={pat['id']}&date=2031-03-06&contact_id={second['id']}"
    await sign_in(page, web_app, "front_desk", then=quote(form))
    await expect(page.get_by_role("combobox", name="Contact")).to_have_value(f"{first} Second")
    await page.get_by_label("Start time").fill("10:30")
    await page.get_by_role("button", name="Book appointment").click()
    summary = page.get_by_role("alert")
    message = (
        f"{pat['full_name']} already has {first} First from 10:00-11:00 am on Thu 6 Mar. "
        "Choose another time."
    )
    await expect(summary).to_contain_text(message)
    await expect(page.get_by_label("Start time")).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_label("Start time")).to_have_value("10:30")  # kept, not lost
    await shot(page, tmp_path, "clash")
    await page.get_by_label("Start time").fill("11:00")  # right after: no clash
    await page.get_by_role("button", name="Book appointment").click()
    await expect(page.get_by_text("Appointment booked.")).to_be_visible()


async def test_a_task_with_a_contact_shows_on_their_page_and_completes(
    page: Any, web_app: WebApp, tmp_path: Path
) -> None:
    first = unique("Tia")
    contact = web_app.rpc("owner", "contacts.create", first_name=first, last_name="Tasked")
    await sign_in(page, web_app, "front_desk", then="/tasks")
    await expect(nav_link(page, "Tasks")).to_have_attribute("aria-current", "page")
    form = page.get_by_role("region", name="New task")
    await form.get_by_role("button", name="Add task").click()  # nothing typed: said why
    await expect(page.get_by_role("alert")).to_contain_text("Enter what needs doing")
    title = f"Send {first} the intake form"
    await form.get_by_label("What needs doing").fill(title)
    await pick_contact(form, "Contact", f"{first} Tasked")
    await form.get_by_label("Due date").fill("2020-01-06")  # long past: overdue
    await form.get_by_role("button", name="Add task").click()
    await expect(page.get_by_text("Task created.")).to_be_visible()
    row = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=title))
    await expect(row).to_contain_text("Overdue")
    await expect(row).to_contain_text("Mon 6 Jan 2020, 5:00 pm")
    # Overdue first: this task heads my list.
    await expect(page.locator(".task-rows > li").first).to_contain_text(title)
    keep_screenshot(await shot(page, tmp_path, "tasks"), "tasks.png")

    await page.get_by_label("Filter by contact").fill(f"{first} Tasked")
    await page.get_by_role("button", name="Filter").click()
    await expect(page.get_by_text(f"1 task about {first} Tasked")).to_be_visible()

    await row.get_by_role("link", name=f"{first} Tasked").click()
    tasks = page.get_by_role("region", name="Tasks")
    await expect(tasks.get_by_role("link", name=title)).to_be_visible()
    await tasks.get_by_role("button", name=f"Complete “{title}”").click()
    await expect(page.get_by_text("Task marked as done.")).to_be_visible()
    done = page.get_by_role("region", name="Tasks").get_by_text("done", exact=True)
    await expect(done).to_be_visible()
    assert re.search(rf"/contacts/{contact['id']}\?notice=completed#task-\d+$", page.url)


async def test_home_shows_the_day_and_the_record_links_open_their_pages(
    page: Any, web_app: WebApp, tmp_path: Path
) -> None:
    first = unique("Hal")
    contact = web_app.rpc("owner", "contacts.create", first_name=first, last_name="Home")
    task = web_app.rpc(
        "practitioner", "tasks.create", title=f"Call {first} back", contact_id=contact["id"],
        due_at="2020-01-02T17:00:00Z",  # overdue: at the top of my open tasks
    )  # fmt: skip
    await sign_in(page, web_app, "practitioner", then="/")
    await expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    await expect(nav_link(page, "Home")).to_have_attribute("aria-current", "page")
    for name in ("Today\u2019s appointments", "My open tasks", "Waiting for my approval",
                 "My recent conversations"):  # fmt: skip
        await expect(page.get_by_role("heading", name=name, level=2)).to_be_visible()
    await expect(page.get_by_role("link", name=f"Call {first} back")).to_be_visible()
    keep_screenshot(await shot(page, tmp_path, "home"), "home.png")

    # A conversation with the co-pilot is listed, and opens in the dock.
    web_app.replies[f"hello from {first}"] = ScriptedReply(text=f"Hi {first}, noted.")
    await page.get_by_role("button", name="Co-pilot").click()
    dock = page.get_by_role("complementary", name="Co-pilot")
    await dock.get_by_label("Message").fill(f"hello from {first}")
    await dock.get_by_role("button", name="Send").click()
    await expect(dock.get_by_text(f"Hi {first}, noted.")).to_be_visible()
    await dock.get_by_role("button", name="New chat").click()
    await expect(dock.get_by_text(f"Hi {first}, noted.")).to_have_count(0)
    await page.reload()
    chats = page.get_by_role("region", name="My recent conversations")
    await chats.get_by_role("button", name=re.compile(f"hello from {first}", re.I)).click()
    await expect(dock.get_by_text(f"Hi {first}, noted.")).to_be_visible()

    await page.goto(f"{web_app.url}/tasks/{task['id']}")
    await expect(page.get_by_role("heading", name=f"Call {first} back", level=1)).to_be_visible()
    await page.get_by_role("button", name="Mark as done").click()
    await expect(page.get_by_text("Task marked as done.")).to_be_visible()


async def test_navigation_shows_admin_only_to_owners(page: Any, web_app: WebApp) -> None:
    await sign_in(page, web_app, "front_desk", then="/")
    nav = page.get_by_role("navigation", name="Main")
    for label in ("Home", "Contacts", "Tasks", "Appointments", "E-mail", "Approvals", "Jobs",
                  "Activity"):  # fmt: skip
        await expect(nav.get_by_role("link", name=re.compile(rf"^{label}\b"))).to_be_visible()
    await expect(nav.get_by_role("link", name="Admin")).to_have_count(0)
    await page.get_by_role("button", name="Sign out").click()
    await sign_in(page, web_app, "owner", then="/")
    await expect(nav.get_by_role("link", name="Admin")).to_be_visible()
