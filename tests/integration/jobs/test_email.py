"""E-mail: send after approval through a real SMTP server, retries, `unknown` after a crash,
and model drafts in a job."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from litestar.testing import AsyncTestClient

from assistant.db.models import EmailDraft, Job
from assistant.procedures.executor import Executor
from assistant.runtime import Runtime
from assistant.settings import Settings
from inference.scripted import ScriptedEngine, ScriptedReply
from tests.plugins.app import Member
from tests.plugins.jobs import jobs_for, run
from tests.plugins.records import Records
from tests.plugins.servers import Inbox

Client = AsyncTestClient  # type: ignore[type-arg]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


async def _executor(settings: Settings, **smtp: Any) -> Executor:
    from assistant import compose

    configured = settings.model_copy(
        update={
            "smtp": settings.smtp.model_copy(update=smtp),
            "jobs": settings.jobs.model_copy(update={"max_attempts": 2}),
        }
    )
    return Executor(Runtime.create(configured), compose.procedures())


@pytest.fixture
async def mailer(app_settings: Settings, smtp_server: tuple[Inbox, int]) -> AsyncIterator[Executor]:
    executor = await _executor(
        app_settings, host="127.0.0.1", port=smtp_server[1], sender="front@clinic.example.com"
    )
    yield executor
    await executor.runtime.close()


async def approved_send(
    client: Client, staff: dict[str, Member], executor: Executor, email: str = "omar@example.com"
) -> tuple[dict[str, Any], Job]:
    records = Records(client, staff["front_desk"])
    contact = await records.contact(first_name="Omar", email=email)
    draft = await records.draft(contact["id"])
    pending = await client.post(
        "/api/rpc/emails.send", json={"draft_id": draft["id"]}, headers=staff["front_desk"].headers
    )
    assert pending.status_code == 202
    approval_id = pending.json()["approval_id"]
    await client.post(
        f"/api/approvals/{approval_id}/approve", json={}, headers=staff["practitioner"].headers
    )
    [execute] = await jobs_for(executor, idempotency_key=f"approval:{approval_id}")
    assert await run(executor, execute.id or 0) == "succeeded"
    [send] = [
        j
        for j in await jobs_for(executor, kind="email.send")
        if j.params == {"draft_id": draft["id"]}
    ]
    return draft, send


async def _draft(executor: Executor, draft_id: int) -> EmailDraft:
    async with executor.runtime.sessions() as session:
        row = await session.get(EmailDraft, draft_id)
    assert row is not None
    return row


async def test_an_approved_email_arrives_once_with_its_recorded_message_id(
    client: Client, staff: dict[str, Member], mailer: Executor, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp_server
    draft, send = await approved_send(client, staff, mailer)
    assert (await _draft(mailer, draft["id"])).status == "queued"
    assert await run(mailer, send.id or 0) == "succeeded"
    row = await _draft(mailer, draft["id"])
    assert row.status == "sent" and row.message_id
    [message] = inbox.messages
    assert message["Message-ID"] == row.message_id
    assert message["To"] == "omar@example.com" and message["Subject"] == draft["subject"]
    assert "Dear Omar" in message.get_payload()
    # Redelivered: nothing is sent twice.
    async with mailer.runtime.sessions() as session, session.begin():
        job = await session.get(Job, send.id)
        assert job is not None
        job.status = "queued"
        session.add(job)
    await run(mailer, send.id or 0)
    assert len(inbox.messages) == 1
    steps = await delivery_audit(mailer, send.id or 0)
    assert steps == [("emails.set_delivery", "job", "ok")] * 2  # sending, then sent


async def delivery_audit(executor: Executor, job_id: int) -> list[tuple[str, str | None, str]]:
    """The audit rows a job's writes left, as (procedure, principal kind, outcome)."""
    from sqlmodel import col, select

    from assistant.db.models import AuditEvent

    async with executor.runtime.sessions() as session:
        rows = (
            await session.exec(
                select(AuditEvent)
                .where(col(AuditEvent.job_id) == job_id)
                .order_by(col(AuditEvent.seq))
            )
        ).all()
    return [(r.procedure, r.principal_kind, r.outcome) for r in rows]


