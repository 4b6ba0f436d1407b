"""What the approver sees (issue 18) in a real browser: the preview of what a request will
touch on the inbox card and on the dock's card (named records, a note by its date only), and
the dock's link to correct the call before approving it."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
from playwright.async_api import expect

from tests.e2e.test_pages_a11y import AXE, serious_violations
from tests.plugins.browser import WebApp, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
NOTE = "reports knee pain after the fall"


def _rpc(client: httpx.Client, name: str, **args: Any) -> Any:
    response = client.post(f"/api/rpc/{name}", json=args)
    assert response.status_code in (200, 202), response.text
    return response.json()


def _merge_request(web_app: WebApp, last: str) -> int:
    """The front desk asks to merge a duplicate that has a note and a task."""
    desk, practitioner = web_app.api("front_desk"), web_app.api("practitioner")
    try:
        keep = _rpc(desk, "contacts.create", first_name="Johanna", last_name=last)
        dup = _rpc(desk, "contacts.create", first_name="Jo", last_name=last)
        _rpc(practitioner, "notes.add", contact_id=dup["id"], body=NOTE)
        _rpc(desk, "tasks.create", title="send the intake form", contact_id=dup["id"])
        asked = _rpc(desk, "contacts.merge", contact_id=keep["id"], duplicate_id=dup["id"])
        return int(asked["approval_id"])
    finally:
        desk.close()
        practitioner.close()


async def test_the_approver_sees_what_a_merge_moves_and_edits_it_from_the_dock(
    page: Any, web_app: WebApp
) -> None:
    last = f"Preview{uuid.uuid4().hex[:6]}"
    await page.context.add_init_script(path=str(AXE))  # the browser injects it: CSP allows
    await sign_in(page, web_app, "practitioner")
    await page.get_by_role("button", name="Co-pilot", exact=True).click()
    dock = page.get_by_role("complementary", name="Co-pilot")
    await expect(dock.get_by_label("Message")).to_be_focused()

    approval_id = _merge_request(web_app, last)
    # It arrives in the open dock: the call, what it moves by name, and the edit link.
    card = dock.get_by_role("article", name=f"Approval request #{approval_id}")
    await expect(card).to_contain_text(f"Merge Jo {last}")
    await expect(card).to_contain_text("1 note, 1 task")
    await expect(card).to_contain_text("Task: send the intake form")
    await expect(card).to_contain_text(re.compile(r"Note: Note of \d{4}-\d{2}-\d{2}"))
    await expect(card).not_to_contain_text(NOTE)
    assert await serious_violations(page) == []
    await card.get_by_role("link", name="Edit before approving").click()

    # The request on a page of its own, its edit form open: which record to keep.
    await page.wait_for_url(re.compile(rf"/approvals/{approval_id}\?edit=1"))
    mine = page.get_by_role("article", name=re.compile(rf"^Merge Jo {last}"))
    await expect(mine).to_contain_text("1 note, 1 task")
    await expect(mine).to_contain_text("Task: send the intake form")
    await expect(mine).not_to_contain_text(NOTE)
    keep = mine.get_by_role("group", name="Record to keep")
    await expect(keep).to_be_visible()
    await expect(keep.get_by_label(re.compile(rf"^Johanna {last}"))).to_be_checked()
    await expect(mine.get_by_role("button", name="Approve with changes")).to_be_visible()
    assert await serious_violations(page) == []

    # The inbox card shows the same preview; rejecting it leaves nothing waiting.
    await page.goto(f"{web_app.url}/approvals?box=decide")
    listed = page.get_by_role("article", name=re.compile(rf"^Merge Jo {last}"))
    await expect(listed).to_contain_text("1 note, 1 task")
    await expect(listed).to_contain_text("Task: send the intake form")
    await expect(listed).not_to_contain_text(NOTE)
    await listed.get_by_label("Reason for rejecting").fill("test over")
    await listed.get_by_role("button", name="Reject").click()
    await expect(listed).to_have_count(0)
