"""Enrichment jobs on real numbers and domains; bulk progress and cancellation; the jobs API."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import delete, text
from sqlmodel import col

from assistant.db.models import Contact, Event, Job
from assistant.procedures.executor import Done, Executor
from assistant.procedures.system import WORKER
from tests.plugins.app import Member
from tests.plugins.jobs import jobs_for, run, run_kind
from tests.plugins.records import Records

Client = AsyncTestClient  # type: ignore[type-arg]


async def enrichment_of(executor: Executor, contact_id: int) -> dict[str, Any]:
    async with executor.runtime.sessions() as session:
        contact = await session.get(Contact, contact_id)
    assert contact is not None
    return dict(contact.enrichment)


async def test_create_without_enrich_queues_no_lookup(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    """An import (the demo seed) may skip the background look-up; the default queues it."""
    quiet = await Records(client, staff["front_desk"]).contact(enrich=False)
    usual = await Records(client, staff["front_desk"]).contact()
    queued = {j.params.get("contact_id") for j in await jobs_for(executor, kind="contact.enrich")}
    assert usual["id"] in queued and quiet["id"] not in queued


async def test_create_enriches_phone_email_and_name(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    made = await Records(client, staff["front_desk"]).contact(
        first_name="Dr. Priya", last_name="Nair", phone="(415) 555-0132", email="priya@gmail.com"
    )
    assert await run_kind(executor, "contact.enrich", contact_id=made["id"]) == ["succeeded"]
    facts = await enrichment_of(executor, made["id"])
    assert facts["phone"]["e164"] == "+14155550132"
    assert facts["phone"]["region"] == "US" and facts["phone"]["valid"] is True
    assert facts["phone"]["time_zones"] == ["America/Los_Angeles"]
    assert facts["email"] == {
        "domain": "gmail.com",
        "registrable_domain": "gmail.com",
        "free_mail": True,
        "disposable": False,
    }
    assert facts["name"]["title"] == "Dr." and facts["name"]["salutation"] == "Dr. Nair"
    got = (
        await client.post(
            "/api/rpc/contacts.get",
            json={"contact_id": made["id"]},
            headers=staff["viewer"].headers,
        )
    ).json()
    assert got["enrichment"]["phone"]["e164"] == "+14155550132"
    assert got["version"] == made["version"]  # derived facts do not make approvals stale


async def test_international_numbers_domains_and_disposable_mail(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    records = Records(client, staff["owner"])
    uk = await records.contact(phone="+44 20 7946 0958", email="a.b@mail.nhs.co.uk")
    temp = await records.contact(email="x@mailinator.com", phone="555 12345 99")
    for made in (uk, temp):
        response = await client.post(
            "/api/rpc/contacts.enrich",
            json={"contact_id": made["id"]},
            headers=staff["owner"].headers,
        )
        assert response.status_code == 200 and response.json()["kind"] == "contact.enrich"
        assert await run(executor, response.json()["job_id"]) == "succeeded"
    facts = await enrichment_of(executor, uk["id"])
    assert facts["phone"]["e164"] == "+442079460958" and facts["phone"]["region"] == "GB"
    assert facts["phone"]["time_zones"] == ["Europe/London"]
    assert facts["email"]["registrable_domain"] == "nhs.co.uk" and not facts["email"]["free_mail"]
    temp_facts = await enrichment_of(executor, temp["id"])
    assert temp_facts["email"]["disposable"] is True
    assert temp_facts["phone"] == {"valid": False}


async def test_duplicates_are_suggested_never_merged(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    records = Records(client, staff["owner"])
    john = await records.contact(
        first_name="Johnathan", last_name="Smythe-Q", phone="+1 415 555 0199"
    )
    jon = await records.contact(first_name="Jonathan", last_name="Smythe-Q", phone="(415) 555-0199")
    await run_kind(executor, "contact.enrich", contact_id=jon["id"])
    facts = await enrichment_of(executor, jon["id"])
    [top, *_] = facts["duplicates"]["candidates"]
    assert top["contact_id"] == john["id"] and set(top["reasons"]) == {"name", "phone"}
    still = await client.post(
        "/api/rpc/contacts.get", json={"contact_id": john["id"]}, headers=staff["owner"].headers
    )
    assert still.status_code == 200


async def test_bulk_enrichment_reports_progress_and_can_be_cancelled(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    requested = await client.post(
        "/api/rpc/contacts.enrich_all", json={}, headers=staff["practitioner"].headers
    )
    assert requested.status_code == 202
    approval_id = requested.json()["approval_id"]
    await client.post(
        f"/api/approvals/{approval_id}/approve", json={}, headers=staff["owner"].headers
    )
    [execute] = await jobs_for(executor, idempotency_key=f"approval:{approval_id}")
    assert await run(executor, execute.id or 0) == "succeeded"
    bulk = [
        j
        for j in await jobs_for(executor, kind="contacts.enrich_all")
        if j.user_id == staff["practitioner"].user_id
    ][-1]
    assert bulk.id is not None
    assert await run(executor, bulk.id) == "succeeded"
    job = (await client.get(f"/api/jobs/{bulk.id}", headers=staff["practitioner"].headers)).json()
    assert job["status"] == "succeeded" and job["done"] == job["total"] > 0

    from sqlmodel import col, select

    async with executor.runtime.sessions() as session:
        events = (
            await session.exec(
                select(Event)
                .where(Event.user_id == staff["practitioner"].user_id, Event.kind == "job.progress")
                .order_by(col(Event.id))
            )
        ).all()
    progress = [e.data for e in events if e.data["job_id"] == bulk.id]
    assert progress[0]["done"] == 0 and progress[-1]["status"] == "succeeded"
    assert set(progress[0]) == {"job_id", "kind", "done", "total", "status"}
    assert [p["done"] for p in progress] == sorted(p["done"] for p in progress)

    # Cancelled while running: the next progress report stops it.
    async with executor.runtime.sessions() as session, session.begin():
        again = Job(
            kind="contacts.enrich_all",
            user_id=staff["practitioner"].user_id,
            params={},
            status="queued",
        )
        session.add(again)
    async with executor.runtime.sessions() as session, session.begin():
        row = await session.get(Job, again.id)
        assert row is not None
        row.status = "queued"
    cancel = await client.post(
        f"/api/jobs/{again.id}/cancel", headers=staff["practitioner"].headers
    )
    assert cancel.status_code == 200 and cancel.json()["status"] == "cancelled"
    assert await run(executor, again.id or 0) == "skipped"
    again_cancel = await client.post(
        f"/api/jobs/{again.id}/cancel", headers=staff["practitioner"].headers
    )
    assert again_cancel.status_code == 409


async def test_running_job_stops_at_its_next_progress_report(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    from assistant.jobs.registry import JobKinds
    from assistant.jobs.runner import JobContext, run_job

    member = staff["owner"]
    kinds = JobKinds()

    @kinds.register("contacts.enrich_all")
    async def slow(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
        await ctx.progress(1, 3)
        async with ctx.runtime.sessions() as session, session.begin():
            row = await session.get(Job, ctx.job_id)
            assert row is not None
            row.status = "cancelling"  # what POST /api/jobs/{id}/cancel does while it runs
            session.add(row)
        await ctx.progress(2, 3)
        raise AssertionError("progress should have stopped the job")

    async with executor.runtime.sessions() as session, session.begin():
        job = Job(kind="contacts.enrich_all", user_id=member.user_id, params={})
        session.add(job)
    assert await run_job(executor.runtime, executor, kinds, job.id or 0) == "cancelled"


async def test_jobs_are_visible_to_their_owner_only(
    client: Client, staff: dict[str, Member]
) -> None:
    response = await client.post(
        "/api/rpc/contacts.enrich",
        json={"contact_id": (await Records(client, staff["owner"]).contact())["id"]},
        headers=staff["front_desk"].headers,
    )
    job_id = response.json()["job_id"]
    assert (
        await client.get(f"/api/jobs/{job_id}", headers=staff["front_desk"].headers)
    ).status_code == 200
    for role in ("owner", "practitioner", "viewer"):
        assert (
            await client.get(f"/api/jobs/{job_id}", headers=staff[role].headers)
        ).status_code == 404
        assert (
            await client.post(f"/api/jobs/{job_id}/cancel", headers=staff[role].headers)
        ).status_code == 404
        listed = (await client.get("/api/jobs", headers=staff[role].headers)).json()
        assert job_id not in [j["job_id"] for j in listed["items"]]
    assert (
        await client.get("/api/jobs?limit=0", headers=staff["owner"].headers)
    ).status_code == 422


async def test_with_a_model_the_notes_summary_is_for_clinical_roles_only(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    from inference.scripted import ScriptedEngine, ScriptedReply

    records = Records(client, staff["practitioner"])
    made = await records.contact()
    await records.note(made["id"], "chronic migraines; acupuncture helps")
    engine = ScriptedEngine(script=[ScriptedReply(text="Migraines, helped by acupuncture.")])
    await engine.start()
    try:
        [job] = [
            j
            for j in await jobs_for(executor, kind="contact.enrich")
            if j.params == {"contact_id": made["id"]}
        ]
        assert await run(executor, job.id or 0, engine) == "succeeded"
    finally:
        await engine.close()
    prompt = engine.requests[0].messages[-1]["content"]
    assert '<crm-data name="notes, newest first">' in prompt and "acupuncture helps" in prompt
    for role, expected in (
        ("owner", "Migraines, helped by acupuncture."),
        ("front_desk", None),
        ("viewer", None),
    ):
        got = (
            await client.post(
                "/api/rpc/contacts.get",
                json={"contact_id": made["id"]},
                headers=staff[role].headers,
            )
        ).json()
        assert got["profile_summary"] == expected, role
        assert "Migraines" not in str(got["enrichment"])


async def test_the_profile_summary_is_written_by_an_audited_internal_procedure(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    from sqlmodel import col, select

    from assistant.db.models import AuditEvent
    from inference.scripted import ScriptedEngine, ScriptedReply

    records = Records(client, staff["practitioner"])
    made = await records.contact(first_name="Sum", last_name="Mary")
    await records.note(made["id"], "prefers morning sessions")
    [job] = [
        j
        for j in await jobs_for(executor, kind="contact.enrich", status="queued")
        if j.params == {"contact_id": made["id"]}
    ]
    engine = ScriptedEngine(script=[ScriptedReply(text="Prefers mornings.")])
    await engine.start()
    try:
        assert await run(executor, job.id or 0, engine) == "succeeded"
    finally:
        await engine.close()
    async with executor.runtime.sessions() as session:
        contact = await session.get(Contact, made["id"])
        rows = (
            await session.exec(select(AuditEvent).where(col(AuditEvent.job_id) == job.id))
        ).all()
    assert contact is not None and contact.profile_summary == "Prefers mornings."
    assert [(r.procedure, r.principal_kind, r.actor_id, r.record_ids) for r in rows] == [
        (
            "contacts.record_enrichment",
            "job",
            staff["practitioner"].user_id,
            {"contact_ids": [made["id"]]},
        )
    ]
    assert "Prefers" not in str(rows[0].model_dump())  # ids only, never the clinical text


async def _lock_waits(executor: Executor) -> int:
    """Sessions of this database waiting on a row lock (PostgreSQL; SQLite has none)."""
    if executor.runtime.db.dialect.name == "sqlite":
        return 1  # one writer at a time: the write waits on BEGIN IMMEDIATE instead
    async with executor.runtime.readers() as session:
        connection = await session.connection()
        waiting = await connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )
        return int(waiting.scalar_one())


async def test_a_contact_deleted_while_its_facts_are_written_is_skipped(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    """A delete commits while the job's write waits on the contact's row: the job ends its
    first attempt with the contact skipped, never a write to a row that is gone."""
    made = await Records(client, staff["front_desk"]).contact(enrich=False)
    async with executor.runtime.sessions() as deleting, deleting.begin():
        await deleting.exec(delete(Contact).where(col(Contact.id) == made["id"]))
        writing = asyncio.create_task(
            executor.call(
                WORKER,
                "contacts.record_enrichment",
                {"contacts": [{"contact_id": made["id"], "facts": {"name": {"title": "Dr."}}}]},
                source="job",
            )
        )
        for _ in range(200):
            if await _lock_waits(executor):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.1)
        assert not writing.done()
    done = await writing
    assert isinstance(done, Done)
    assert done.output.model_dump() == {"contact_ids": [], "skipped": [made["id"]], "enrichers": {}}
