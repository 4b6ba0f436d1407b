"""axe-core (vendored) on the main pages, light and dark: no serious or critical WCAG 2 AA
violation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.plugins.browser import Dialogs, WebApp, new_page, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core-4.14.1" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


async def serious_violations(page: Any) -> list[str]:
    result = await page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
async def test_main_pages_have_no_serious_accessibility_violations(
    browser: Any, web_app: WebApp, scheme: str, tmp_path: Path
) -> None:
    contact = web_app.rpc("owner", "contacts.create", first_name="Alma", last_name=f"Axe{scheme}")
    web_app.rpc("front_desk", "contacts.delete", contact_id=contact["id"])  # a card to decide
    task = web_app.rpc("practitioner", "tasks.create", title="Axe check", contact_id=1)
    appointment = web_app.rpc(
        "practitioner", "appointments.book", contact_id=1,
        starts_at="2032-01-05T09:00:00Z" if scheme == "light" else "2032-01-06T09:00:00Z",
    )  # fmt: skip
    dialogs = Dialogs()
    page = await new_page(browser, dialogs, color_scheme=scheme)
    # An init script is injected by the browser itself, so the page's CSP does not stop it.
    await page.context.add_init_script(path=str(AXE))
    found: dict[str, list[str]] = {}
    try:
        await page.goto(f"{web_app.url}/login")
        found["sign-in"] = await serious_violations(page)
        await sign_in(page, web_app, "practitioner")
        for name, path in (
            ("contacts", "/contacts"),
            ("contact", "/contacts/1"),
            ("contact form", f"/contacts/{contact['id']}/edit"),
            ("approvals", "/approvals"),
            ("home", "/"),
            ("tasks", "/tasks"),
            ("task", f"/tasks/{task['id']}"),
            ("week", "/appointments"),
            ("day", "/appointments?view=day"),
            ("booking form", "/appointments/new"),
            ("appointment", f"/appointments/{appointment['id']}"),
            ("usage", "/usage"),
        ):
            await page.goto(f"{web_app.url}{path}")
            found[name] = await serious_violations(page)
        await page.screenshot(path=str(tmp_path / f"{scheme}.png"), full_page=True)
    finally:
        await page.context.close()
    assert not dialogs
    assert {k: v for k, v in found.items() if v} == {}
