"""What the browser must never do: run what a contact or the model wrote, show notes to the
front desk, or run an inline script; every page carries the strict CSP."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from playwright.async_api import expect

from server.pages.security import CONTENT_SECURITY_POLICY
from tests.plugins.browser import WebApp, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
HOSTILE = "<img src=x onerror=alert(1)>"


async def test_a_contact_named_like_markup_shows_as_text(page: Any, web_app: WebApp) -> None:
    contact = web_app.rpc("owner", "contacts.create", first_name=HOSTILE, last_name="Xss")
    await sign_in(page, web_app, "front_desk", then="/contacts?q=onerror")
    await expect(page.get_by_role("link", name=f"{HOSTILE} Xss")).to_be_visible()
    await page.goto(f"{web_app.url}/contacts/{contact['id']}")
    await expect(page.get_by_role("heading", name=f"{HOSTILE} Xss", level=1)).to_be_visible()
    assert "<img src=x" not in await page.content()  # escaped: &lt;img ...
    # the `page` fixture fails the test if alert(1) opened a dialog


async def test_front_desk_finds_no_note_text_anywhere(page: Any, web_app: WebApp) -> None:
    secret = f"Clinical detail {uuid.uuid4().hex}"
    contact = web_app.rpc("owner", "contacts.create", first_name="Nadia", last_name="Private")
    note = web_app.rpc("owner", "notes.add", contact_id=contact["id"], body=secret)
    web_app.rpc("front_desk", "contacts.delete", contact_id=contact["id"])  # an approval card
    await sign_in(page, web_app, "front_desk", then="/contacts?q=Nadia")
    await expect(page.get_by_role("link", name="Nadia Private")).to_be_visible()
    seen = [await page.content()]
    for path in (
        f"/contacts/{contact['id']}",
        f"/contacts/{contact['id']}/part/notes",
        "/approvals?box=mine",
        "/approvals?box=history",
        f"/notes/{note['id']}",
    ):
        await page.goto(f"{web_app.url}{path}")
        seen.append(await page.content())
    assert all(secret not in html for html in seen)
    await expect(page.get_by_role("heading", name="You cannot do that")).to_be_visible()
    await page.goto(f"{web_app.url}/contacts/{contact['id']}")
    await expect(page.get_by_role("heading", name="Notes")).to_have_count(0)


async def test_every_page_has_the_csp_and_an_injected_inline_script_does_not_run(
    page: Any, web_app: WebApp
) -> None:
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert "'unsafe-eval'" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    response = await page.goto(f"{web_app.url}/login")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    await sign_in(page, web_app, "practitioner")
    for path in ("/contacts", "/contacts/1", "/contacts/new", "/approvals", "/no-such-page"):
        response = await page.goto(f"{web_app.url}{path}")
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store", path  # personal data
    await page.goto(f"{web_app.url}/contacts")
    ran = await page.evaluate(
        """() => {
            window.injected = false;
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.append(script);
            const div = document.createElement("div");
            div.innerHTML = '<img src="data:," onerror="window.injected = true">';
            document.body.append(div);
            return new Promise((done) => setTimeout(() => done(window.injected), 300));
        }"""
    )
    assert ran is False


async def test_session_cookie_is_http_only_and_same_site_lax(page: Any, web_app: WebApp) -> None:
    await sign_in(page, web_app, "viewer")
    cookies = {c["name"]: c for c in await page.context.cookies()}
    session = cookies["assistant_session"]
    assert session["httpOnly"] is True
    assert session["sameSite"] == "Lax"


async def test_a_form_post_without_the_csrf_token_is_refused(page: Any, web_app: WebApp) -> None:
    contact = web_app.rpc("owner", "contacts.create", first_name="Cara", last_name="Forged")
    await sign_in(page, web_app, "practitioner")
    response = await page.request.post(
        f"{web_app.url}/contacts/{contact['id']}/tags",
        form={"tag": "forged"},
        headers={"Origin": web_app.url},
    )
    assert response.status == 403
    assert "forged" not in web_app.rpc("owner", "contacts.get", contact_id=contact["id"])["tags"]
