"""Jobs as database rows; the queue message carries only the row id (no personal data).

Delivery is at least once: a job is (re-)enqueued under an arq id derived from its attempt
number, the runner claims it with a lease, and the reconciler re-enqueues only work whose
lease expired or whose queue entry vanished (e.g. Redis was flushed).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import or_
from sqlmodel import col, select

from assistant.db.models import Job
from assistant.jobs.retry import retry_due
from assistant.queue.rows import ARQ_JOB_KEY, ARQ_RESULT_KEY, add_job, arq_id, push
from assistant.runtime import Runtime


class JobOut(BaseModel):
    job_id: int
    kind: str
    status: str
    done: int
    total: int
    attempts: int
    result: dict[str, Any] | None
    error: str | None
    params: dict[str, Any] = Field(default_factory=dict, description="What it works on (ids).")
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def of(cls, job: Job) -> JobOut:
        assert job.id is not None
        return cls(
            job_id=job.id,
            **job.model_dump(
                include={
                    "kind", "status", "done", "total", "attempts", "result", "error", "params",
                    "created_at", "updated_at",
                }
            ),
        )  # fmt: skip


async def enqueue(
    runtime: Runtime,
    *,
    kind: str,
    user_id: int | None,
    params: dict[str, Any],
    idempotency_key: str | None = None,
) -> Job:
    async with runtime.sessions() as session, session.begin():
        job = await add_job(
            session,
            kind=kind,
            user_id=user_id,
            params=params,
            idempotency_key=idempotency_key,
            now=runtime.clock.now(),
        )
    await push(runtime, job)
    return job


async def reconcile(runtime: Runtime) -> list[int]:
    """Re-enqueue jobs whose lease expired or whose queue entry is gone; returns their ids."""
    now = runtime.clock.now()
    settle = timedelta(seconds=runtime.settings.jobs.reconcile_after_seconds)
    async with runtime.sessions() as session, session.begin():
        rows = (
            await session.exec(
                select(Job).where(
                    or_(
                        col(Job.status).in_(("running", "cancelling"))
                        & (col(Job.lease_until) < now),
                        (col(Job.status) == "queued") & (col(Job.updated_at) < now - settle),
                    )
                )
            )
        ).all()
        revived: list[tuple[Job, float | None]] = []
        stale: list[str] = []
        for job in rows:
            due = retry_due(runtime.settings.jobs, job)
            if job.status == "cancelling":
                job.status, job.lease_until = "cancelled", None  # its worker died mid-cancel
            elif job.status == "queued" and await runtime.redis.exists(
                ARQ_JOB_KEY + arq_id(job, runtime.settings.jobs.queue)
            ):
                continue  # still waiting in Redis: nothing lost
            else:
                if job.status == "queued":
                    # Its queue entry ran and ended without claiming it (the database was
                    # unreachable): arq keeps that outcome under the same id and would
                    # silently refuse the same id again.
                    stale.append(ARQ_RESULT_KEY + arq_id(job, runtime.settings.jobs.queue))
                job.status, job.lease_until = "queued", None
                # A retry keeps what is left of its backoff (a failing service is not tried
                # again early because Redis restarted).
                revived.append((job, (due - now).total_seconds() if due and due > now else None))
            job.updated_at = now
            session.add(job)
    if stale:
        await runtime.redis.delete(*stale)
    for job, wait in revived:
        await push(runtime, job, wait)
    return [job.id for job, _ in revived if job.id is not None]
