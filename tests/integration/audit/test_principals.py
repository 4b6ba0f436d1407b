"""Audit rows name their principal (user, token, job, system) and, for the co-pilot, the
conversation and message; rows written before the format changed still verify."""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import bindparam, text
from sqlmodel import col, select

from assistant.audit import chain
from assistant.db import migrate
from assistant.db.engine import create_engine, session_factory
from assistant.db.models import AuditEvent
from assistant.db.types import UTCDateTime, utcnow
from assistant.procedures.executor import Executor
from assistant.queue.rows import add_job
from assistant.runtime import Runtime
from assistant.settings import Settings
from tests.integration.audit.test_chain import _cli
from tests.plugins.app import Member, make_member
from tests.plugins.jobs import jobs_for, run
from tests.plugins.records import Records

Client = AsyncTestClient  # type: ignore[type-arg]


async def audited(runtime: Runtime, procedure: str, **where: Any) -> list[AuditEvent]:
    async with runtime.sessions() as session:
        query = select(AuditEvent).where(col(AuditEvent.procedure) == procedure)
        for key, value in where.items():
            query = query.where(getattr(AuditEvent, key) == value)
        return list((await session.exec(query.order_by(col(AuditEvent.seq)))).all())


async def test_a_token_call_names_the_token(
    client: Client, staff: dict[str, Member], runtime: Runtime
) -> None:
    made = await Records(client, staff["front_desk"]).contact()
    rows = [
        r
        for r in await audited(runtime, "contacts.create", actor_id=staff["front_desk"].user_id)
        if r.record_ids.get("contact_id") == made["id"]
    ]
    assert [(r.principal_kind, r.source, r.hash_version) for r in rows] == [("token", "http", 2)]
    assert rows[0].token_id is not None


async def test_cancelling_a_job_is_an_audited_procedure(
    client: Client, staff: dict[str, Member], runtime: Runtime
) -> None:
    member = staff["viewer"]
    async with runtime.sessions() as session, session.begin():
        job = await add_job(
            session, kind="contacts.enrich_all", user_id=member.user_id, params={}, now=utcnow()
        )
    response = await client.post(f"/api/jobs/{job.id}/cancel", headers=member.headers)
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    again = await client.post(f"/api/jobs/{job.id}/cancel", headers=member.headers)
    assert again.status_code == 409
    others = await client.post(f"/api/jobs/{job.id}/cancel", headers=staff["owner"].headers)
    assert others.status_code == 404  # another's job is not there
    rows = [r for r in await audited(runtime, "jobs.cancel") if r.record_ids["job_id"] == job.id]
    assert [(r.actor_id, r.principal_kind, r.outcome) for r in rows] == [
        (member.user_id, "token", "ok"),
        (member.user_id, "token", "conflict"),
        (staff["owner"].user_id, "token", "not_found"),
    ]


async def test_deleting_a_conversation_is_audited(
    client: Client, staff: dict[str, Member], runtime: Runtime
) -> None:
    from assistant.db.models import Conversation

    member = staff["practitioner"]
    async with runtime.sessions() as session, session.begin():
        conv = Conversation(user_id=member.user_id, title="t")
        session.add(conv)
    gone = await client.delete(f"/api/conversations/{conv.id}", headers=member.headers)
    assert gone.status_code == 204
    rows = await audited(runtime, "conversations.delete", actor_id=member.user_id)
    assert any(r.record_ids == {"conversation_id": conv.id} for r in rows)


async def test_a_requester_demoted_since_asking_makes_the_approval_fail(
    client: Client, staff: dict[str, Member], app_settings: Settings, executor: Executor
) -> None:
    desk = await make_member(app_settings, "front_desk")
    contact = await Records(client, staff["owner"]).contact()
    asked = await client.post(
        "/api/rpc/contacts.delete", json={"contact_id": contact["id"]}, headers=desk.headers
    )
    approval_id = asked.json()["approval_id"]
    ok = await client.post(
        f"/api/approvals/{approval_id}/approve", json={}, headers=staff["owner"].headers
    )
    assert ok.status_code == 200
    demoted = await client.post(
        "/api/rpc/users.set_role",
        json={"user_id": desk.user_id, "role": "viewer"},
        headers=staff["owner"].headers,
    )
    assert demoted.status_code == 200 and demoted.json()["role"] == "viewer"
    [job] = await jobs_for(executor, idempotency_key=f"approval:{approval_id}")
    assert await run(executor, job.id or 0) == "succeeded"
    got = (await client.get(f"/api/approvals/{approval_id}", headers=desk.headers)).json()
    assert got["status"] == "failed" and "viewer" in got["reason"]
    still = await client.post(
        "/api/rpc/contacts.get", json={"contact_id": contact["id"]}, headers=staff["owner"].headers
    )
    assert still.status_code == 200
    [refused] = await audited(
        executor.runtime, "contacts.delete", actor_id=desk.user_id, source="job"
    )
    assert (refused.outcome, refused.principal_kind, refused.job_id) == ("forbidden", "job", job.id)
    assert refused.actor_role == "viewer"


