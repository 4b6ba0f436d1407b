"""The contacts list and forms in a real browser: search, tag filter, paging, field errors."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from tests.plugins.browser import WebApp, shot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


async def test_search_filters_the_list_as_you_type(page: Any, web_app: WebApp) -> None:
    await sign_in(page, web_app, "front_desk")
    await page.get_by_label("Search", exact=True).fill("Sam")
    await expect(page.get_by_role("link", name="Sam Lee")).to_be_visible()
    await expect(page.get_by_role("link", name="Sam Patel")).to_be_visible()
    await expect(page.get_by_role("link", name="Jane Doe")).to_have_count(0)
    await page.get_by_label("Search", exact=True).fill("415 555 0104")  # by phone
    await expect(page.get_by_role("link", name="Priya Nair")).to_be_visible()
    await expect(page.get_by_role("link", name="Sam Lee")).to_have_count(0)


async def test_tag_filter_and_sort(page: Any, web_app: WebApp) -> None:
    await sign_in(page, web_app, "front_desk")
    await page.get_by_label("Tag", exact=True).fill("vip")
    await page.get_by_role("button", name="Search").click()
    await expect(page).to_have_url(re.compile(r"tag=vip"))
    await expect(page.get_by_role("link", name="Jane Doe")).to_be_visible()
    await expect(page.get_by_role("link", name="Sam Lee")).to_have_count(0)

    await page.get_by_label("Tag", exact=True).fill("")
    await page.get_by_label("Search", exact=True).fill("Sam")
    names = page.get_by_role("table").get_by_role("rowheader")
    await expect(names).to_have_text(["Sam Lee", "Sam Patel"])
    await page.get_by_label("Sort by").select_option(label="Name (Z-A)")
    await expect(names).to_have_text(["Sam Patel", "Sam Lee"])
    await expect(page).to_have_url(re.compile(r"sort=-name"))


async def test_paging_walks_through_every_contact(page: Any, web_app: WebApp) -> None:
    await sign_in(page, web_app, "viewer")
    await expect(page.get_by_text("Page 1 of")).to_be_visible()
    first_page = await page.get_by_role("rowheader").all_inner_texts()
    await page.get_by_role("link", name="Next page").click()
    await expect(page.get_by_text("Page 2 of")).to_be_visible()
    second_page = await page.get_by_role("rowheader").all_inner_texts()
    assert second_page and not set(first_page) & set(second_page)
    await page.get_by_role("link", name="Previous page").click()
    await expect(page.get_by_text("Page 1 of")).to_be_visible()


async def test_create_shows_each_error_next_to_its_field_then_saves(
    page: Any, web_app: WebApp, tmp_path: Path
) -> None:
    await sign_in(page, web_app, "front_desk")
    await page.get_by_role("link", name="New contact").click()
    await page.get_by_label("Email").fill("not-an-address")
    await page.get_by_label("Phone").fill("abc")
    await page.get_by_role("button", name="Create contact").click()
    summary = page.get_by_role("alert")
    await expect(summary).to_contain_text("There is a problem")
    await expect(summary.get_by_role("link", name="Enter the first name")).to_be_visible()
    for label in ("First name", "Email", "Phone"):
        await expect(page.get_by_label(label)).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_label("Email")).to_have_value("not-an-address")  # kept, not lost
    await shot(page, tmp_path, "create-errors")
    name = f"Ada{uuid.uuid4().hex[:6]}"
    await page.get_by_label("First name").fill(name)
    await page.get_by_label("Last name").fill("Lovelace")
    await page.get_by_label("Email").fill("ada@example.com")
    await page.get_by_label("Phone").fill("+1 415 555 0199")
    await page.get_by_role("button", name="Create contact").click()
    await expect(page.get_by_role("heading", name=f"{name} Lovelace", level=1)).to_be_visible()
    await expect(page.get_by_text("Contact created.")).to_be_visible()

    await page.get_by_role("link", name="Edit contact").click()
    await page.get_by_label("First name").fill("")
    await page.get_by_role("button", name="Save changes").click()
    await expect(page.get_by_label("First name")).to_have_attribute("aria-invalid", "true")
    await page.get_by_label("First name").fill(name)
    await page.get_by_label("Address").fill("1 Analytical Way")
    await page.get_by_role("button", name="Save changes").click()
    await expect(page.get_by_text("1 Analytical Way")).to_be_visible()


async def test_tags_and_notes_from_the_contact_page(page: Any, web_app: WebApp) -> None:
    contact = web_app.rpc("owner", "contacts.create", first_name="Noor", last_name="Tagged")
    await sign_in(page, web_app, "practitioner", then=f"/contacts/{contact['id']}")
    await page.get_by_label("New tag").fill("Needs Call")
    await page.get_by_role("button", name="Add tag").click()
    await expect(page.get_by_role("button", name="Remove tag needs-call")).to_be_visible()
    await page.get_by_role("button", name="Remove tag needs-call").click()
    await expect(page.get_by_role("button", name="Remove tag needs-call")).to_have_count(0)
    await page.get_by_label("New note").fill("Prefers mornings; allergic to latex.")
    await page.get_by_role("button", name="Add note").click()
    await expect(page.get_by_text("Prefers mornings; allergic to latex.")).to_be_visible()
    await page.get_by_role("button", name="Delete note").click()
    await expect(page.get_by_text("Prefers mornings; allergic to latex.")).to_have_count(0)


async def test_record_links_open_the_contact_at_that_record(page: Any, web_app: WebApp) -> None:
    contact = web_app.rpc("owner", "contacts.create", first_name="Lia", last_name="Linked")
    note = web_app.rpc("owner", "notes.add", contact_id=contact["id"], body="Linked note text.")
    await sign_in(page, web_app, "practitioner", then=f"/notes/{note['id']}")
    await expect(page.get_by_role("heading", name="Lia Linked", level=1)).to_be_visible()
    assert page.url.endswith(f"/contacts/{contact['id']}#note-{note['id']}")


async def test_looked_up_details_arrive_live_and_a_duplicate_merge_asks_for_approval(
    page: Any, web_app: WebApp, tmp_path: Path
) -> None:
    # John Smith and Jon Smith (demo seed) share a phone number and nearly a name.
    found = web_app.rpc("owner", "contacts.search", query="John Smith")
    john = next(c for c in found["items"] if c["full_name"] == "John Smith")
    await sign_in(page, web_app, "front_desk", then=f"/contacts/{john['id']}")
    details = page.get_by_role("region", name="Looked-up details")
    await details.get_by_role("button", name="Look up details").click()
    await expect(page.get_by_text("Looking up details in the background")).to_be_visible()
    # The job's end reaches the page through /api/events: no reload here.
    await expect(details.get_by_text("Organisation")).to_be_visible(timeout=90_000)
    await expect(details).to_contain_text("US, fixed line or mobile")  # phone region, line type
    await expect(details.get_by_role("link", name="Jon Smith")).to_be_visible()
    await shot(page, tmp_path, "looked-up")
    await details.get_by_role("button", name="Merge Jon Smith into this contact").click()
    card = page.get_by_role("article", name="Merge Jon Smith")
    await expect(card.get_by_text("pending", exact=True)).to_be_visible()
