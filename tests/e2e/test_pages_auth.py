"""Signing in and out in a real browser, and a session that ends mid-visit."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from tests.plugins.browser import WebApp, shot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


async def test_sign_in_then_sign_out(page: Any, web_app: WebApp, tmp_path: Path) -> None:
    await page.goto(f"{web_app.url}/contacts")
    await expect(page).to_have_url(re.compile(r"/login\?next=%2Fcontacts"))
    await shot(page, tmp_path, "sign-in")
    await sign_in(page, web_app, "practitioner")
    await expect(page.get_by_role("heading", name="Contacts", level=1)).to_be_visible()
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_text("You have signed out.")).to_be_visible()
    await page.goto(f"{web_app.url}/contacts")
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


async def test_wrong_password_is_said_next_to_the_field(page: Any, web_app: WebApp) -> None:
    await page.goto(f"{web_app.url}/login")
    await page.get_by_label("Email").fill(web_app.email("viewer"))
    await page.get_by_label("Password").fill("not the password")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    await expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_text("is not right").first).to_be_visible()


async def test_too_many_failures_lock_the_account_with_a_message(
    page: Any, web_app: WebApp
) -> None:
    email = "nobody-here@demo-clinic.example.com"
    await page.goto(f"{web_app.url}/login")
    for _ in range(web_app.settings.auth.login_max_failures + 1):
        await page.get_by_label("Email").fill(email)
        await page.get_by_label("Password").fill("guess")
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_role("alert")).to_be_visible()
    await expect(page.get_by_role("alert")).to_contain_text("Too many attempts")


async def test_an_ended_session_returns_to_the_page_after_signing_in(
    page: Any, web_app: WebApp
) -> None:
    await sign_in(page, web_app, "owner")
    await page.goto(f"{web_app.url}/contacts?q=Jane")
    web_app.end_sessions("owner")
    await page.reload()
    await expect(page.get_by_text("Your session has ended")).to_be_visible()
    await page.get_by_label("Email").fill(web_app.email("owner"))
    await page.get_by_label("Password").fill(web_app.password("owner"))
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(f"{web_app.url}/contacts?q=Jane")
    await expect(page.get_by_role("link", name="Jane Doe")).to_be_visible()
