"""A failed job and a failed send, on their pages: in words, never the exception's text."""

from __future__ import annotations

import smtplib

from litestar import Litestar
from litestar.testing import AsyncTestClient

from assistant.db.models import Contact, EmailDraft, Job
from assistant.jobs.email import _in_words
from assistant.runtime import Runtime
from tests.plugins.app import Member

Client = AsyncTestClient[Litestar]
REFUSED = ConnectionRefusedError(111, "Connection refused")
SIGN_IN = smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication credentials invalid")


async def test_a_failed_job_says_why_in_words(
    runtime: Runtime, staff: dict[str, Member], client: Client
) -> None:
    me = staff["front_desk"]
    async with runtime.sessions() as session, session.begin():
        job = Job(
            kind="email.send", user_id=me.user_id, params={"draft_id": 1}, status="failed",
            attempts=3, error=f"{type(REFUSED).__name__}: {REFUSED}",
        )  # fmt: skip
        session.add(job)
    page = await client.get("/jobs?status=failed", headers=me.headers)
    assert page.status_code == 200, page.text
    assert f'id="job-{job.id}"' in page.text
    assert "The mail server could not be reached: it may be down, or the network is." in page.text
    assert "ConnectionRefusedError" not in page.text and "Errno" not in page.text


async def test_a_failed_send_says_why_on_the_draft_page(
    runtime: Runtime, staff: dict[str, Member], client: Client
) -> None:
    me = staff["front_desk"]
    async with runtime.sessions() as session, session.begin():
        contact = Contact(first_name="Unsent", email="unsent@example.com")
        session.add(contact)
        await session.flush()
        assert contact.id is not None
        draft = EmailDraft(
            contact_id=contact.id, author_id=me.user_id, purpose="follow_up", subject="Hello",
            body="Hi", status="failed", error=_in_words(SIGN_IN),
        )  # fmt: skip
        session.add(draft)
    page = await client.get(f"/emails/{draft.id}", headers=me.headers)
    assert page.status_code == 200, page.text
    why = page.text.split('class="draft-error"', 1)[1].split("</p>", 1)[0]
    assert "Why it failed:" in why and "The mail server refused to let us sign in." in why
    assert "SMTPAuthenticationError" not in page.text
    for raw in ("535", "5.7.8"):  # the server's reply (a page's ids and tokens may hold digits)
        assert raw not in why
