"""Attacks on an approved e-mail (issue 15 items 2 and 3): redirecting it after the request,
changing its text after the request, and asking approval for text the model is still writing.
Each ran against the app before the fix and succeeded; here each fails."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from assistant import compose
from assistant.db.models import Approval, EmailDraft, User
from assistant.procedures.context import Principal
from assistant.procedures.executor import Executor
from assistant.runtime import Runtime
from assistant.settings import Settings
from inference.scripted import ScriptedEngine, ScriptedReply
from tests.integration.jobs import test_email as mail
from tests.plugins.app import Member
from tests.plugins.jobs import jobs_for, run
from tests.plugins.records import Records

Client = AsyncTestClient  # type: ignore[type-arg]
Inbox = mail.Inbox
smtp_server, mailer = mail.smtp_server, mail.mailer  # fixtures: a real SMTP server


async def _request_send(client: Client, requester: Member, draft_id: int) -> int:
    response = await client.post(
        "/api/rpc/emails.send", json={"draft_id": draft_id}, headers=requester.headers
    )
    assert response.status_code == 202, response.text
    approval_id: int = response.json()["approval_id"]
    return approval_id


async def _approve_and_execute(
    client: Client, approver: Member, executor: Executor, approval_id: int
) -> Approval:
    decided = await client.post(
        f"/api/approvals/{approval_id}/approve", json={}, headers=approver.headers
    )
    assert decided.status_code == 200, decided.text
    [job] = await jobs_for(executor, idempotency_key=f"approval:{approval_id}")
    assert await run(executor, job.id or 0) == "succeeded"
    async with executor.runtime.sessions() as session:
        row = await session.get(Approval, approval_id)
    assert row is not None
    return row


async def _send_jobs(executor: Executor, draft_id: int) -> list[Any]:
    return [
        j for j in await jobs_for(executor, kind="email.send") if j.params["draft_id"] == draft_id
    ]


CHANGES: dict[str, tuple[str, Callable[[int, int], dict[str, Any]]]] = {
    "recipient": (
        "contacts.update",
        lambda c, d: {"contact_id": c, "email": "x@attacker.example.com"},
    ),
    "subject": ("emails.update", lambda c, d: {"draft_id": d, "subject": "Your invoice"}),
    "body": ("emails.update", lambda c, d: {"draft_id": d, "body": "Click http://evil.example"}),
}


@pytest.mark.parametrize("what", sorted(CHANGES))
async def test_a_change_after_the_request_makes_the_approved_send_stale(
    client: Client, staff: dict[str, Member], executor: Executor, what: str
) -> None:
    requester = Records(client, staff["front_desk"])
    contact = await requester.contact(first_name="Omar", email="omar@example.com")
    draft = await requester.draft(contact["id"])
    approval_id = await _request_send(client, staff["front_desk"], draft["id"])
    procedure, args = CHANGES[what]
    await requester.rpc(procedure, **args(contact["id"], draft["id"]))  # the attack
    approval = await _approve_and_execute(client, staff["practitioner"], executor, approval_id)
    assert approval.status == "stale"
    assert "email draft" in (approval.reason or "")
    assert await _send_jobs(executor, draft["id"]) == []


async def test_the_approved_address_is_the_one_mailed_even_if_the_contact_changes_later(
    client: Client, staff: dict[str, Member], mailer: Executor, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp_server
    requester = Records(client, staff["front_desk"])
    contact = await requester.contact(first_name="Omar", email="omar@example.com")
    draft = await requester.draft(contact["id"])
    approval_id = await _request_send(client, staff["front_desk"], draft["id"])
    approval = await _approve_and_execute(client, staff["practitioner"], mailer, approval_id)
    assert approval.status == "executed"
    # After the approved call ran, before the mail leaves: the contact's address changes.
    await requester.rpc("contacts.update", contact_id=contact["id"], email="x@attacker.example.com")
    [send] = await _send_jobs(mailer, draft["id"])
    assert await run(mailer, send.id or 0) == "succeeded"
    [message] = inbox.messages
    assert message["To"] == "omar@example.com"


async def test_the_approver_sees_where_and_what_the_send_delivers(
    client: Client, staff: dict[str, Member]
) -> None:
    requester = Records(client, staff["front_desk"])
    contact = await requester.contact(first_name="Omar", email="omar@example.com")
    draft = await requester.draft(contact["id"])
    approval_id = await _request_send(client, staff["front_desk"], draft["id"])
    card = await client.get(f"/api/approvals/{approval_id}", headers=staff["owner"].headers)
    assert card.status_code == 200
    assert "omar@example.com" in card.json()["detail"]
    assert draft["subject"] in card.json()["detail"]


@pytest.fixture
async def drafting(app_settings: Settings) -> Any:
    """An executor whose drafts are written by a (scripted) model in a job: they start
    `pending`, holding the template, until the job replaces the body."""
    executor = Executor(
        Runtime.create(app_settings.model_copy(update={"engine": "scripted"})), compose.procedures()
    )
    yield executor
    await executor.runtime.close()


async def _model_draft(executor: Executor, member: Member, contact_id: int) -> dict[str, Any]:
    async with executor.runtime.sessions() as session:
        user = await session.get(User, member.user_id)
    assert user is not None
    done = await executor.call(
        Principal.of(user),
        "emails.draft",
        {"contact_id": contact_id, "purpose": "follow_up"},
        source="http",
    )
    draft: dict[str, Any] = done.output.model_dump()  # type: ignore[union-attr]
    return draft


async def test_a_draft_the_model_is_still_writing_cannot_be_put_to_an_approver(
    client: Client, staff: dict[str, Member], drafting: Executor
) -> None:
    contact = await Records(client, staff["front_desk"]).contact(email="pending@example.com")
    draft = await _model_draft(drafting, staff["front_desk"], contact["id"])
    assert draft["status"] == "pending"
    response = await client.post(
        "/api/rpc/emails.send", json={"draft_id": draft["id"]}, headers=staff["front_desk"].headers
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert "only a ready draft can be sent" in error["message"]
    assert error["fields"] == {"draft_id": "draft is pending, not ready"}


async def test_the_models_rewrite_bumps_the_draft_version(
    client: Client, staff: dict[str, Member], drafting: Executor
) -> None:
    contact = await Records(client, staff["front_desk"]).contact(email="bump@example.com")
    draft = await _model_draft(drafting, staff["front_desk"], contact["id"])
    engine = ScriptedEngine(script=[ScriptedReply(text="Hello from the model.")])
    await engine.start()
    try:
        [job] = [
            j
            for j in await jobs_for(drafting, kind="email.draft")
            if j.params == {"draft_id": draft["id"]}
        ]
        assert await run(drafting, job.id or 0, engine) == "succeeded"
    finally:
        await engine.close()
    async with drafting.runtime.sessions() as session:
        row = await session.get(EmailDraft, draft["id"])
    assert row is not None
    assert (row.status, row.body, row.version) == ("ready", "Hello from the model.", 2)
