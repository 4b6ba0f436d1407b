"""Four eyes in two browsers: the front desk asks, a practitioner sees it arrive and approves,
and the front desk watches the request run."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from tests.plugins.browser import Dialogs, WebApp, keep_screenshot, new_page, shot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


async def test_front_desk_asks_to_delete_and_a_practitioner_approves_live(
    page: Any, browser: Any, web_app: WebApp, tmp_path: Path
) -> None:
    last = "Whitfield"  # the only Dana of the session: the README's screenshot shows her
    contact = web_app.rpc("owner", "contacts.create", first_name="Dana", last_name=last)
    dialogs = Dialogs()
    practitioner = await new_page(browser, dialogs)
    try:
        await sign_in(practitioner, web_app, "practitioner", then="/approvals")
        await expect(practitioner.get_by_role("heading", name="Approvals", level=1)).to_be_visible()

        await sign_in(page, web_app, "front_desk", then=f"/contacts/{contact['id']}")
        await page.get_by_role("button", name="Delete contact").click()
        await expect(
            page.get_by_role("article", name=f"Delete contact Dana {last}")
        ).to_be_visible()
        # Once it has run, the card no longer names her (deletion erases every copy of her
        # name, the request's included): follow it by the contact's id.
        mine = page.get_by_role("article", name=re.compile(rf"[( ]#{contact['id']}\)"))
        await expect(mine.get_by_text("pending", exact=True)).to_be_visible()
        await expect(mine.get_by_role("button", name="Approve")).to_have_count(0)

        # It arrives without a reload: the card, and the count in the navigation.
        card = practitioner.get_by_role("article", name=f"Delete contact Dana {last}")
        await expect(card).to_be_visible()
        await expect(practitioner.get_by_role("link", name="Approvals")).not_to_contain_text(
            "0 waiting"
        )
        await expect(card).to_contain_text("Fran Delgado")  # who asked
        await card.get_by_text("Arguments and records").click()
        await expect(card).to_contain_text(f"{last}")  # the record as it was
        keep_screenshot(await shot(practitioner, tmp_path, "approvals"), "approvals.png")
        await card.get_by_role("button", name="Approve").click()
        await expect(card).to_have_count(0)

        # The requester's card follows: approved, then executed by the worker.
        # (The worker may first finish enriching the new contact: a limit, not a measurement.)
        await expect(mine.get_by_text("executed", exact=True)).to_be_visible(timeout=90_000)
        await shot(page, tmp_path, "executed")
        await expect(mine).not_to_contain_text(last)
        await expect(mine).to_contain_text("Cannot undo: a deleted contact is erased for good")
        await page.goto(f"{web_app.url}/contacts/{contact['id']}")
        await expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    finally:
        await practitioner.context.close()
    assert not dialogs


async def test_rejecting_needs_a_reason_next_to_the_field(page: Any, web_app: WebApp) -> None:
    contact = web_app.rpc("owner", "contacts.create", first_name="Rex", last_name="Kept")
    web_app.rpc("front_desk", "contacts.delete", contact_id=contact["id"])
    await sign_in(page, web_app, "owner", then="/approvals")
    card = page.get_by_role("article", name="Delete contact Rex Kept")
    await card.get_by_role("button", name="Reject").click()
    card = page.get_by_role("article", name="Delete contact Rex Kept")
    await expect(card.get_by_label("Reason for rejecting")).to_have_attribute(
        "aria-invalid", "true"
    )
    await card.get_by_label("Reason for rejecting").fill("Client still in treatment")
    await card.get_by_role("button", name="Reject").click()
    await expect(card).to_have_count(0)
    await page.get_by_role("link", name="History").click()
    decided = page.get_by_role("article", name="Delete contact Rex Kept")
    await expect(decided.get_by_text("rejected", exact=True)).to_be_visible()
    await expect(decided).to_contain_text("Client still in treatment")


async def test_the_requester_undoes_an_approved_merge_from_its_card(
    page: Any, web_app: WebApp, tmp_path: Path
) -> None:
    keep = web_app.rpc("owner", "contacts.create", first_name="Ines", last_name="Kept")
    dup = web_app.rpc("owner", "contacts.create", first_name="Ines", last_name="Copy")
    asked = web_app.rpc(
        "front_desk", "contacts.merge", contact_id=keep["id"], duplicate_id=dup["id"]
    )
    approval_id = asked["approval_id"]
    owner = web_app.api("owner")
    try:
        owner.post(f"/api/approvals/{approval_id}/approve", json={}).raise_for_status()
    finally:
        owner.close()

    await sign_in(page, web_app, "front_desk", then="/approvals?box=mine")
    card = page.locator(f"#approval-{approval_id}")
    # The worker runs it; the card follows without a reload and offers the undo.
    await expect(card.get_by_text("executed", exact=True)).to_be_visible(timeout=90_000)
    undo = card.get_by_role("button", name=re.compile(rf"^Undo approval request #{approval_id}"))
    await expect(undo).to_be_visible()
    await shot(page, tmp_path, "approved-merge")
    await undo.click()
    await expect(page.get_by_role("status").filter(has_text="was undone")).to_be_visible()

    await page.goto(f"{web_app.url}/contacts/{dup['id']}")  # the duplicate is back
    await expect(page.get_by_role("heading", name="Ines Copy", level=1)).to_be_visible()
    await page.goto(f"{web_app.url}/approvals?box=mine")
    await expect(card).to_contain_text("Cannot undo: already undone")
    await expect(card.get_by_role("button", name=re.compile("^Undo"))).to_have_count(0)
