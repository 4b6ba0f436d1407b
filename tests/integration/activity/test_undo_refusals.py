"""Undo as an attacker and a clinic user try it: calls that waited (a click, an approval), a
call that cannot be undone, a caller who may not undo, and what undo keeps at rest."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from litestar.testing import AsyncTestClient

from assistant.procedures.executor import Executor
from tests.integration.jobs import test_email as mail
from tests.plugins.app import Member
from tests.plugins.jobs import jobs_for, run
from tests.plugins.policies import clinic_policy
from tests.plugins.records import Records

Client = AsyncTestClient  # type: ignore[type-arg]
Inbox = mail.Inbox
smtp_server, mailer = mail.smtp_server, mail.mailer  # fixtures: a real SMTP server


async def _action(client: Client, member: Member, action_id: int) -> dict[str, Any]:
    listed = await client.get("/api/actions?limit=50", headers=member.headers)
    [found] = [a for a in listed.json()["items"] if a["action_id"] == action_id]
    return found


async def _undo(client: Client, member: Member, action_id: int) -> Any:
    return await client.post(f"/api/actions/{action_id}/undo", headers=member.headers)


async def test_a_confirmed_call_says_who_confirmed_it_and_can_be_undone(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    desk = staff["front_desk"]
    contact = await Records(client, desk).contact()
    async with clinic_policy(executor, "tasks.create", "confirm", role="front_desk"):
        asked = await client.post(
            "/api/rpc/tasks.create",
            json={"contact_id": contact["id"], "title": "call back"},
            headers=desk.headers,
        )
        assert asked.status_code == 202, asked.text
        action_id = asked.json()["confirm"]["action_id"]
        pending = await _undo(client, desk, action_id)  # nothing ran yet: nothing to undo
        assert pending.status_code == 409 and "did not run (pending)" in pending.text
        done = await client.post(f"/api/actions/{action_id}/confirm", headers=desk.headers)
        assert done.status_code == 200, done.text
    action = await _action(client, desk, action_id)
    assert action["status"] == "done" and action["decided_by"] == desk.user_id
    assert action["decided_at"] is not None and action["undo"]["available"] is True
    assert (await _undo(client, desk, action_id)).status_code == 200
    assert (await _action(client, desk, action_id))["status"] == "undone"


async def test_a_sent_email_cannot_be_undone_and_says_so(
    client: Client, staff: dict[str, Member], executor: Executor, mailer: Inbox
) -> None:
    desk, owner = staff["front_desk"], staff["owner"]
    contact = await Records(client, desk).contact(email=f"m{uuid.uuid4().hex[:6]}@example.com")
    draft = await Records(client, desk).draft(contact["id"])
    asked = await client.post(
        "/api/rpc/emails.send", json={"draft_id": draft["id"]}, headers=desk.headers
    )
    assert asked.status_code == 202, asked.text
    approval_id = asked.json()["approval_id"]
    decided = await client.post(
        f"/api/approvals/{approval_id}/approve", json={}, headers=owner.headers
    )
    assert decided.status_code == 200, decided.text
    [job] = await jobs_for(executor, idempotency_key=f"approval:{approval_id}")
    assert await run(executor, job.id or 0) == "succeeded"
    listed = await client.get("/api/actions?procedure=emails.send&limit=1", headers=desk.headers)
    action = listed.json()["items"][0]
    assert action["approval_id"] == approval_id and action["status"] == "done"
    assert action["undo"] == {
        "available": False, "until": None, "reason": "an e-mail that was sent cannot be unsent"
    }  # fmt: skip
    for member in (desk, owner):
        refused = await _undo(client, member, action["action_id"])
        assert refused.status_code == 409 and "cannot be unsent" in refused.text


async def test_neither_a_viewer_nor_an_approver_who_is_not_the_requester_may_undo(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    desk, prac, owner = staff["front_desk"], staff["practitioner"], staff["owner"]
    records = Records(client, desk)
    keep = await records.contact(first_name="Ann", last_name="Keep")
    dup = await records.contact(first_name="Anne", last_name="Keep")
    asked = await client.post(
        "/api/rpc/contacts.merge",
        json={"contact_id": keep["id"], "duplicate_id": dup["id"]},
        headers=desk.headers,
    )
    approval_id = asked.json()["approval_id"]
    decided = await client.post(
        f"/api/approvals/{approval_id}/approve", json={}, headers=prac.headers
    )
    assert decided.status_code == 200, decided.text
    [job] = await jobs_for(executor, idempotency_key=f"approval:{approval_id}")
    assert await run(executor, job.id or 0) == "succeeded"
    listed = await client.get("/api/actions?procedure=contacts.merge&limit=1", headers=desk.headers)
    action_id = listed.json()["items"][0]["action_id"]
    assert (await _undo(client, staff["viewer"], action_id)).status_code == 403
    assert (await _undo(client, prac, action_id)).status_code == 404  # the approver, not owner
    assert (await _action(client, desk, action_id))["status"] == "done"
    assert (await _undo(client, owner, action_id)).status_code == 200


async def test_a_group_with_someone_elses_action_undoes_nothing(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    desk, prac = staff["front_desk"], staff["practitioner"]
    contact = await Records(client, desk).contact()
    await Records(client, desk).task(contact_id=contact["id"], title="mine")
    mine = (await client.get("/api/actions?limit=1", headers=desk.headers)).json()["items"][0]
    await Records(client, prac).task(contact_id=contact["id"], title="theirs")
    theirs = (await client.get("/api/actions?limit=1", headers=prac.headers)).json()["items"][0]
    refused = await client.post(
        "/api/rpc/actions.undo",
        json={"action_ids": [mine["action_id"], theirs["action_id"]]},
        headers=desk.headers,
    )
    assert refused.status_code == 404
    assert (await _action(client, desk, mine["action_id"]))["status"] == "done"


async def test_the_previous_values_undo_keeps_are_ciphertext_at_rest(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    member = staff["front_desk"]
    contact = await Records(client, member).contact(address="12 Secret Lane")
    await Records(client, member).rpc(
        "contacts.update", contact_id=contact["id"], address="3 New Road"
    )
    action = (await client.get("/api/actions?limit=1", headers=member.headers)).json()["items"][0]
    async with executor.runtime.sessions() as session:
        [raw] = (
            await session.exec(
                sa.text("SELECT undo FROM actions WHERE id = :id").bindparams(
                    id=action["action_id"]
                )
            )
        ).one()
    assert raw and "Secret" not in raw and "New Road" not in raw and "before" not in raw


async def test_an_undo_the_clinic_makes_wait_for_a_click_answers_202_then_runs(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    desk = staff["front_desk"]
    contact = await Records(client, desk).contact()
    await Records(client, desk).task(contact_id=contact["id"], title="undo me later")
    action = (await client.get("/api/actions?limit=1", headers=desk.headers)).json()["items"][0]
    async with clinic_policy(executor, "actions.undo", "confirm", role="front_desk"):
        asked = await _undo(client, desk, action["action_id"])
        assert asked.status_code == 202, asked.text
        waiting = asked.json()["confirm"]
        assert waiting["procedure"] == "actions.undo"
        assert (await _action(client, desk, action["action_id"]))["status"] == "done"
        done = await client.post(
            f"/api/actions/{waiting['action_id']}/confirm", headers=desk.headers
        )
        assert done.status_code == 200, done.text
    assert (await _action(client, desk, action["action_id"]))["status"] == "undone"
