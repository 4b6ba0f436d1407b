"""`confirm`: a call runs only after its requester's click, and only as shown (issue 18).

Under a clinic policy of `confirm`, `/api/rpc` answers 202 `{"confirm": {"action_id", ...}}`
and changes nothing; `POST /api/actions/{id}/confirm` runs exactly that call once; cancel
drops it; an unconfirmed call expires with the approval TTL; a merge whose duplicate gained
a note since the preview ends `stale` and says what changed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar.testing import AsyncTestClient
from sqlmodel import col, select

from assistant.actions.confirm import expire_due
from assistant.clock import ManualClock
from assistant.db.models import Action, AuditEvent, Event
from assistant.procedures.executor import Executor
from assistant.runtime import Runtime
from assistant.settings import Settings
from tests.plugins.app import Member
from tests.plugins.policies import clinic_policy
from tests.plugins.records import Records

Client = AsyncTestClient  # type: ignore[type-arg]


async def _action(executor: Executor, action_id: int) -> Action:
    async with executor.runtime.sessions() as session:
        row = await session.get(Action, action_id)
    assert row is not None
    return row


async def _notes(client: Client, member: Member, contact_id: int) -> list[dict[str, Any]]:
    listed = await client.post(
        "/api/rpc/notes.list", json={"contact_id": contact_id}, headers=member.headers
    )
    items: list[dict[str, Any]] = listed.json()["items"]
    return items


async def test_a_confirm_call_runs_only_after_its_confirmation_and_only_as_confirmed(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    prac = staff["practitioner"]
    contact = await Records(client, prac).contact()
    async with clinic_policy(executor, "notes.add", "confirm"):
        asked = await client.post(
            "/api/rpc/notes.add",
            json={"contact_id": contact["id"], "body": "prefers mornings"},
            headers=prac.headers,
        )
        assert asked.status_code == 202, asked.text
        waiting = asked.json()["confirm"]
        assert waiting["status"] == "pending" and waiting["procedure"] == "notes.add"
        assert waiting["counts"] == {"contact": 1}
        assert await _notes(client, prac, contact["id"]) == []  # nothing ran

        # Someone else cannot confirm it, nor see it; the requester can read the preview.
        other = await client.post(
            f"/api/actions/{waiting['action_id']}/confirm", headers=staff["owner2"].headers
        )
        assert other.status_code == 404
        got = await client.get(f"/api/actions/{waiting['action_id']}", headers=prac.headers)
        assert got.json()["impact"]["records"][0]["name"] == contact["full_name"]
        assert got.json()["awaiting_requester"] is True

        done = await client.post(
            f"/api/actions/{waiting['action_id']}/confirm", headers=prac.headers
        )
        assert done.status_code == 200, done.text
        assert (
            done.json()["status"] == "done" and done.json()["result"]["body"] == "prefers mornings"
        )
        assert [n["body"] for n in await _notes(client, prac, contact["id"])] == [
            "prefers mornings"
        ]

        again = await client.post(
            f"/api/actions/{waiting['action_id']}/confirm", headers=prac.headers
        )
        assert again.status_code == 409
        assert len(await _notes(client, prac, contact["id"])) == 1  # once

    async with executor.runtime.sessions() as session:
        rows = (await session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))).all()
    trail = [
        (r.procedure, r.outcome)
        for r in rows
        if r.record_ids.get("action_id") == waiting["action_id"]
        or (r.procedure == "notes.add" and r.record_ids.get("contact_id") == contact["id"])
    ]
    assert trail == [
        ("notes.add", "confirm_requested"),
        ("actions.confirm", "ok"),
        ("notes.add", "ok"),
    ]


async def test_the_stored_call_is_what_runs_and_a_tampered_one_is_refused(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    """The action's hash binds its arguments: changed at rest, it can no longer run."""
    prac = staff["practitioner"]
    contact = await Records(client, prac).contact()
    async with clinic_policy(executor, "notes.add", "confirm"):
        asked = await client.post(
            "/api/rpc/notes.add",
            json={"contact_id": contact["id"], "body": "original"},
            headers=prac.headers,
        )
        action_id = asked.json()["confirm"]["action_id"]
        async with executor.runtime.sessions() as session, session.begin():
            row = await session.get(Action, action_id)
            assert row is not None
            row.args = {**row.args, "body": "swapped"}
            session.add(row)
        refused = await client.post(f"/api/actions/{action_id}/confirm", headers=prac.headers)
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "stale"
        assert (await _action(executor, action_id)).status == "stale"
        assert await _notes(client, prac, contact["id"]) == []


