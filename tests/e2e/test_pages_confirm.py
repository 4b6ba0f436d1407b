"""Trustworthy actions in a real browser (issue 18): a clinic policy of `confirm` shows a
card in the dock with the preview and Confirm / Cancel; an approver corrects an e-mail
before approving it, and the requester confirms the edited call from their dock."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from inference.scripted import ScriptedReply
from tests.plugins.browser import Dialogs, WebApp, keep_screenshot, new_page, shot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def ready_draft(web_app: WebApp, contact_id: int) -> dict[str, Any]:
    """A welcome draft, once the worker has finished writing it (only a ready one is sent)."""
    client = web_app.api("front_desk")  # one session for the whole wait
    try:
        made = client.post("/api/rpc/emails.draft", json={"contact_id": contact_id,
                           "purpose": "welcome"})  # fmt: skip
        draft: dict[str, Any] = made.json()
        deadline = time.monotonic() + 60  # a limit, not a measurement
        while draft["status"] != "ready" and time.monotonic() < deadline:
            time.sleep(0.5)
            listed = client.post("/api/rpc/emails.list", json={"contact_id": contact_id})
            draft = next(d for d in listed.json()["items"] if d["id"] == draft["id"])
    finally:
        client.close()
    assert draft["status"] == "ready", draft
    return draft


@pytest.fixture
def confirm_notes(web_app: WebApp) -> Iterator[None]:
    """The clinic asks practitioners to confirm every note the co-pilot adds."""

    def set_policy(level: str) -> None:
        client = web_app.api("owner")
        try:
            body = {"procedure": "notes.add", "role": "practitioner", "policy": level}
            client.post("/api/rpc/policies.set", json=body).raise_for_status()
        finally:
            client.close()

    set_policy("confirm")
    yield
    set_policy("default")


async def test_a_confirm_card_runs_the_call_only_when_confirmed(
    page: Any, web_app: WebApp, tmp_path: Path, confirm_notes: None
) -> None:
    web_app.calls["add a note: likes green tea"] = ScriptedReply(
        tool_calls=[("notes_add", {"body": "likes green tea"})]
    )
    contact = web_app.rpc("owner", "contacts.create", first_name="Cora", last_name="Confirm")
    await sign_in(page, web_app, "practitioner", then=f"/contacts/{contact['id']}")
    await page.get_by_role("button", name="Co-pilot", exact=True).click()
    dock = page.get_by_role("complementary", name="Co-pilot")
    await dock.get_by_label("Message").fill("add a note: likes green tea")
    await dock.get_by_role("button", name="Send").click()

    card = dock.get_by_role("article", name=re.compile(r"^Confirmation #\d+$"))
    await expect(card).to_be_visible()
    await expect(card).to_contain_text("Cora Confirm")  # the preview, fetched by the card
    await expect(card.get_by_text("pending", exact=True)).to_be_visible()
    await page.screenshot(path=str(tmp_path / "confirm-card.png"))
    keep_screenshot(tmp_path / "confirm-card.png", "confirm-card.png")
    await page.reload()
    await expect(page.get_by_role("main").get_by_text("likes green tea")).to_have_count(0)

    dock = page.get_by_role("complementary", name="Co-pilot")
    card = dock.get_by_role("article", name=re.compile(r"^Confirmation #\d+$"))
    await card.get_by_role("button", name="Confirm").click()
    await expect(card.get_by_text("done", exact=True)).to_be_visible()
    await expect(card.get_by_role("button", name="Confirm")).to_have_count(0)
    await page.reload()
    await expect(
        page.get_by_role("main").get_by_text("likes green tea", exact=True)
    ).to_be_visible()


async def test_an_approver_edits_an_email_and_the_requester_confirms_it(
    page: Any, browser: Any, web_app: WebApp, tmp_path: Path
) -> None:
    contact = web_app.rpc("front_desk", "contacts.create", first_name="Edie",
                          last_name="Edited", email="edie@example.com")  # fmt: skip
    draft = ready_draft(web_app, contact["id"])
    client = web_app.api("front_desk")
    try:
        asked = client.post("/api/rpc/emails.send", json={"draft_id": draft["id"]})
        assert asked.status_code == 202, asked.text
    finally:
        client.close()

    dialogs = Dialogs()
    desk = await new_page(browser, dialogs)
    try:
        await sign_in(desk, web_app, "front_desk")
        await desk.get_by_role("button", name="Co-pilot", exact=True).click()
        desk_dock = desk.get_by_role("complementary", name="Co-pilot")
        await expect(desk_dock.get_by_label("Message")).to_be_focused()

        await sign_in(page, web_app, "owner", then="/approvals")
        card = page.get_by_role("article", name=re.compile(rf"^Send e-mail draft #{draft['id']} "))
        await card.get_by_text("Edit before approving").click()
        await expect(card.get_by_label("Subject")).to_have_value("Welcome to the clinic")
        await card.get_by_label("Subject").fill("Welcome, Edie: your first visit")
        await card.get_by_label("Why you changed it (optional)").fill("a warmer subject")
        await shot(page, tmp_path, "approver-edit")
        keep_screenshot(tmp_path / "approver-edit.png", "approver-edit.png")
        await card.get_by_role("button", name="Approve with changes").click()
        await expect(
            page.get_by_role("status").filter(has_text="approved with your changes")
        ).to_be_visible()

        # The requester's dock gets the edited call to confirm, live.
        confirm = desk_dock.get_by_role("article", name=re.compile(r"^Confirmation #\d+$"))
        await expect(confirm).to_contain_text("Confirm the edited call")
        await expect(confirm).to_contain_text("Welcome, Edie: your first visit")
        await confirm.get_by_role("button", name="Confirm").click()
        # Confirmed, or already run by the worker by the time the card is fetched again.
        await expect(confirm.get_by_text(re.compile(r"^(confirmed|done)$"))).to_be_visible()
        await desk.goto(f"{web_app.url}/approvals?box=mine")
        mine = desk.get_by_role("article", name=re.compile(rf"^Send e-mail draft #{draft['id']} "))
        # (The worker runs it; the mail itself goes nowhere in tests: a limit, not a measurement.)
        await expect(mine.get_by_text(re.compile(r"^(executed|failed)$"))).to_be_visible(
            timeout=90_000
        )
        await expect(mine).to_contain_text("Welcome, Edie: your first visit")
    finally:
        await desk.context.close()
    assert not dialogs


@pytest.mark.parametrize("scheme", ["light", "dark"])
async def test_policy_confirm_and_edit_pages_have_no_serious_accessibility_violations(
    browser: Any, web_app: WebApp, scheme: str, tmp_path: Path
) -> None:
    from tests.e2e.test_pages_a11y import AXE, serious_violations

    owner = web_app.api("owner")
    try:
        body = {"procedure": "tasks.create", "role": "owner", "policy": "confirm"}
        owner.post("/api/rpc/policies.set", json=body).raise_for_status()
        waiting = owner.post("/api/rpc/tasks.create", json={"title": f"axe {scheme}"})
        action_id = waiting.json()["confirm"]["action_id"]
        owner.post("/api/rpc/policies.set", json={**body, "policy": "default"}).raise_for_status()
    finally:
        owner.close()
    contact = web_app.rpc(
        "front_desk", "contacts.create", first_name="Axel", last_name=f"Mail{scheme}",
        email=f"axel.{scheme}@example.com",
    )  # fmt: skip
    draft = ready_draft(web_app, contact["id"])
    desk = web_app.api("front_desk")
    try:
        desk.post("/api/rpc/emails.send", json={"draft_id": draft["id"]})
    finally:
        desk.close()

    dialogs = Dialogs()
    page = await new_page(browser, dialogs, color_scheme=scheme)
    await page.context.add_init_script(path=str(AXE))
    found: dict[str, list[str]] = {}
    try:
        await sign_in(page, web_app, "owner", then="/admin/policies")
        await expect(page.get_by_role("heading", name="Policies", level=2)).to_be_visible()
        found["policies"] = await serious_violations(page)
        await page.screenshot(path=str(tmp_path / f"policies-{scheme}.png"))  # the viewport
        if scheme == "light":
            keep_screenshot(tmp_path / "policies-light.png", "policies.png")
        await page.goto(f"{web_app.url}/actions/{action_id}")
        await expect(page.get_by_role("button", name="Confirm")).to_be_visible()
        found["confirm page"] = await serious_violations(page)
        await shot(page, tmp_path, f"confirm-{scheme}")
        await page.goto(f"{web_app.url}/approvals")
        card = page.get_by_role("article", name=re.compile(rf"^Send e-mail draft #{draft['id']} "))
        await card.get_by_text("Edit before approving").click()
        found["approval edit"] = await serious_violations(page)
        # Saving a policy: the owner's change applies at once and the page says so.
        await page.goto(f"{web_app.url}/admin/policies")
        await page.get_by_label("tasks.create for every role").select_option("confirm")
        await page.get_by_role("button", name="Save tasks.create").click()
        await expect(page.get_by_role("status").filter(has_text="Policy saved")).to_be_visible()
        await expect(page.get_by_label("tasks.create for every role")).to_have_value("confirm")
        await page.get_by_label("tasks.create for every role").select_option("auto")
        await page.get_by_role("button", name="Save tasks.create").click()
        await expect(page.get_by_role("status").filter(has_text="Policy saved")).to_be_visible()
    finally:
        await page.context.close()
    assert not dialogs
    assert {k: v for k, v in found.items() if v} == {}
