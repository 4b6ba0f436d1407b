"""Job rows and their queue entries: the primitives the executor, the job runner and the
approval runner share. The message carries only the row id (no personal data); the jobs
package builds its runner, reconciler and views on these."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from arq.connections import ArqRedis
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.db.models import Job
from assistant.queue.serializer import ARQ_OPTIONS
from assistant.runtime import Runtime

RUN_JOB = "run_job"

ARQ_JOB_KEY = "arq:job:"
ARQ_RESULT_KEY = "arq:result:"


def arq_id(job: Job, queue: str) -> str:
    """Unique per attempt, and per queue: databases that share a Redis never collide."""
    return f"{queue}:job:{job.id}:{job.attempts}"


def arq_pool(runtime: Runtime) -> ArqRedis:
    return ArqRedis(
        connection_pool=runtime.redis.connection_pool,
        default_queue_name=runtime.settings.jobs.queue,
        **ARQ_OPTIONS,
    )


async def add_job(
    session: AsyncSession,
    *,
    kind: str,
    user_id: int | None,
    params: dict[str, Any],
    idempotency_key: str | None = None,
    now: Any,
) -> Job:
    """Create the row inside the caller's transaction; `push` it after commit.

    An idempotency key makes the same request return the same job instead of a second one.
    """
    if idempotency_key is not None:
        found = (
            await session.exec(select(Job).where(Job.idempotency_key == idempotency_key))
        ).first()
        if found is not None:
            return found
    job = Job(
        kind=kind,
        user_id=user_id,
        params=params,
        idempotency_key=idempotency_key,
        created_at=now,
        updated_at=now,
    )
    session.add(job)
    await session.flush()
    return job


async def push(runtime: Runtime, job: Job, defer_seconds: float | None = None) -> None:
    """Put the job's id on the queue (arq ignores a second push of the same attempt id), and
    tell its owner it waits (a jobs page shows a new job at once)."""
    await arq_pool(runtime).enqueue_job(
        RUN_JOB,
        job.id,
        _job_id=arq_id(job, runtime.settings.jobs.queue),
        _queue_name=runtime.settings.jobs.queue,
        _defer_by=timedelta(seconds=defer_seconds) if defer_seconds else None,
    )
    await publish_progress(runtime, job)


def progress_data(job: Job) -> dict[str, Any]:
    """The `job.progress` event's data (a cancel still running reads as running)."""
    return {
        "job_id": job.id,
        "kind": job.kind,
        "done": job.done,
        "total": job.total,
        "status": "running" if job.status == "cancelling" else job.status,
    }


async def publish_progress(runtime: Runtime, job: Job) -> None:
    if job.user_id is None:
        return
    await runtime.bus.publish([job.user_id], "job.progress", progress_data(job))
