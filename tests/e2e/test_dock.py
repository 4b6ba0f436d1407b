"""The co-pilot dock in a real browser: act on the page you are on, answer "which Sam?",
render hostile replies inert, stop a long reply, and keep the conversation across reloads.

The engine is scripted: `web_app.calls` answers the command parser's model step (which
procedure, with which mentions) and `web_app.replies` the chat replies, by the message sent.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from inference.scripted import ScriptedReply
from tests.plugins.browser import Dialogs, WebApp, keep_screenshot, new_page, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


async def open_contact(page: Any, name: str) -> None:
    await page.get_by_role("link", name=name, exact=True).first.click()
    await expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()


async def open_dock(page: Any) -> Any:
    await page.get_by_role("button", name="Co-pilot", exact=True).click()
    dock = page.get_by_role("complementary", name="Co-pilot")
    await expect(dock).to_be_visible()
    await expect(dock.get_by_label("Message")).to_be_focused()
    return dock


async def ask(dock: Any, text: str) -> None:
    await dock.get_by_label("Message").fill(text)
    await dock.get_by_role("button", name="Send").click()


async def test_a_note_from_the_dock_appears_on_the_page_and_the_chat_survives_a_reload(
    page: Any, web_app: WebApp, tmp_path: Path
) -> None:
    web_app.calls["add a note: prefers mornings"] = ScriptedReply(
        tool_calls=[("notes_add", {"body": "prefers mornings"})]
    )
    await sign_in(page, web_app, "practitioner")
    await page.get_by_label("Search", exact=True).fill("Jane Doe")
    await open_contact(page, "Jane Doe")
    await page.evaluate("window.sameDocument = true")
    dock = await open_dock(page)

    await ask(dock, "add a note: prefers mornings")
    card = dock.get_by_role("article", name="Added a note to Jane Doe's record")
    await expect(card).to_be_visible()
    await expect(card.get_by_role("link", name="Open Jane Doe's note")).to_be_visible()
    notes = page.get_by_role("main").get_by_text("prefers mornings", exact=True)
    await expect(notes).to_be_visible()
    assert await page.evaluate("window.sameDocument === true"), "the page was not reloaded"

    web_app.replies["what should I ask her next time?"] = ScriptedReply(
        text="Ask Jane **how her mornings went**, and whether the new time suits her:\n\n"
        "- energy before and after\n- any stiffness on waking"
    )
    await ask(dock, "what should I ask her next time?")
    await expect(dock.get_by_text("how her mornings went")).to_be_visible()
    await expect(dock.get_by_role("button", name="Send")).to_be_visible()
    await expect(dock.get_by_text("what should I ask her next time?", exact=True)).to_have_count(1)
    await page.screenshot(path=str(tmp_path / "dock.png"))  # the viewport: the dock is fixed
    keep_screenshot(tmp_path / "dock.png", "dock.png")

    await page.reload()
    dock = page.get_by_role("complementary", name="Co-pilot")
    await expect(dock.get_by_text("add a note: prefers mornings")).to_be_visible()
    await expect(
        dock.get_by_role("article", name="Added a note to Jane Doe's record")
    ).to_be_visible()
    await expect(dock.get_by_text("how her mornings went")).to_be_visible()

    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Contacts").click()
    await expect(page.get_by_role("heading", name="Contacts", level=1)).to_be_visible()
    await expect(dock.get_by_text("how her mornings went")).to_be_visible()


async def test_choosing_a_candidate_runs_the_action_on_that_person(
    page: Any, web_app: WebApp
) -> None:
    web_app.calls["add a note to Sam: knee better"] = ScriptedReply(
        tool_calls=[("notes_add", {"contact": "Sam", "body": "knee better"})]
    )
    await sign_in(page, web_app, "owner")
    dock = await open_dock(page)
    await ask(dock, "add a note to Sam: knee better")
    choices = dock.get_by_role("group", name="Choose one")
    await expect(choices.get_by_role("button", name=re.compile(r"^Sam Lee"))).to_be_visible()
    await choices.get_by_role("button", name=re.compile(r"^Sam Patel")).click()
    await expect(
        dock.get_by_role("article", name="Added a note to Sam Patel's record")
    ).to_be_visible()
    await expect(choices).to_have_count(0)

    client = web_app.api("owner")
    try:
        found = client.post("/api/rpc/contacts.search", json={"query": "Sam Patel"}).json()
        patel = found["items"][0]
        notes = client.post("/api/rpc/notes.list", json={"contact_id": patel["id"]}).json()
    finally:
        client.close()
    assert [n["body"] for n in notes["items"]][:1] == ["knee better"]


async def test_markup_in_a_reply_is_shown_as_text_and_never_runs(
    page: Any, web_app: WebApp
) -> None:
    web_app.replies["show me some markup"] = ScriptedReply(
        text="Careful: <script>alert('script')</script> <img src=x onerror=alert('img')> "
        "[open this](javascript:alert('link')) <!-- a hidden comment --> **done**"
    )
    await sign_in(page, web_app, "practitioner")
    dock = await open_dock(page)
    await ask(dock, "show me some markup")
    await expect(dock.get_by_text("done", exact=True)).to_be_visible()
    await expect(dock.get_by_text("<script>alert('script')</script>", exact=False)).to_be_visible()
    await expect(dock.get_by_role("img")).to_have_count(0)
    await expect(dock.get_by_role("link", name="open this")).to_have_count(0)
    html = await page.content()
    assert "<script>alert" not in html and "<!-- a hidden comment" not in html
    assert not page.dialogs


async def test_stop_ends_a_long_reply_and_keeps_it_marked_interrupted(
    page: Any, web_app: WebApp
) -> None:
    story = " ".join(f"word{i}" for i in range(600))
    web_app.replies["tell me a long story"] = ScriptedReply(text=story, token_delay=0.05)
    await sign_in(page, web_app, "practitioner")
    dock = await open_dock(page)
    await ask(dock, "tell me a long story")
    await expect(dock.get_by_text("word5", exact=False)).to_be_visible()
    await dock.get_by_role("button", name="Stop").click()
    await expect(dock.get_by_text("Interrupted: you stopped this reply.")).to_be_visible()
    await expect(dock.get_by_role("button", name="Send")).to_be_visible()
    await expect(dock.get_by_text("word599", exact=False)).to_have_count(0)

    await page.reload()
    dock = page.get_by_role("complementary", name="Co-pilot")
    await expect(dock.get_by_text("Interrupted: you stopped this reply.")).to_be_visible()
    await expect(dock.get_by_text("word1 word2", exact=False)).to_be_visible()


async def test_the_dock_offers_a_front_desk_user_only_what_they_may_ask(
    page: Any, web_app: WebApp
) -> None:
    await sign_in(page, web_app, "front_desk")
    await page.get_by_label("Search", exact=True).fill("Jane Doe")
    await open_contact(page, "Jane Doe")
    dock = await open_dock(page)
    await dock.get_by_role("button", name="New chat").click()
    await ask(dock, "what can you do?")
    await expect(dock.get_by_text("As front desk, you can ask me to:")).to_be_visible()
    await expect(dock.get_by_text("Find contacts", exact=False)).to_be_visible()
    html = await page.content()
    assert "add a note" not in html.lower()
    assert "Prefers morning sessions" not in html  # the demo's note text
    await page.keyboard.press("Escape")
    await expect(dock).to_be_hidden()
    await page.keyboard.press("Control+k")
    await expect(dock.get_by_label("Message")).to_be_focused()


async def test_an_approval_is_decided_from_another_dock_and_the_card_follows_live(
    page: Any, browser: Any, web_app: WebApp, tmp_path: Path
) -> None:
    client = web_app.api("front_desk")
    try:
        made = client.post(
            "/api/rpc/contacts.create", json={"first_name": "Dora", "last_name": "Leaving"}
        ).json()
    finally:
        client.close()
    web_app.calls["delete this contact"] = ScriptedReply(tool_calls=[("contacts_delete", {})])
    dialogs = Dialogs()
    other = await new_page(browser, dialogs)
    try:
        await sign_in(other, web_app, "practitioner")
        theirs = await open_dock(other)
        await expect(theirs.get_by_role("button", name="what can you do?")).to_be_visible()

        await sign_in(page, web_app, "front_desk", then=f"/contacts/{made['id']}")
        desk = await open_dock(page)
        await ask(desk, "delete this contact")
        card = desk.get_by_role("article", name=re.compile(r"^Approval request #\d+$"))
        await expect(card).to_be_visible()
        await expect(card.get_by_text("pending", exact=True)).to_be_visible()
        await expect(card.get_by_text("Owner or Practitioner, other than you")).to_be_visible()
        await expect(card.get_by_role("button", name="Approve")).to_have_count(0)

        waiting = theirs.get_by_role("article", name=await card.get_attribute("aria-label"))
        await expect(waiting.get_by_role("button", name="Approve")).to_be_visible()
        await waiting.get_by_role("button", name="Approve").click()
        await expect(waiting.get_by_role("button", name="Approve")).to_have_count(0)
    finally:
        await other.screenshot(path=str(tmp_path / "approver.png"))
        await other.context.close()
    assert not dialogs
    await expect(card.get_by_text("executed", exact=True)).to_be_visible(timeout=90_000)


async def test_at_tablet_width_the_dock_leaves_the_form_in_view(
    page: Any, web_app: WebApp, tmp_path: Path
) -> None:
    await page.set_viewport_size({"width": 820, "height": 1180})
    await sign_in(page, web_app, "practitioner")
    await page.get_by_label("Search", exact=True).fill("Jane Doe")
    await open_contact(page, "Jane Doe")
    dock = await open_dock(page)
    field = page.get_by_role("main").get_by_label("New note")
    await field.fill("typing while the dock is open")
    panel, box = await dock.bounding_box(), await field.bounding_box()
    assert panel is not None and box is not None
    assert box["x"] + box["width"] <= panel["x"], (box, panel)
    assert box["width"] > 200, "the form still has room"
    await page.screenshot(path=str(tmp_path / "tablet.png"))


async def test_a_background_job_fills_its_progress_bar(page: Any, web_app: WebApp) -> None:
    web_app.calls["look up her details"] = ScriptedReply(tool_calls=[("contacts_enrich", {})])
    await sign_in(page, web_app, "practitioner")
    await page.get_by_label("Search", exact=True).fill("Priya Nair")
    await open_contact(page, "Priya Nair")
    dock = await open_dock(page)
    await ask(dock, "look up her details")
    card = dock.get_by_role("article", name="Looking up Priya Nair's details in the background")
    bar = card.get_by_role("progressbar", name="Progress")
    await expect(bar).to_be_visible()
    await expect(bar).to_have_js_property("position", 1, timeout=90_000)


@pytest.mark.parametrize("scheme", ["light", "dark"])
async def test_the_open_dock_has_no_serious_accessibility_violations(
    browser: Any, web_app: WebApp, scheme: str, tmp_path: Path
) -> None:
    from tests.e2e.test_pages_a11y import AXE, serious_violations

    web_app.calls["add a note to Sam: stretches daily"] = ScriptedReply(
        tool_calls=[("notes_add", {"contact": "Sam", "body": "stretches daily"})]
    )
    web_app.replies["summarise the week"] = ScriptedReply(
        text="**Three** things:\n\n1. Jane prefers mornings\n2. Sam's knee is better\n"
        "3. `Omar` missed a session"
    )
    dialogs = Dialogs()
    page = await new_page(browser, dialogs, color_scheme=scheme)
    await page.context.add_init_script(path=str(AXE))
    try:
        await sign_in(page, web_app, "owner")
        dock = await open_dock(page)
        await ask(dock, "summarise the week")
        await expect(dock.get_by_text("Jane prefers mornings")).to_be_visible()
        await ask(dock, "add a note to Sam: stretches daily")
        await expect(dock.get_by_role("group", name="Choose one")).to_be_visible()
        found = await serious_violations(page)
        await page.screenshot(path=str(tmp_path / f"dock-{scheme}.png"))
    finally:
        await page.context.close()
    assert not dialogs
    assert found == []


async def test_a_failed_reply_says_so_in_words_and_retry_sends_it_again(
    page: Any, web_app: WebApp
) -> None:
    web_app.replies["how are you today?"] = ScriptedReply(text="Fine thanks and", fail_after=2)
    await sign_in(page, web_app, "viewer")
    dock = await open_dock(page)
    await ask(dock, "how are you today?")
    alert = dock.get_by_role("alert")
    await expect(alert).to_contain_text("The language model failed")
    web_app.replies["how are you today?"] = ScriptedReply(text="Very well, thank you.")
    await alert.get_by_role("button", name="Retry").click()
    await expect(dock.get_by_text("Very well, thank you.")).to_be_visible()
    await expect(dock.get_by_role("alert")).to_have_count(0)


async def test_past_conversations_are_listed_searchable_and_reopen(
    page: Any, web_app: WebApp
) -> None:
    web_app.replies["remind me what quinoa is"] = ScriptedReply(text="A seed eaten as a grain.")
    await sign_in(page, web_app, "viewer")
    dock = await open_dock(page)
    await ask(dock, "remind me what quinoa is")
    await expect(dock.get_by_text("A seed eaten as a grain.")).to_be_visible()
    await dock.get_by_role("button", name="New chat").click()
    await expect(dock.get_by_text("remind me what quinoa is")).to_have_count(0)

    await dock.get_by_role("button", name="Past chats").click()
    await dock.get_by_label("Search conversations").fill("quinoa")
    found = dock.get_by_role("button", name=re.compile("remind me what quinoa is"))
    await expect(found).to_have_count(1)
    await dock.get_by_label("Search conversations").fill("no such words anywhere")
    await expect(dock.get_by_text("No conversations match.")).to_be_visible()
    await dock.get_by_label("Search conversations").fill("quinoa")
    await found.click()
    await expect(dock.get_by_text("A seed eaten as a grain.")).to_be_visible()
