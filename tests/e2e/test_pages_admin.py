"""The owner's pages: an account created, used and disabled (its open session ends), API
tokens shown once; and no admin for anyone else."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from tests.plugins.browser import Dialogs, WebApp, keep_screenshot, new_page, shot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


async def test_an_owner_creates_a_user_who_signs_in_until_disabled(
    page: Any, browser: Any, web_app: WebApp, tmp_path: Path
) -> None:
    email = f"nina.{uuid.uuid4().hex[:6]}@demo-clinic.example.com"
    await sign_in(page, web_app, "owner")
    await page.get_by_role("link", name="Admin").click()
    await expect(page.get_by_role("heading", name="Staff accounts")).to_be_visible()
    form = page.get_by_role("region", name="New account")
    await form.get_by_label("Email").fill(email)
    await form.get_by_label("Full name").fill("Nina Newhire")
    await form.get_by_label("Role").select_option("front_desk")
    await form.get_by_role("button", name="Create account").click()
    secret = page.get_by_role("textbox", name=f"Password for {email}")
    password = await secret.input_value()
    assert len(password) >= 10
    await shot(page, tmp_path, "created")

    dialogs = Dialogs()
    nina = await new_page(browser, dialogs)
    try:
        await nina.goto(f"{web_app.url}/login?next=/contacts")
        await nina.get_by_label("Email").fill(email)
        await nina.get_by_label("Password").fill(password)
        await nina.get_by_role("button", name="Sign in").click()
        await expect(nina.get_by_role("heading", name="Contacts", level=1)).to_be_visible()
        await expect(nina.get_by_role("link", name="Admin")).to_have_count(0)

        await page.goto(f"{web_app.url}/admin/users?page=1")
        account = page.get_by_role("article", name="Nina Newhire")
        while not await account.count():  # a long session: she may be on a later page
            await page.get_by_role("link", name="Next page").click()
        await account.get_by_role("button", name="Disable").click()
        await expect(page.get_by_text("Account disabled")).to_be_visible()

        await nina.goto(f"{web_app.url}/contacts")
        await expect(nina.get_by_role("heading", name="Sign in")).to_be_visible()
        await expect(nina).to_have_url(re.compile(r"/login"))
    finally:
        await nina.context.close()
    assert not dialogs


async def test_an_api_token_is_shown_once_copied_and_revoked(
    browser: Any, web_app: WebApp, tmp_path: Path
) -> None:
    dialogs = Dialogs()
    page = await new_page(browser, dialogs, permissions=["clipboard-read", "clipboard-write"])
    name = f"reports {uuid.uuid4().hex[:6]}"
    try:
        await sign_in(page, web_app, "owner", then="/admin/tokens")
        await page.get_by_label("Name").fill(name)
        await page.get_by_role("button", name="Create token").click()
        shown = page.get_by_role("textbox", name=re.compile(r"^API token for .*" + name))
        token = await shown.input_value()
        await page.get_by_role("button", name="Copy").click()
        await expect(page.get_by_text("Copied.")).to_be_visible()
        assert await page.evaluate("navigator.clipboard.readText()") == token
        keep_screenshot(await shot(page, tmp_path, "token"), "admin-token.png")
        # It works as a bearer token, until it is revoked.
        bearer = {"Authorization": f"Bearer {token}"}
        async with __import__("httpx").AsyncClient(base_url=web_app.url) as api:
            assert (
                await api.post("/api/rpc/users.list", json={}, headers=bearer)
            ).status_code == 200
            await page.goto(f"{web_app.url}/admin/tokens")
            assert token not in await page.content()  # shown once only
            row = page.get_by_role("row", name=re.compile(name))
            await row.get_by_role("button", name=re.compile("^Revoke")).click()
            await expect(page.get_by_text("Token revoked")).to_be_visible()
            assert (
                await api.post("/api/rpc/users.list", json={}, headers=bearer)
            ).status_code == 401

        await page.get_by_role("link", name="Audit trail").click()
        await expect(page.get_by_text("The audit trail is intact")).to_be_visible()
        await page.get_by_label("Action").select_option("tokens.revoke")
        await page.get_by_role("button", name="Filter").click()
        await expect(
            page.get_by_role("row", name=re.compile("tokens.revoke")).first
        ).to_be_visible()
        await shot(page, tmp_path, "audit")
    finally:
        await page.context.close()
    assert not dialogs


ADMIN_PAGES = ("/admin", "/admin/users", "/admin/tokens", "/admin/audit?procedure=users.list")


async def test_front_desk_sees_no_admin_and_is_refused_it(page: Any, web_app: WebApp) -> None:
    await sign_in(page, web_app, "front_desk")
    await expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    await expect(page.get_by_role("link", name="Admin")).to_have_count(0)
    for path in ADMIN_PAGES:
        response = await page.goto(f"{web_app.url}{path}")
        assert response.status == 403, path
        await expect(page.get_by_role("heading", name="You cannot do that")).to_be_visible()
    # A form post is refused too (with a valid CSRF token from a page it may open).
    await page.goto(f"{web_app.url}/contacts")
    status = await page.evaluate(
        """async () => {
            const token = document.querySelector('meta[name="csrf-token"]').content;
            const body = new URLSearchParams({_csrf_token: token, email: "x@clinic.example.com",
                                              role: "owner", full_name: "", timezone: "UTC"});
            const r = await fetch("/admin/users", {method: "POST", body});
            return r.status;
        }"""
    )
    assert status == 403
