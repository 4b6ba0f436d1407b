"""axe-core on the e-mail, jobs and admin pages, light and dark: no serious or critical
WCAG 2 AA violation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_pages_a11y import AXE, serious_violations
from tests.plugins.browser import Dialogs, WebApp, new_page, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.mark.parametrize("scheme", ["light", "dark"])
async def test_office_pages_have_no_serious_accessibility_violations(
    browser: Any, web_app: WebApp, scheme: str, tmp_path: Path
) -> None:
    contact = web_app.rpc(
        "owner", "contacts.create", first_name="Axel", last_name=f"Mail{scheme}",
        email="axel@example.com",
    )  # fmt: skip
    draft = web_app.rpc("owner", "emails.draft", contact_id=contact["id"], purpose="reminder")
    web_app.rpc("owner", "contacts.enrich", contact_id=contact["id"])  # a job to show
    dialogs = Dialogs()
    page = await new_page(browser, dialogs, color_scheme=scheme)
    await page.context.add_init_script(path=str(AXE))
    found: dict[str, list[str]] = {}
    try:
        await sign_in(page, web_app, "owner")
        for name, path in (
            ("e-mail", "/emails"),
            ("e-mail empty filter", "/emails?status=unknown"),
            ("draft", f"/emails/{draft['id']}"),
            ("jobs", "/jobs"),
            ("users", "/admin/users"),
            ("tokens", "/admin/tokens"),
            ("audit", "/admin/audit"),
        ):
            await page.goto(f"{web_app.url}{path}")
            found[name] = await serious_violations(page)
            await page.screenshot(path=str(tmp_path / f"{scheme}-{name}.png"), full_page=True)
        await page.goto(f"{web_app.url}/admin/users")  # a form with errors, and a secret
        await page.get_by_role("button", name="Create account").click()
        found["users with errors"] = await serious_violations(page)
        await page.goto(f"{web_app.url}/admin/tokens")
        await page.get_by_role("button", name="Create token").click()
        found["token shown once"] = await serious_violations(page)
        await page.screenshot(path=str(tmp_path / f"{scheme}-token.png"), full_page=True)
    finally:
        await page.context.close()
    assert not dialogs
    assert {k: v for k, v in found.items() if v} == {}
