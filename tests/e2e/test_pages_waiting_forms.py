"""A page form whose call the clinic's policy makes wait (issue 18): the browser lands where
the waiting request is shown, with a notice in words, never on an error page; an htmx request
is told where to go (`HX-Redirect`) instead of being handed a page to swap in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.async_api import expect

from tests.plugins.browser import WebApp, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def tasks_wait(web_app: WebApp, request: pytest.FixtureRequest) -> Iterator[str]:
    """The clinic makes the front desk's new tasks wait (`confirm` or `approve`)."""
    level: str = request.param
    owner = web_app.api("owner")
    body = {"procedure": "tasks.create", "role": "front_desk"}
    try:
        owner.post("/api/rpc/policies.set", json={**body, "policy": level}).raise_for_status()
        yield level
    finally:
        owner.post("/api/rpc/policies.set", json={**body, "policy": "default"}).raise_for_status()
        owner.close()


LANDS = {
    "approve": (r"/approvals\?box=mine&asked=(\d+)$", r"Request #\d+ sent for approval"),
    "confirm": (r"/actions/(\d+)\?asked=1$", r"asks you to confirm this before it runs"),
}


@pytest.mark.parametrize("tasks_wait", ["approve", "confirm"], indirect=True)
async def test_a_form_whose_call_waits_lands_on_the_waiting_request(
    page: Any, web_app: WebApp, tasks_wait: str
) -> None:
    where, said = LANDS[tasks_wait]
    await sign_in(page, web_app, "front_desk", then="/tasks")
    await page.get_by_label("What needs doing").fill(f"order gauze ({tasks_wait})")
    await page.get_by_role("button", name="Add task").click()
    await page.wait_for_url(re.compile(where))
    await expect(page.get_by_role("status").filter(has_text=re.compile(said))).to_be_visible()
    await expect(page.get_by_role("heading", name="Something went wrong")).to_have_count(0)
    if tasks_wait == "confirm":
        await expect(page.get_by_role("button", name="Confirm")).to_be_visible()

    # The same form posted by htmx: the page is told where to go, not handed a page to swap.
    token = await page.goto(f"{web_app.url}/tasks")
    assert token is not None and token.ok
    csrf = await page.locator("input[name=_csrf_token]").first.input_value()
    answer = await page.request.post(
        f"{web_app.url}/tasks",
        form={"_csrf_token": csrf, "title": f"order tape ({tasks_wait})"},
        headers={"HX-Request": "true", "Origin": web_app.url},
        max_redirects=0,
    )
    assert answer.status == 204, await answer.text()
    assert re.search(where, answer.headers["hx-redirect"]), answer.headers
