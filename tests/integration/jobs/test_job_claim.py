"""A queue entry that ends without claiming its job (the database did not answer) loses
nothing: the worker tries the same entry again shortly, and the reconciler can queue the job
again even though arq remembers how that entry ended."""

from __future__ import annotations

import asyncio
import uuid
import warnings
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from arq.worker import Retry, Worker, func
from sqlalchemy import update
from sqlmodel import col

from assistant import compose
from assistant.db import migrate
from assistant.db.models import Job
from assistant.jobs.queue import enqueue, reconcile
from assistant.jobs.registry import JobKinds
from assistant.procedures.executor import Executor
from assistant.queue.rows import ARQ_JOB_KEY, ARQ_RESULT_KEY, RUN_JOB, arq_id
from assistant.queue.serializer import ARQ_OPTIONS
from assistant.runtime import Runtime
from assistant.settings import Settings
from assistant.worker import _run_job, redis_settings


@pytest.fixture
async def alone(
    empty_db_url: str, redis_url: str, key_file: Path, tmp_path: Path
) -> AsyncIterator[Runtime]:
    """A database and a queue of its own: the worker below consumes every entry it finds."""
    await asyncio.to_thread(migrate.upgrade, empty_db_url)
    settings = Settings(
        environment="test", data_dir=tmp_path, key_file=key_file,
        database={"url": empty_db_url}, redis={"url": redis_url},
        jobs={"queue": f"assistant:claim:{uuid.uuid4().hex[:8]}"},
    )  # fmt: skip
    runtime = Runtime.create(settings)
    yield runtime
    await runtime.close()


async def _entry_ends_unclaimed(runtime: Runtime) -> None:
    """A real arq worker runs the queue once, its job function failing before any claim."""

    async def unclaimed(ctx: dict[str, Any], job_id: int) -> str:
        raise RuntimeError("the database was locked")

    settings = runtime.settings
    assert settings.redis.url
    worker = Worker(
        functions=[func(unclaimed, name=RUN_JOB)],
        redis_settings=redis_settings(settings.redis.url),
        queue_name=settings.jobs.queue,
        burst=True,
        max_tries=1,
        poll_delay=0.05,
        handle_signals=False,
        **ARQ_OPTIONS,
    )
    try:
        await worker.main()
    finally:
        with warnings.catch_warnings():  # arq's close() calls redis-py's deprecated close()
            warnings.simplefilter("ignore", DeprecationWarning)
            await worker.close()


async def test_a_job_whose_entry_ended_unclaimed_is_queued_again(alone: Runtime) -> None:
    runtime = alone
    queue = runtime.settings.jobs.queue
    job = await enqueue(runtime, kind="test.nothing", user_id=None, params={})
    assert job.id is not None
    key = arq_id(job, queue)
    await _entry_ends_unclaimed(runtime)
    assert not await runtime.redis.exists(ARQ_JOB_KEY + key)
    assert await runtime.redis.exists(ARQ_RESULT_KEY + key)  # arq remembers the outcome
    settled = runtime.clock.now() - timedelta(seconds=runtime.settings.jobs.reconcile_after_seconds)
    async with runtime.sessions() as session, session.begin():
        await session.exec(
            update(Job).where(col(Job.id) == job.id).values(updated_at=settled - timedelta(1))
        )
    try:
        assert await reconcile(runtime) == [job.id]
        assert await runtime.redis.exists(ARQ_JOB_KEY + key), "the entry was refused"
    finally:
        await runtime.redis.delete(ARQ_JOB_KEY + key, ARQ_RESULT_KEY + key)
        await runtime.redis.delete(queue)


async def test_an_unanswered_claim_is_tried_again_not_failed(
    alone: Runtime, tmp_path: Path
) -> None:
    nowhere = tmp_path / "no-such-folder" / "assistant.db"  # cannot be opened
    settings = alone.settings.model_dump(include={"environment", "key_file", "redis", "jobs"})
    runtime = Runtime.create(
        Settings(**settings, data_dir=tmp_path, database={"url": f"sqlite+aiosqlite:///{nowhere}"})
    )
    ctx = {"runtime": runtime, "executor": Executor(runtime, compose.procedures()),
           "kinds": JobKinds()}  # fmt: skip
    try:
        with pytest.raises(Retry):
            await _run_job(ctx, 1)
    finally:
        await runtime.close()


async def _lose_entry(runtime: Runtime, job: Job, **values: Any) -> None:
    """Redis forgets the job's entry; the row says `values`, written before the settle time."""
    queue = runtime.settings.jobs.queue
    await runtime.redis.delete(ARQ_JOB_KEY + arq_id(job, queue))
    await runtime.redis.zrem(queue, arq_id(job, queue))
    settled = runtime.clock.now() - timedelta(seconds=runtime.settings.jobs.reconcile_after_seconds)
    async with runtime.sessions() as session, session.begin():
        await session.exec(
            update(Job)
            .where(col(Job.id) == job.id)
            .values(updated_at=settled - timedelta(seconds=1), **values)
        )


async def test_a_retry_lost_with_redis_keeps_the_rest_of_its_backoff(alone: Runtime) -> None:
    """A fifth attempt's retry waits 80 s (5 s doubling): queued again 31 s after it failed,
    it is due in the 49 s left, not at once; a job that was not retrying is due at once."""
    runtime = alone
    queue = runtime.settings.jobs.queue
    retrying = await enqueue(runtime, kind="test.nothing", user_id=None, params={})
    released = await enqueue(runtime, kind="test.nothing", user_id=None, params={})
    await _lose_entry(runtime, retrying, attempts=5, error="retrying: ConnectError")
    await _lose_entry(runtime, released, error="released: its worker stopped")
    retrying.attempts = 5
    try:
        assert sorted(await reconcile(runtime)) == sorted([retrying.id, released.id])
        now_ms = runtime.clock.now().timestamp() * 1000
        retry_at = await runtime.redis.zscore(queue, arq_id(retrying, queue))
        released_at = await runtime.redis.zscore(queue, arq_id(released, queue))
        assert retry_at is not None and released_at is not None
        assert 46_000 < retry_at - now_ms < 50_000
        assert abs(released_at - now_ms) < 3_000
    finally:
        for job in (retrying, released):
            await runtime.redis.delete(ARQ_JOB_KEY + arq_id(job, queue))
        await runtime.redis.delete(queue)