async def test_cancel_drops_the_call(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    desk = staff["front_desk"]
    async with clinic_policy(executor, "tasks.create", "confirm", role="front_desk"):
        asked = await client.post(
            "/api/rpc/tasks.create", json={"title": "call the lab"}, headers=desk.headers
        )
        assert asked.status_code == 202
        # The role's own policy: another role's call still runs at once.
        at_once = await client.post(
            "/api/rpc/tasks.create", json={"title": "call the lab"}, headers=staff["owner"].headers
        )
        assert at_once.status_code == 200
        action_id = asked.json()["confirm"]["action_id"]
        dropped = await client.post(f"/api/actions/{action_id}/cancel", headers=desk.headers)
        assert dropped.status_code == 200 and dropped.json()["status"] == "rejected"
        late = await client.post(f"/api/actions/{action_id}/confirm", headers=desk.headers)
        assert late.status_code == 409


async def test_an_unconfirmed_call_expires_with_the_approval_ttl(
    client: Client, staff: dict[str, Member], executor: Executor, app_settings: Settings
) -> None:
    desk = staff["front_desk"]
    async with clinic_policy(executor, "tasks.create", "confirm"):
        asked = await client.post(
            "/api/rpc/tasks.create", json={"title": "expire me"}, headers=desk.headers
        )
    action_id = asked.json()["confirm"]["action_id"]
    row = await _action(executor, action_id)
    assert row.expires_at is not None and row.expires_at - row.created_at == timedelta(
        hours=app_settings.approval.ttl_hours
    )
    clock = ManualClock(
        row.created_at + timedelta(hours=app_settings.approval.ttl_hours, seconds=1)
    )
    later = Runtime.create(app_settings, clock)
    try:
        assert await expire_due(later) >= 1
    finally:
        await later.close()
    assert (await _action(executor, action_id)).status == "expired"
    late = await client.post(f"/api/actions/{action_id}/confirm", headers=desk.headers)
    assert late.status_code == 409


async def test_a_note_added_before_the_click_makes_a_merge_stale(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    """Contacts keep their version when a note is added: the preview's digest sees it."""
    owner, prac = staff["owner"], staff["practitioner"]
    records = Records(client, prac)
    keep, dup = await records.contact(), await records.contact()
    await records.note(dup["id"], "first")
    # A clinic may only go above a critical floor: approve, then the approver edits nothing,
    # so here the merge waits as an approval and is made stale by the new note.
    asked = await client.post(
        "/api/rpc/contacts.merge",
        json={"contact_id": keep["id"], "duplicate_id": dup["id"]},
        headers=prac.headers,
    )
    assert asked.status_code == 202
    approval_id = asked.json()["approval_id"]
    added = await records.note(dup["id"], "second, after the request")
    approved = await client.post(
        f"/api/approvals/{approval_id}/approve", json={}, headers=owner.headers
    )
    assert approved.status_code == 200
    from tests.plugins.jobs import jobs_for, run

    [job] = await jobs_for(executor, idempotency_key=f"approval:{approval_id}")
    assert await run(executor, job.id or 0) == "succeeded"
    got = (await client.get(f"/api/approvals/{approval_id}", headers=prac.headers)).json()
    assert got["status"] == "stale"
    assert (
        f"note #{added['id']} was added" in got["reason"] and "2 notes now (was 1)" in got["reason"]
    )
    still = await client.post("/api/rpc/contacts.get", json={"contact_id": dup["id"]},
                              headers=prac.headers)  # fmt: skip
    assert still.status_code == 200  # nothing moved
    async with executor.runtime.sessions() as session:
        action = (
            await session.exec(select(Action).where(col(Action.approval_id) == approval_id))
        ).one()
        events = (await session.exec(select(Event).where(col(Event.user_id) == prac.user_id))).all()
    assert action.status == "stale" and action.reason == got["reason"]
    # Events keep ids and counts: no record names in what is pushed.
    for event in events:
        if event.data.get("approval_id") == approval_id:
            assert dup["full_name"] not in str(event.data)


async def test_a_confirmation_is_bound_to_the_records_it_names(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    """A contact renamed between the preview and the click: the call is no longer the one
    shown ("add vip to <the old name>"), so it ends stale and runs nothing."""
    prac = staff["practitioner"]
    contact = await Records(client, prac).contact()
    async with clinic_policy(executor, "tags.add", "confirm"):
        asked = await client.post(
            "/api/rpc/tags.add", json={"contact_id": contact["id"], "tag": "vip"},
            headers=prac.headers,
        )  # fmt: skip
        action_id = asked.json()["confirm"]["action_id"]
        renamed = await client.post(
            "/api/rpc/contacts.update", json={"contact_id": contact["id"], "last_name": "Else"},
            headers=prac.headers,
        )  # fmt: skip
        assert renamed.status_code == 200
        refused = await client.post(f"/api/actions/{action_id}/confirm", headers=prac.headers)
        assert refused.status_code == 409 and "changed since the request" in refused.text
        got = (await client.get(f"/api/actions/{action_id}", headers=prac.headers)).json()
        assert got["status"] == "stale" and got["reason"]
        shown = await client.post("/api/rpc/contacts.get", json={"contact_id": contact["id"]},
                                  headers=prac.headers)  # fmt: skip
        assert shown.json()["tags"] == []
