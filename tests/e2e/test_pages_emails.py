"""An e-mail draft in the browser: edited, sent for approval, approved by a second person,
and delivered to a real SMTP server (aiosmtpd), its status following live."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from inference.scripted import ScriptedReply
from tests.e2e.test_dock import ask, open_dock
from tests.plugins.browser import Dialogs, WebApp, keep_screenshot, new_page, shot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


async def test_a_draft_is_edited_approved_and_sent(
    page: Any, browser: Any, web_app: WebApp, tmp_path: Path
) -> None:
    last = f"Mailer{uuid.uuid4().hex[:6]}"
    contact = web_app.rpc(
        "owner", "contacts.create", first_name="Omar", last_name=last, email="omar@example.com"
    )
    draft = web_app.rpc("front_desk", "emails.draft", contact_id=contact["id"], purpose="follow_up")
    subject = f"See you on Tuesday {last}"

    await sign_in(page, web_app, "front_desk", then="/emails")
    await page.get_by_role("link", name=draft["subject"]).first.click()
    await expect(page).to_have_url(re.compile(rf"/emails/{draft['id']}$"))
    # The worker finishes the draft (no model there: the template stands), live.
    await expect(page.locator("[data-draft-status]")).to_have_text("ready", timeout=90_000)
    await page.reload()
    await page.get_by_label("Subject").fill(subject)
    await page.get_by_label("Text").fill("Dear Omar,\n\nSee you on Tuesday at 10.\n\nKind regards")
    await page.get_by_role("button", name="Ask to send").click()
    await expect(page.get_by_text("Asked to send: it goes out")).to_be_visible()
    await expect(page.get_by_role("heading", name=subject, level=1)).to_be_visible()
    await expect(page.get_by_text("waiting for approval").first).to_be_visible()
    await shot(page, tmp_path, "asked")

    dialogs = Dialogs()
    approver = await new_page(browser, dialogs)
    try:
        await sign_in(approver, web_app, "practitioner", then="/approvals")
        card = approver.get_by_role("article", name=re.compile(rf"draft #{draft['id']} "))
        await expect(card).to_contain_text(subject)
        await card.get_by_role("button", name="Approve").click()
        await expect(card).to_have_count(0)
    finally:
        await approver.context.close()
    assert not dialogs

    # The requester's page follows without a reload: queued, sending, sent.
    await expect(page.locator("[data-draft-status]")).to_have_text("sent", timeout=90_000)
    await expect(page.get_by_text("waiting for approval")).to_have_count(0)
    await expect(page.get_by_label("Subject")).to_have_count(0)  # no longer editable
    keep_screenshot(await shot(page, tmp_path, "sent"), "email-draft.png")
    [message] = [m for m in web_app.inbox.messages if m["Subject"] == subject]
    assert message["To"] == "omar@example.com"
    assert "See you on Tuesday at 10." in message.get_payload()

    await page.get_by_role("navigation", name="Main").get_by_role("link", name="E-mail").click()
    row = page.get_by_role("row", name=re.compile(subject))
    await expect(row).to_contain_text("sent")
    await expect(row).to_contain_text(f"Omar {last}")


async def test_the_contact_page_and_a_bad_edit(page: Any, web_app: WebApp) -> None:
    contact = web_app.rpc("owner", "contacts.create", first_name="Ines", last_name="Linkwell")
    draft = web_app.rpc("front_desk", "emails.draft", contact_id=contact["id"], purpose="welcome")
    await sign_in(page, web_app, "front_desk", then=f"/contacts/{contact['id']}")
    await page.get_by_text(draft["subject"], exact=True).click()
    await page.get_by_role("link", name=re.compile("Open draft")).click()
    await expect(page).to_have_url(re.compile(rf"/emails/{draft['id']}$"))
    await expect(page.locator("[data-draft-status]")).to_have_text("ready", timeout=90_000)
    await page.reload()
    await page.get_by_label("Subject").fill("")
    await page.get_by_role("button", name="Save draft").click()
    await expect(page.get_by_role("alert")).to_contain_text("Enter the subject")
    await expect(page.get_by_label("Subject")).to_have_attribute("aria-invalid", "true")
    # No e-mail address: there is nothing to ask yet, and the page says what to do.
    await expect(page.get_by_role("button", name="Ask to send")).to_have_count(0)
    await page.get_by_role("link", name="add an e-mail address for Ines Linkwell").click()
    await expect(page).to_have_url(re.compile(rf"/contacts/{contact['id']}/edit$"))


async def test_the_docks_record_link_opens_the_draft(page: Any, web_app: WebApp) -> None:
    contact = web_app.rpc("owner", "contacts.create", first_name="Dora", last_name="Docklink")
    web_app.calls["write her a welcome email"] = ScriptedReply(
        tool_calls=[("emails_draft", {"purpose": "welcome"})]
    )
    await sign_in(page, web_app, "front_desk", then=f"/contacts/{contact['id']}")
    dock = await open_dock(page)
    await ask(dock, "write her a welcome email")
    link = dock.get_by_role("link", name="Open the draft to Dora Docklink")
    await expect(link).to_have_attribute("href", re.compile(r"^/emails/\d+$"))
    await link.click()
    await expect(page).to_have_url(re.compile(r"/emails/\d+$"))
    await expect(page.get_by_role("heading", name="Welcome to the clinic", level=1)).to_be_visible()
    await expect(page.get_by_role("link", name="Dora Docklink").first).to_be_visible()
