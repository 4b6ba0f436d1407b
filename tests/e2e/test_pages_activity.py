"""Undo in the browser: the Undo button on a dock action card, and the activity page (with
its own Undo), axe-core clean in light and dark."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from inference.scripted import ScriptedReply
from tests.e2e.test_pages_a11y import AXE, serious_violations
from tests.plugins.browser import Dialogs, WebApp, keep_screenshot, new_page, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


async def test_the_undo_button_on_a_dock_card_takes_the_note_back(
    page: Any, web_app: WebApp, tmp_path: Path
) -> None:
    web_app.calls["add a note: wrong patient, sorry"] = ScriptedReply(
        tool_calls=[("notes_add", {"body": "wrong patient, sorry"})]
    )
    await sign_in(page, web_app, "practitioner")
    await page.get_by_label("Search", exact=True).fill("Jane Doe")
    await page.get_by_role("link", name="Jane Doe", exact=True).first.click()
    await expect(page.get_by_role("heading", name="Jane Doe", level=1)).to_be_visible()
    await page.get_by_role("button", name="Co-pilot", exact=True).click()
    dock = page.get_by_role("complementary", name="Co-pilot")
    await dock.get_by_label("Message").fill("add a note: wrong patient, sorry")
    await dock.get_by_role("button", name="Send").click()

    card = dock.get_by_role("article", name="Added a note to Jane Doe's record")
    await expect(card).to_be_visible()
    note = page.get_by_role("main").get_by_text("wrong patient, sorry", exact=True)
    await expect(note).to_be_visible()
    await expect(dock.get_by_role("button", name="Send")).to_be_visible()  # the turn ended
    await card.get_by_role("button", name=re.compile(r"^Undo")).click()
    await expect(card.get_by_role("status")).to_have_text("undone")
    await expect(note).to_have_count(0)  # the contact page refreshed its notes
    await page.screenshot(path=str(tmp_path / "dock-undo.png"))
    keep_screenshot(tmp_path / "dock-undo.png", "dock-undo.png")

    await page.reload()  # the server's rendering knows it was undone
    card = page.get_by_role("complementary", name="Co-pilot").get_by_role(
        "article", name="Added a note to Jane Doe's record"
    )
    await expect(card.get_by_text("undone", exact=True)).to_be_visible()
    await expect(card.get_by_role("button", name=re.compile(r"^Undo"))).to_have_count(0)


@pytest.mark.parametrize("scheme", ["light", "dark"])
async def test_the_activity_page_lists_and_undoes(
    browser: Any, web_app: WebApp, scheme: str, tmp_path: Path
) -> None:
    task = web_app.rpc("front_desk", "tasks.create", title=f"Order gloves ({scheme})")
    dialogs = Dialogs()
    page = await new_page(browser, dialogs, color_scheme=scheme)
    await page.context.add_init_script(path=str(AXE))
    try:
        await sign_in(page, web_app, "front_desk", then="/activity")
        await expect(page.get_by_role("heading", name="Activity", level=1)).to_be_visible()
        nav = page.get_by_role("navigation", name="Main")
        await expect(nav.get_by_role("link", name="Activity")).to_have_attribute(
            "aria-current", "page"
        )
        row = page.get_by_role("row").filter(has_text="tasks.create").first
        await expect(row.get_by_text("done", exact=True)).to_be_visible()
        assert await serious_violations(page) == []
        await page.screenshot(path=str(tmp_path / f"activity-{scheme}.png"), full_page=True)
        if scheme == "light":
            keep_screenshot(tmp_path / "activity-light.png", "activity.png")

        await row.get_by_role("button", name=re.compile(r"^Undo action")).click()
        await expect(page.get_by_role("status").filter(has_text="was undone")).to_be_visible()
        undone = page.get_by_role("row").filter(has_text="tasks.create").first
        await expect(undone.get_by_text("undone", exact=True)).to_be_visible()
        await expect(undone.get_by_text(re.compile("Undone by"))).to_be_visible()

        await page.get_by_label("Status").select_option("undone")
        await page.get_by_role("button", name="Show").click()
        await expect(page).to_have_url(re.compile(r"status=undone"))
        assert await serious_violations(page) == []
    finally:
        await page.context.close()
    assert not dialogs
    assert task["status"] == "open"
