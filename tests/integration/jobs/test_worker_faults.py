"""Fault tests with real worker processes on a private Redis: kill -9 mid-job, a flushed
Redis, and no personal data in any Redis key or value."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from assistant.db import migrate
from assistant.db.models import Contact, Job
from assistant.jobs import queue
from assistant.queue import rows
from assistant.redis_server import EmbeddedRedis
from assistant.runtime import Runtime
from assistant.settings import Settings

pytestmark = pytest.mark.slow
FILLERS = 2000
CANARY_NAME, CANARY_EMAIL, CANARY_PHONE = (
    "Zebulon Quarrington",
    "zeb.q@canary.example",
    "+1 415 555 0177",
)


@pytest.fixture(scope="module")
def private_redis() -> Iterator[str]:
    with EmbeddedRedis() as server:
        yield server.url


@pytest.fixture
async def world(
    empty_db_url: str, private_redis: str, key_file: Path, tmp_path: Path
) -> AsyncIterator[Runtime]:
    """A fresh database with contacts, on the private Redis, with short leases."""
    await asyncio.to_thread(migrate.upgrade, empty_db_url)
    backend = empty_db_url.split(":", 1)[0]
    settings = Settings(
        environment="test", data_dir=tmp_path, key_file=key_file,
        database={"url": empty_db_url}, redis={"url": private_redis},
        jobs={"lease_seconds": 5, "reconcile_after_seconds": 0.5,
              "queue": f"assistant:faults:{backend}:{tmp_path.name}"},
    )  # fmt: skip
    runtime = Runtime.create(settings)
    first, last = CANARY_NAME.split()
    async with runtime.sessions() as session, session.begin():
        session.add(
            Contact(
                first_name=first,
                last_name=last,
                email=CANARY_EMAIL,
                phone=CANARY_PHONE,
                phone_digits="14155550177",
            )
        )
        # Enough contacts that the job outlasts worker start-up and polling on a busy machine
        # (with 400 a fast worker once finished before the test could see it mid-job).
        session.add_all(
            Contact(first_name=f"Filler{i}", last_name=f"Person{i}", phone=f"+1 415 555 {1000 + i}")
            for i in range(FILLERS)
        )
    await runtime.redis.flushall()
    yield runtime
    await runtime.redis.flushall()
    await runtime.close()


def _worker_env(runtime: Runtime) -> dict[str, str]:
    s = runtime.settings
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(
        ASSISTANT_ENVIRONMENT="test",
        ASSISTANT_DATABASE_URL=s.database_url,
        ASSISTANT_REDIS_URL=s.redis.url or "",
        ASSISTANT_DATA_DIR=str(s.data_dir),
        ASSISTANT_JOBS_QUEUE=s.jobs.queue,
        ASSISTANT_JOBS_LEASE_SECONDS=str(s.jobs.lease_seconds),
        ASSISTANT_JOBS_RECONCILE_AFTER_SECONDS=str(s.jobs.reconcile_after_seconds),
        ASSISTANT_LOG_LEVEL="WARNING",
    )
    if s.key_file is not None:
        env["ASSISTANT_KEY_FILE"] = str(s.key_file)
    return env


def _start_worker(runtime: Runtime) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "assistant", "worker"],
        env=_worker_env(runtime),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def _job(runtime: Runtime, job_id: int) -> Job:
    async with runtime.sessions() as session:
        job = await session.get(Job, job_id)
    assert job is not None
    return job


async def _until(runtime: Runtime, job_id: int, check: Any, seconds: float = 90) -> Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = await _job(runtime, job_id)
        if check(job):
            return job
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {job_id} never got there: {(await _job(runtime, job_id))}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=30)


async def test_killed_worker_mid_job_another_finishes_it_once(world: Runtime) -> None:
    job = await queue.enqueue(world, kind="contacts.enrich_all", user_id=None, params={})
    assert job.id is not None
    first = _start_worker(world)
    try:
        running = await _until(world, job.id, lambda j: j.status == "running" and j.done >= 5)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        _stop(first)
    assert running.done < running.total
    await asyncio.sleep(world.settings.jobs.lease_seconds + 0.5)  # its lease runs out
    second = _start_worker(world)
    try:
        done = await _until(world, job.id, lambda j: j.status in ("succeeded", "failed"))
    finally:
        _stop(second)
    # At least once: the second worker's claim is attempt 2 (a loaded machine that misses a
    # heartbeat may add one more); the job still ends succeeded, its effects idempotent.
    assert done.status == "succeeded" and done.attempts >= 2
    assert done.result == {"enriched": done.total} and done.done == done.total
    async with world.sessions() as session:
        from sqlmodel import select

        contacts = (await session.exec(select(Contact))).all()
    assert all("enriched_at" in c.enrichment for c in contacts)


async def test_flushed_redis_the_reconciler_restores_pending_work(world: Runtime) -> None:
    async with world.sessions() as session:
        from sqlmodel import select

        canary = (await session.exec(select(Contact).where(Contact.email == CANARY_EMAIL))).one()
    job = await queue.enqueue(
        world, kind="contact.enrich", user_id=None, params={"contact_id": canary.id}
    )
    assert await world.redis.exists(rows.ARQ_JOB_KEY + rows.arq_id(job, world.settings.jobs.queue))
    await world.redis.flushall()  # the queue is gone; the row still says queued
    await asyncio.sleep(world.settings.jobs.reconcile_after_seconds + 0.1)
    worker = _start_worker(world)
    try:
        done = await _until(world, job.id or 0, lambda j: j.status == "succeeded")
    finally:
        _stop(worker)
    assert done.result is not None and done.result["contact_id"] == canary.id
    async with world.sessions() as session:
        enriched = await session.get(Contact, canary.id)
    assert enriched is not None and enriched.enrichment["phone"]["e164"] == "+14155550177"
    await _assert_nothing_personal_in(world.redis)


async def _assert_nothing_personal_in(redis: Redis) -> None:
    canaries = [CANARY_NAME, *CANARY_NAME.split(), CANARY_EMAIL, CANARY_PHONE, "4155550177"]
    seen = 0
    async for key in redis.scan_iter(count=500):
        kind = (await redis.type(key)).decode()
        values: list[bytes] = [key]
        if kind == "string":
            values.append(await redis.get(key) or b"")
        elif kind == "list":
            values += await redis.lrange(key, 0, -1)
        elif kind == "zset":
            values += await redis.zrange(key, 0, -1)
        elif kind == "hash":
            values += [b for pair in (await redis.hgetall(key)).items() for b in pair]
        elif kind == "set":
            values += list(await redis.smembers(key))
        seen += 1
        blob = b"\n".join(values)
        for canary in canaries:
            assert canary.encode() not in blob, (key, canary)
    assert seen > 0  # the scan looked at real keys (arq results, cron locks...)