async def test_refused_connections_retry_then_fail_visibly(
    client: Client, staff: dict[str, Member], app_settings: Settings
) -> None:
    closed = _free_port()  # nothing listens there
    executor = await _executor(app_settings, host="127.0.0.1", port=closed)
    try:
        draft, send = await approved_send(client, staff, executor)
        assert await run(executor, send.id or 0) == "queued"  # retry scheduled with backoff
        row = await _draft(executor, draft["id"])
        assert row.status == "queued" and row.message_id
        first_id = row.message_id
        assert await run(executor, send.id or 0) == "failed"
        row = await _draft(executor, draft["id"])
        assert row.status == "failed" and row.message_id == first_id
        [job] = [j for j in await jobs_for(executor, kind="email.send") if j.id == send.id]
        assert job.attempts == 2 and "ConnectionRefusedError" in (job.error or "")
    finally:
        await executor.runtime.close()


async def test_a_crash_between_send_and_commit_ends_unknown_not_duplicated(
    client: Client, staff: dict[str, Member], mailer: Executor, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp_server
    draft, send = await approved_send(client, staff, mailer)
    async with mailer.runtime.sessions() as session, session.begin():
        row = await session.get(EmailDraft, draft["id"])
        assert row is not None
        row.status, row.message_id = "sending", "<crashed@clinic.example.com>"
        session.add(row)
    assert await run(mailer, send.id or 0) == "succeeded"
    assert (await _draft(mailer, draft["id"])).status == "unknown"
    assert inbox.messages == []


async def test_no_address_fails_at_once(
    client: Client, staff: dict[str, Member], mailer: Executor
) -> None:
    records = Records(client, staff["front_desk"])
    contact = await records.contact(first_name="NoMail")
    draft = await records.draft(contact["id"])
    async with mailer.runtime.sessions() as session, session.begin():
        row = await session.get(EmailDraft, draft["id"])
        assert row is not None
        row.status = "queued"
        job = Job(
            kind="email.send", user_id=staff["front_desk"].user_id, params={"draft_id": draft["id"]}
        )
        session.add_all([row, job])
    assert await run(mailer, job.id or 0) == "failed"
    assert (await _draft(mailer, draft["id"])).status == "failed"


async def test_model_drafts_replace_the_template_in_a_job(
    client: Client, staff: dict[str, Member], app_settings: Settings
) -> None:
    from assistant import compose

    settings = app_settings.model_copy(update={"engine": "scripted"})
    executor = Executor(Runtime.create(settings), compose.procedures())
    engine = ScriptedEngine(script=[ScriptedReply(text="Hi Omar, we missed you on Monday.")])
    await engine.start()
    try:
        contact = await Records(client, staff["front_desk"]).contact(first_name="Omar")
        from assistant.db.models import User
        from assistant.procedures.context import Principal

        async with executor.runtime.sessions() as session:
            user = await session.get(User, staff["front_desk"].user_id)
        assert user is not None
        done = await executor.call(
            Principal.of(user),
            "emails.draft",
            {"contact_id": contact["id"], "purpose": "follow_up", "instructions": "missed Monday"},
            source="http",
        )
        draft = done.output.model_dump()  # type: ignore[union-attr]
        assert draft["status"] == "pending"
        [job] = [
            j
            for j in await jobs_for(executor, kind="email.draft")
            if j.params == {"draft_id": draft["id"]}
        ]
        assert await run(executor, job.id or 0, engine) == "succeeded"
        row = await _draft(executor, draft["id"])
        assert row.status == "ready" and row.body == "Hi Omar, we missed you on Monday."
        assert await delivery_audit(executor, job.id or 0) == [("emails.finish_draft", "job", "ok")]
        prompt = engine.requests[0].messages[-1]["content"]
        assert '<crm-data name="e-mail to write">' in prompt and "missed Monday" in prompt
    finally:
        await engine.close()
        await executor.runtime.close()
