"""My background jobs in the browser: progress and outcome live, cancel, errors in words."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from tests.plugins.browser import WebApp, keep_screenshot, shot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


async def _queued_job(web_app: WebApp, role: str, contact_id: int) -> int:
    """A job row the worker has not been told about (no queue message): it waits, so it can
    be cancelled (the reconciler would revive it only after `reconcile_after_seconds`)."""
    from sqlmodel import col, select

    from assistant.db.engine import create_engine, session_factory
    from assistant.db.models import User
    from assistant.privacy.keys import load_keyring
    from assistant.queue.rows import add_job

    settings = web_app.settings
    engine = create_engine(settings.database_url, keyring=load_keyring(settings.keys_path))
    try:
        async with session_factory(engine)() as session, session.begin():
            user = (
                await session.exec(select(User).where(col(User.email) == web_app.email(role)))
            ).one()
            job = await add_job(
                session, kind="contact.enrich", user_id=user.id,
                params={"contact_id": contact_id}, now=datetime.now(UTC),
            )  # fmt: skip
        assert job.id is not None
        return job.id
    finally:
        await engine.dispose()


async def test_my_jobs_finish_live_and_a_waiting_one_is_cancelled(
    page: Any, web_app: WebApp, tmp_path: Path
) -> None:
    contact = web_app.rpc("owner", "contacts.create", first_name="Joan", last_name="Jobsworth")
    await sign_in(page, web_app, "practitioner", then="/jobs")
    await expect(page.get_by_role("heading", name="Jobs", level=1)).to_be_visible()
    web_app.rpc("practitioner", "contacts.enrich", contact_id=contact["id"])
    await page.reload()
    done = page.get_by_role("article", name=re.compile(r"Look up a client's details")).first
    await expect(done.get_by_text("succeeded", exact=True)).to_be_visible(timeout=90_000)
    await expect(done.get_by_role("link", name=f"client #{contact['id']}")).to_be_visible()

    waiting_id = await _queued_job(web_app, "practitioner", contact["id"])
    await page.reload()
    waiting = page.get_by_role("article", name=re.compile(rf"#{waiting_id}$"))
    await expect(waiting.get_by_text("queued", exact=True)).to_be_visible()
    await expect(waiting.get_by_role("progressbar", name="Progress")).to_be_visible()
    keep_screenshot(await shot(page, tmp_path, "jobs"), "jobs.png")
    await waiting.get_by_role("button", name=f"Cancel job #{waiting_id}").click()
    await expect(page.get_by_text("Cancelled.")).to_be_visible()
    await expect(waiting.get_by_text("cancelled", exact=True)).to_be_visible()
    await expect(waiting.get_by_role("button", name=re.compile("Cancel"))).to_have_count(0)

    await page.get_by_role("link", name="Failed").click()
    await expect(page.get_by_role("link", name="Failed")).to_have_attribute("aria-current", "page")
    await expect(waiting).to_have_count(0)  # it was cancelled, not failed


async def _push_later(web_app: WebApp, job_id: int) -> None:
    """Queue the job for an hour from now, the way every job is queued (its owner hears of it),
    so it is still waiting while the test looks."""
    from assistant.db.models import Job
    from assistant.queue.rows import push
    from assistant.runtime import Runtime

    runtime = Runtime.create(web_app.settings)
    try:
        async with runtime.sessions() as session:
            job = await session.get(Job, job_id)
        assert job is not None
        await push(runtime, job, defer_seconds=3600)
    finally:
        await runtime.close()


async def test_a_job_queued_while_i_look_appears_at_once(page: Any, web_app: WebApp) -> None:
    contact = web_app.rpc("owner", "contacts.create", first_name="Nora", last_name="Newjob")
    await sign_in(page, web_app, "practitioner", then="/jobs")
    await expect(page.get_by_role("heading", name="Jobs", level=1)).to_be_visible()
    await page.evaluate("window.sameDocument = true")
    job_id = await _queued_job(web_app, "practitioner", contact["id"])
    await _push_later(web_app, job_id)
    waiting = page.get_by_role("article", name=re.compile(rf"#{job_id}$"))
    await expect(waiting.get_by_text("queued", exact=True)).to_be_visible()
    web_app.rpc("practitioner", "jobs.cancel", job_id=job_id)
    await expect(waiting.get_by_text("cancelled", exact=True)).to_be_visible()
    assert await page.evaluate("window.sameDocument === true"), "the page was reloaded"


async def test_another_users_job_cannot_be_cancelled(page: Any, web_app: WebApp) -> None:
    contact = web_app.rpc("owner", "contacts.create", first_name="Otto", last_name="Others")
    theirs = await _queued_job(web_app, "owner", contact["id"])
    await sign_in(page, web_app, "front_desk", then="/jobs")
    await expect(page.get_by_role("article", name=re.compile(rf"#{theirs}$"))).to_have_count(0)
    status = await page.evaluate(
        """async (id) => {
            const token = document.querySelector('meta[name="csrf-token"]').content;
            const body = new URLSearchParams({_csrf_token: token});
            return (await fetch(`/jobs/${id}/cancel`, {method: "POST", body})).status;
        }""",
        theirs,
    )
    assert status == 404
