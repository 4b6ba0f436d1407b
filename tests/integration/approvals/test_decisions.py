"""Approvals end to end: approve runs once, reject, expire, four-eyes, stale, visibility."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from assistant.approvals.decide import expire_due
from assistant.clock import ManualClock
from assistant.db.models import Approval, Event
from assistant.procedures.executor import Executor
from assistant.runtime import Runtime
from assistant.settings import Settings
from tests.plugins.app import Member, make_member
from tests.plugins.jobs import jobs_for, run
from tests.plugins.records import Records

Client = AsyncTestClient  # type: ignore[type-arg]


async def request_delete(client: Client, requester: Member, owner: Member) -> tuple[int, int]:
    contact = await Records(client, owner).contact(first_name="Del", last_name="Me")
    response = await client.post(
        "/api/rpc/contacts.delete", json={"contact_id": contact["id"]}, headers=requester.headers
    )
    assert response.status_code == 202
    return contact["id"], response.json()["approval_id"]


async def decide(
    client: Client, member: Member, approval_id: int, what: str, reason: str | None = "ok"
) -> Any:
    return await client.post(
        f"/api/approvals/{approval_id}/{what}", json={"reason": reason}, headers=member.headers
    )


async def events_of(executor: Executor, user_id: int, kind: str) -> list[dict[str, Any]]:
    from sqlmodel import col, select

    async with executor.runtime.sessions() as session:
        rows = (
            await session.exec(
                select(Event)
                .where(Event.user_id == user_id, Event.kind == kind)
                .order_by(col(Event.id))
            )
        ).all()
    return [r.data for r in rows]


async def test_approve_runs_the_call_once_and_tells_the_requester(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    fd, owner = staff["front_desk"], staff["owner"]
    contact_id, approval_id = await request_delete(client, fd, owner)
    response = await decide(client, owner, approval_id, "approve")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert response.json()["decided_by"] == owner.user_id

    [job] = await jobs_for(
        executor, kind="approval.execute", idempotency_key=f"approval:{approval_id}"
    )
    assert job.user_id == fd.user_id and job.params == {"approval_id": approval_id}
    listed = (await client.get("/api/jobs", headers=fd.headers)).json()
    assert job.id in [j["job_id"] for j in listed["items"]]
    assert await run(executor, job.id or 0) == "succeeded"

    got = (await client.get(f"/api/approvals/{approval_id}", headers=fd.headers)).json()
    assert got["status"] == "executed"
    gone = await client.post(
        "/api/rpc/contacts.get", json={"contact_id": contact_id}, headers=owner.headers
    )
    assert gone.status_code == 404
    updates = [
        e
        for e in await events_of(executor, fd.user_id, "approval.updated")
        if e["approval_id"] == approval_id
    ]
    assert [e["status"] for e in updates] == ["approved", "executed"]
    assert set(updates[0]) == {"approval_id", "status", "by", "reason", "edited"}

    again = await decide(client, staff["practitioner"], approval_id, "approve")
    assert again.status_code == 409
    # A redelivered job finds the approval executed and runs nothing.
    async with executor.runtime.sessions() as session, session.begin():
        row = await session.get(type(job), job.id)
        assert row is not None
        row.status = "queued"
        session.add(row)
    assert await run(executor, job.id or 0) == "succeeded"
    async with executor.runtime.sessions() as session:
        refreshed = await session.get(type(job), job.id)
    assert refreshed is not None and refreshed.result == {
        "approval_id": approval_id,
        "status": "executed",
        "ran": False,
    }


async def test_reject_needs_a_reason_and_changes_nothing(
    client: Client, staff: dict[str, Member]
) -> None:
    contact_id, approval_id = await request_delete(client, staff["front_desk"], staff["owner"])
    assert (await decide(client, staff["owner"], approval_id, "reject", None)).status_code == 422
    rejected = await decide(client, staff["practitioner"], approval_id, "reject", "keep records")
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected" and rejected.json()["reason"] == "keep records"
    still = await client.post(
        "/api/rpc/contacts.get", json={"contact_id": contact_id}, headers=staff["owner"].headers
    )
    assert still.status_code == 200
    assert (await decide(client, staff["owner"], approval_id, "approve")).status_code == 409


async def test_four_eyes_roles_and_visibility(
    client: Client, staff: dict[str, Member], app_settings: Settings
) -> None:
    _, approval_id = await request_delete(client, staff["owner"], staff["owner"])
    own = await decide(client, staff["owner"], approval_id, "approve")
    assert own.status_code == 403 and "four-eyes" in own.json()["error"]["message"]
    for role in ("front_desk", "viewer"):
        hidden = await decide(client, staff[role], approval_id, "approve")
        assert hidden.status_code == 404, role
        assert (
            await client.get(f"/api/approvals/{approval_id}", headers=staff[role].headers)
        ).status_code == 404
    unknown = await decide(client, staff["owner2"], 987_654, "approve")
    assert unknown.status_code == 404
    other_owner = await decide(client, staff["owner2"], approval_id, "approve")
    assert other_owner.status_code == 200


async def test_a_changed_target_makes_the_approval_stale(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    contact_id, approval_id = await request_delete(client, staff["front_desk"], staff["owner"])
    changed = await client.post(
        "/api/rpc/contacts.update",
        json={"contact_id": contact_id, "phone": "+1 415 555 0100"},
        headers=staff["front_desk"].headers,
    )
    assert changed.status_code == 200
    await decide(client, staff["owner"], approval_id, "approve")
    [job] = await jobs_for(executor, idempotency_key=f"approval:{approval_id}")
    await run(executor, job.id or 0)
    got = (await client.get(f"/api/approvals/{approval_id}", headers=staff["owner"].headers)).json()
    assert got["status"] == "stale"
    assert (
        got["reason"]
        == "contact " + str(contact_id) + " changed since the request (version 1 -> 2)"
    )
    still = await client.post(
        "/api/rpc/contacts.get", json={"contact_id": contact_id}, headers=staff["owner"].headers
    )
    assert still.status_code == 200


async def test_two_workers_never_run_one_approved_action_twice(
    client: Client, staff: dict[str, Member], executor: Executor, app_settings: Settings
) -> None:
    records = Records(client, staff["owner"])
    keep, dup = await records.contact(), await records.contact()
    response = await client.post(
        "/api/rpc/contacts.merge",
        json={"contact_id": keep["id"], "duplicate_id": dup["id"]},
        headers=staff["front_desk"].headers,
    )
    approval_id = response.json()["approval_id"]
    await decide(client, staff["owner"], approval_id, "approve")
    [job] = await jobs_for(executor, idempotency_key=f"approval:{approval_id}")
    second = Runtime.create(app_settings)  # another worker: its own engine and pool
    try:
        other = Executor(second, executor.registry)
        outcomes = await asyncio.gather(run(executor, job.id or 0), run(other, job.id or 0))
    finally:
        await second.close()
    assert sorted(outcomes) == ["skipped", "succeeded"]
    async with executor.runtime.sessions() as session:
        approval = await session.get(Approval, approval_id)
    assert approval is not None and approval.status == "executed"
    merged = await client.post(
        "/api/rpc/contacts.get", json={"contact_id": keep["id"]}, headers=staff["owner"].headers
    )
    assert merged.json()["version"] == keep["version"] + 1


@pytest.fixture
async def later_runtime(app_settings: Settings) -> Any:
    clock = ManualClock()
    runtime = Runtime.create(app_settings, clock)
    yield runtime, clock
    await runtime.close()


async def test_pending_requests_expire(
    client: Client, staff: dict[str, Member], later_runtime: Any, executor: Executor
) -> None:
    runtime, clock = later_runtime
    _, approval_id = await request_delete(client, staff["front_desk"], staff["owner"])
    assert await expire_due(runtime) >= 0
    got = (await client.get(f"/api/approvals/{approval_id}", headers=staff["owner"].headers)).json()
    assert got["status"] == "pending"
    clock.advance(timedelta(hours=runtime.settings.approval.ttl_hours, seconds=1))
    assert await expire_due(runtime) >= 1
    got = (await client.get(f"/api/approvals/{approval_id}", headers=staff["owner"].headers)).json()
    assert got["status"] == "expired"
    assert (await decide(client, staff["owner"], approval_id, "approve")).status_code == 409
    updates = await events_of(executor, staff["front_desk"].user_id, "approval.updated")
    assert {
        "approval_id": approval_id,
        "status": "expired",
        "by": None,
        "reason": "no decision before the deadline",
        "edited": False,
    } in updates


async def test_disabled_approver_role_cannot_see_others_requests(
    client: Client, app_settings: Settings, staff: dict[str, Member]
) -> None:
    stranger = await make_member(app_settings, "front_desk")
    _, approval_id = await request_delete(client, staff["front_desk"], staff["owner"])
    listed = (await client.get("/api/approvals", headers=stranger.headers)).json()
    assert approval_id not in [a["approval_id"] for a in listed["items"]]


async def test_the_request_shows_the_record_as_it_was_and_stores_it_encrypted(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    from sqlalchemy import text

    contact_id, approval_id = await request_delete(client, staff["front_desk"], staff["owner"])
    shown = (
        await client.get(f"/api/approvals/{approval_id}", headers=staff["owner"].headers)
    ).json()
    [record] = shown["records"]
    assert record["table"] == "contacts" and record["id"] == contact_id
    assert record["record"]["first_name"] == "Del" and record["record"]["version"] == 1
    assert "profile_summary" not in record["record"]
    async with executor.runtime.db.connect() as conn:
        raw = (
            await conn.execute(
                text("SELECT snapshot FROM approvals WHERE id = :id"), {"id": approval_id}
            )
        ).scalar_one()
    assert raw.startswith("enc:v2:") and f":approvals.snapshot#{approval_id}:" in raw
    assert "Del" not in raw
