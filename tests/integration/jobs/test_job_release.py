"""A worker that stops mid-job (SIGTERM past ASSISTANT_JOBS_DRAIN_SECONDS: arq cancels the
job's task) gives the job back at once, so another worker can claim it without waiting for
the lease to expire."""

from __future__ import annotations

import asyncio
from typing import Any

from assistant.db.models import Job
from assistant.jobs.queue import enqueue
from assistant.jobs.registry import JobKinds
from assistant.jobs.runner import JobContext, run_job
from assistant.procedures.executor import Executor


async def _job(executor: Executor, job_id: int) -> Job:
    async with executor.runtime.sessions() as session:
        job = await session.get(Job, job_id)
    assert job is not None
    return job


async def test_a_cancelled_job_is_released_and_the_next_claim_runs_it(executor: Executor) -> None:
    kinds = JobKinds()
    started, runs = asyncio.Event(), []

    @kinds.register("test.slow")
    async def slow(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
        runs.append(ctx.attempt)
        started.set()
        if len(runs) == 1:
            await asyncio.sleep(3600)  # the first worker stops in here
        return {"ran": True}

    job = await enqueue(executor.runtime, kind="test.slow", user_id=None, params={})
    assert job.id is not None
    first = asyncio.create_task(run_job(executor.runtime, executor, kinds, job.id))
    await asyncio.wait_for(started.wait(), 10)
    assert (await _job(executor, job.id)).status == "running"
    first.cancel()
    await asyncio.gather(first, return_exceptions=True)

    released = await _job(executor, job.id)
    assert (released.status, released.lease_until, released.attempts) == ("queued", None, 0)
    # Another worker claims it at once (its lease did not have to run out) and runs it.
    assert await run_job(executor.runtime, executor, kinds, job.id) == "succeeded"
    assert runs == [1, 1]  # the stop was not counted as a failed attempt