def test_cli_calls_are_audited_as_the_cli_system_principal(
    empty_db_url: str, key_file: Path
) -> None:
    migrate.upgrade(empty_db_url)
    args = ("users", "create", "--email", "o@clinic.example.com", "--role", "owner")
    made = _cli(empty_db_url, *args, key_file=key_file)
    assert made.returncode == 0, made.stderr
    assert _cli(empty_db_url, "audit", "verify", key_file=key_file).returncode == 0

    async def rows() -> list[AuditEvent]:
        engine = create_engine(empty_db_url)
        try:
            async with session_factory(engine)() as session:
                return list((await session.exec(select(AuditEvent))).all())
        finally:
            await engine.dispose()

    found = [
        (r.procedure, r.principal_kind, r.principal_name, r.source) for r in asyncio.run(rows())
    ]
    assert found == [
        ("users.create", "system", "cli", "cli"),
        ("audit.verify", "system", "cli", "cli"),
    ]


def _v1_hash(seq: int, prev: str, procedure: str, at: datetime) -> str:
    """The first format's hash, written out here as rows before the change were written."""
    payload = {
        "seq": seq, "prev": prev, "actor": 1, "role": "owner", "source": "http",
        "procedure": procedure, "records": {"contact_id": seq}, "outcome": "ok",
        "at": at.astimezone(UTC).isoformat(),
    }  # fmt: skip
    dumped = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(dumped.encode()).hexdigest()


def old_row(seq: int, prev: str, digest: str, at: datetime) -> dict[str, Any]:
    records = json.dumps({"contact_id": seq})
    return {"seq": seq, "records": records, "at": at, "prev": prev, "hash": digest}


def test_rows_written_before_the_format_change_still_verify(
    empty_db_url: str, key_file: Path
) -> None:
    migrate.upgrade(empty_db_url, "0004")  # the schema as it was
    at = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

    async def write_old() -> None:
        engine = create_engine(empty_db_url)
        prev = chain.GENESIS
        try:
            async with engine.begin() as conn:
                for seq in (1, 2, 3):
                    digest = _v1_hash(seq, prev, "contacts.get", at)
                    await conn.execute(
                        text(
                            "INSERT INTO audit_events (seq, actor_id, actor_role, source, "
                            "procedure, record_ids, outcome, created_at, prev_hash, hash) "
                            "VALUES (:seq, 1, 'owner', 'http', 'contacts.get', :records, 'ok', "
                            ":at, :prev, :hash)"
                        ).bindparams(bindparam("at", type_=UTCDateTime())),
                        old_row(seq, prev, digest, at),
                    )
                    prev = digest
        finally:
            await engine.dispose()

    asyncio.run(write_old())
    migrate.upgrade(empty_db_url)
    ok = _cli(empty_db_url, "audit", "verify", key_file=key_file)
    assert ok.returncode == 0 and "intact: 3 events" in ok.stdout, ok.stderr
    again = _cli(empty_db_url, "audit", "verify", key_file=key_file)
    assert "intact: 4 events" in again.stdout  # the first verify is itself a v2 row

    async def tamper(sql: str) -> None:
        engine = create_engine(empty_db_url)
        async with engine.begin() as conn:
            await conn.execute(text(sql))
        await engine.dispose()

    asyncio.run(tamper("UPDATE audit_events SET actor_role = 'viewer' WHERE seq = 2"))
    broken = _cli(empty_db_url, "audit", "verify", key_file=key_file)
    assert broken.returncode == 1 and "broken at event 2" in broken.stderr
    asyncio.run(tamper("UPDATE audit_events SET actor_role = 'owner' WHERE seq = 2"))
    asyncio.run(tamper("UPDATE audit_events SET hash_version = 1 WHERE seq = 4"))
    downgraded = _cli(empty_db_url, "audit", "verify", key_file=key_file)
    assert downgraded.returncode == 1 and "broken at event 4" in downgraded.stderr
