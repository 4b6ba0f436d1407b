"""Reading e-mail drafts (`emails.list`, `emails.get`): who may, what a page needs (whom it is
to, a send waiting for approval, the error of a failed send), filters and paging."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient
from sqlmodel import col, select

from assistant.db.models import Event
from assistant.procedures.executor import Executor
from tests.plugins.app import Member
from tests.plugins.jobs import jobs_for, run
from tests.plugins.records import Records

Client = AsyncTestClient  # type: ignore[type-arg]


async def _post(client: Client, member: Member, name: str, **args: Any) -> Any:
    return await client.post(f"/api/rpc/{name}", json=args, headers=member.headers)


async def test_any_staff_member_reads_a_draft_another_wrote(
    client: Client, staff: dict[str, Member]
) -> None:
    writer = Records(client, staff["practitioner"])
    contact = await writer.contact(first_name="Omar", last_name="Haddad", email="omar@example.com")
    draft = await writer.draft(contact["id"])
    for role in ("owner", "front_desk"):
        response = await _post(client, staff[role], "emails.get", draft_id=draft["id"])
        assert response.status_code == 200, response.text
        got = response.json()
        assert got["subject"] == draft["subject"] and got["body"] == draft["body"]
        assert got["contact_name"] == "Omar Haddad"
        assert got["contact_email"] == "omar@example.com"
        assert (got["status"], got["error"], got["approval_id"]) == ("ready", None, None)


async def test_a_viewer_may_not_read_drafts_and_a_missing_draft_is_404(
    client: Client, staff: dict[str, Member]
) -> None:
    contact = await Records(client, staff["owner"]).contact()
    draft = await Records(client, staff["owner"]).draft(contact["id"])
    denied = await _post(client, staff["viewer"], "emails.get", draft_id=draft["id"])
    assert denied.status_code == 403
    assert draft["body"] not in denied.text
    assert (await _post(client, staff["viewer"], "emails.list")).status_code == 403
    missing = await _post(client, staff["owner"], "emails.get", draft_id=987_654_321)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


async def test_a_send_waiting_for_approval_is_on_the_draft(
    client: Client, staff: dict[str, Member]
) -> None:
    records = Records(client, staff["front_desk"])
    contact = await records.contact(email="waits@example.com")
    draft = await records.draft(contact["id"])
    asked = await _post(client, staff["front_desk"], "emails.send", draft_id=draft["id"])
    assert asked.status_code == 202
    got = (await _post(client, staff["owner"], "emails.get", draft_id=draft["id"])).json()
    assert got["approval_id"] == asked.json()["approval_id"]
    listed = (await _post(client, staff["owner"], "emails.list", contact_id=contact["id"])).json()
    assert [d["approval_id"] for d in listed["items"]] == [asked.json()["approval_id"]]
    # An edit leaves that request unable to run: the draft no longer waits on it.
    await records.rpc("emails.update", draft_id=draft["id"], body="Changed my mind.")
    got = (await _post(client, staff["owner"], "emails.get", draft_id=draft["id"])).json()
    assert got["approval_id"] is None


async def test_list_filters_by_status_and_pages(client: Client, staff: dict[str, Member]) -> None:
    records = Records(client, staff["front_desk"])
    contact = await records.contact()
    made = [await records.draft(contact["id"], purpose) for purpose in ("welcome", "reminder")]
    made.append(await records.draft(contact["id"], "custom"))
    first = await _post(
        client, staff["front_desk"], "emails.list", contact_id=contact["id"], limit=2
    )
    second = await _post(
        client, staff["front_desk"], "emails.list", contact_id=contact["id"], limit=2, offset=2
    )
    assert first.json()["total"] == 3
    ids = [d["id"] for d in first.json()["items"] + second.json()["items"]]
    assert ids == [d["id"] for d in reversed(made)]
    sent = await _post(
        client, staff["front_desk"], "emails.list", contact_id=contact["id"], status="sent"
    )
    assert sent.json() == {"items": [], "total": 0}
    wrong = await _post(client, staff["front_desk"], "emails.list", status="lost")
    assert wrong.status_code == 422


async def test_a_failed_send_says_why_and_an_edit_makes_it_sendable_again(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    """No SMTP server is configured here: the send fails at once, with the reason."""
    records = Records(client, staff["front_desk"])
    contact = await records.contact(email="nowhere@example.com")
    draft = await records.draft(contact["id"])
    asked = await _post(client, staff["front_desk"], "emails.send", draft_id=draft["id"])
    approval_id = asked.json()["approval_id"]
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
    assert await run(executor, send.id or 0) == "failed"
    got = (await _post(client, staff["owner"], "emails.get", draft_id=draft["id"])).json()
    assert got["status"] == "failed"
    assert got["error"] == "e-mail is not configured (set ASSISTANT_SMTP_HOST)"
    assert got["recipient"] == "nowhere@example.com"
    # The author followed it live: queued, then failed.
    async with executor.runtime.sessions() as session:
        events = (
            await session.exec(
                select(Event)
                .where(col(Event.user_id) == staff["front_desk"].user_id)
                .where(col(Event.kind) == "email.status")
                .order_by(col(Event.id))
            )
        ).all()
    seen = [e.data["status"] for e in events if e.data["draft_id"] == draft["id"]]
    assert seen == ["queued", "failed"]

    edited = await _post(
        client, staff["front_desk"], "emails.update", draft_id=draft["id"], subject="Try again"
    )
    assert edited.status_code == 200
    assert (edited.json()["status"], edited.json()["error"]) == ("ready", None)
