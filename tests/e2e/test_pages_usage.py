"""The usage page as staff see it: their own hosted tokens; an owner sees everyone's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.clock import SystemClock
from assistant.db.engine import create_engine, session_factory
from assistant.db.models import User
from assistant.remote.usage import UsageBookDb
from inference.base import Usage
from tests.plugins.browser import Dialogs, WebApp, keep_screenshot, new_page, shot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


async def _record(web_app: WebApp, role: str, provider: str, model: str, n: int) -> None:
    from sqlmodel import select

    engine = create_engine(web_app.settings.database_url)
    try:
        sessions = session_factory(engine)
        async with sessions() as session:
            user = (await session.exec(select(User).where(User.email == web_app.email(role)))).one()
        book = UsageBookDb(sessions, SystemClock(), None)
        for _ in range(n):
            await book.record(user.id, provider, model, "chat", Usage(1200, 180))
    finally:
        await engine.dispose()


async def test_usage_page_shows_own_and_for_owners_everyones(
    browser: Any, web_app: WebApp, tmp_path: Path
) -> None:
    await _record(web_app, "practitioner", "anthropic", "claude-3-5-haiku-latest", 3)
    await _record(web_app, "owner", "openai", "gpt-4o-mini", 2)
    dialogs = Dialogs()
    page = await new_page(browser, dialogs)
    try:
        await sign_in(page, web_app, "practitioner", then="/usage")
        await page.goto(f"{web_app.url}/usage")
        await page.get_by_role("heading", name="Hosted model usage").wait_for()
        mine = page.get_by_role("table")
        assert await mine.get_by_role("cell", name="anthropic").count() == 1
        assert await mine.get_by_role("cell", name="openai").count() == 0  # not the owner's
        assert await page.get_by_label("Only my own usage").count() == 0
        await shot(page, tmp_path, "usage-practitioner")
        await page.context.clear_cookies()

        await sign_in(page, web_app, "owner", then="/usage")
        await page.goto(f"{web_app.url}/usage")
        everyone = page.get_by_role("table")
        assert await everyone.get_by_role("rowheader", name=web_app.email("practitioner")).count()
        assert await everyone.get_by_role("cell", name="openai").count() == 1
        path = await shot(page, tmp_path, "usage-owner")
        keep_screenshot(path, "usage.png")
        await page.get_by_label("Only my own usage").check()
        await page.get_by_role("button", name="Show").click()
        await page.wait_for_url(lambda url: "mine=true" in url)
        assert await page.get_by_role("table").get_by_role("cell", name="anthropic").count() == 0
        await shot(page, tmp_path, "usage-owner-mine")
    finally:
        await page.context.close()
    assert not dialogs
