"""Running one job: claim it with a lease, heartbeat, report progress, retry with backoff."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import col

from assistant.db.models import Job, User
from assistant.jobs.registry import JobKinds
from assistant.jobs.retry import RETRYING, backoff
from assistant.procedures.context import Caller, Principal
from assistant.procedures.executor import Done, Executor
from assistant.procedures.system import WORKER
from assistant.queue.rows import publish_progress, push
from assistant.runtime import Runtime

logger = logging.getLogger(__name__)


class JobCancelled(Exception):
    """Raised inside a handler when someone asked to cancel the job."""


class PermanentJobError(Exception):
    """A failure that retrying cannot fix: the job ends `failed` at once."""


class ClaimFailed(Exception):
    """The database did not answer the claim (locked, restarting): nothing ran, no attempt
    was counted; the same queue entry should be tried again shortly."""


@dataclass
class JobContext:
    runtime: Runtime
    executor: Executor
    job_id: int
    user_id: int | None
    kind: str
    attempt: int
    engine: Any = None

    async def caller(self) -> Caller:
        """Who the job's writes act as: the user who asked for it, with their role as it is
        now, or the worker's system principal for a job nobody asked for."""
        if self.user_id is None:
            return replace(WORKER, job_id=self.job_id)
        async with self.runtime.readers() as session:
            user = await session.get(User, self.user_id)
        if user is None or not user.is_active:
            raise PermanentJobError("the account that asked for this job is disabled")
        return Principal.of(user, kind="job", job_id=self.job_id)

    async def call(self, name: str, args: dict[str, Any]) -> Done:
        """Write through the executor as `caller()`; a job never asks for an approval."""
        result = await self.executor.call(await self.caller(), name, args, source="job")
        assert isinstance(result, Done), f"{name} must not wait for approval inside a job"
        return result

    async def progress(self, done: int, total: int) -> None:
        """Record progress (extends the lease) and stop if a cancel was requested."""
        rt = self.runtime
        now = rt.clock.now()
        async with rt.sessions() as session, session.begin():
            job = await session.get(Job, self.job_id)
            assert job is not None
            job.done, job.total, job.heartbeat_at, job.updated_at = done, total, now, now
            job.lease_until = now + timedelta(seconds=rt.settings.jobs.lease_seconds)
            session.add(job)
            cancelling = job.status == "cancelling"
        await publish_progress(rt, job)
        if cancelling:
            raise JobCancelled()


async def _claim(runtime: Runtime, job_id: int) -> Job | None:
    """Take the job if it is queued or its lease expired; exactly one worker wins."""
    now = runtime.clock.now()
    lease = now + timedelta(seconds=runtime.settings.jobs.lease_seconds)
    async with runtime.sessions() as session, session.begin():
        result = await session.exec(
            update(Job)
            .where(
                col(Job.id) == job_id,
                or_(
                    col(Job.status) == "queued",
                    (col(Job.status) == "running") & (col(Job.lease_until) < now),
                ),
            )
            .values(
                status="running",
                attempts=col(Job.attempts) + 1,
                lease_until=lease,
                heartbeat_at=now,
                updated_at=now,
            )
        )
        if not result.rowcount:
            return None
        return await session.get(Job, job_id)


async def _heartbeat(runtime: Runtime, job_id: int) -> None:
    every = runtime.settings.jobs.lease_seconds / 3
    while True:
        await asyncio.sleep(every)
        now = runtime.clock.now()
        async with runtime.sessions() as session, session.begin():
            await session.exec(
                update(Job)
                .where(col(Job.id) == job_id, col(Job.status) == "running")
                .values(
                    heartbeat_at=now,
                    lease_until=now + timedelta(seconds=runtime.settings.jobs.lease_seconds),
                )
            )


async def _finish(runtime: Runtime, job_id: int, **values: Any) -> Job:
    async with runtime.sessions() as session, session.begin():
        job = await session.get(Job, job_id)
        assert job is not None
        for key, value in values.items():
            setattr(job, key, value)
        job.updated_at = runtime.clock.now()
        if job.status != "running":
            job.lease_until = None
        session.add(job)
    return job


async def _release(runtime: Runtime, job_id: int) -> None:
    """Back to queued under the attempt number it was queued with (a stop is no failed
    attempt), so its queue entry, which arq keeps, is the one the reconciler looks for."""
    now = runtime.clock.now()
    async with runtime.sessions() as session, session.begin():
        await session.exec(
            update(Job)
            .where(col(Job.id) == job_id, col(Job.status) == "running")
            .values(
                status="queued",
                attempts=col(Job.attempts) - 1,
                lease_until=None,
                updated_at=now,
                error="released: its worker stopped",
            )
        )
    logger.info("job %s released: its worker is stopping", job_id)


async def run_job(
    runtime: Runtime, executor: Executor, kinds: JobKinds, job_id: int, engine: Any = None
) -> str:
    """Run one job to an outcome; returns the job's status (or 'skipped' if not ours)."""
    try:
        job = await _claim(runtime, job_id)
    except DBAPIError as exc:
        raise ClaimFailed(type(exc.orig).__name__ if exc.orig else type(exc).__name__) from exc
    if job is None:
        return "skipped"
    assert job.id is not None
    await publish_progress(runtime, job)  # it started: a jobs page shows it running
    handler = kinds.get(job.kind)
    if handler is None:
        done = await _finish(runtime, job_id, status="failed", error=f"unknown job kind {job.kind}")
        return done.status
    job_id = job.id
    started = time.perf_counter()
    ctx = JobContext(runtime, executor, job_id, job.user_id, job.kind, job.attempts, engine)
    beat = asyncio.create_task(_heartbeat(runtime, job_id))
    try:
        result = await handler(ctx, dict(job.params))
        job = await _finish(runtime, job_id, status="succeeded", result=result, error=None)
    except JobCancelled:
        job = await _finish(runtime, job_id, status="cancelled")
    except asyncio.CancelledError:
        # The worker is stopping (SIGTERM past its drain time): give the job back at once
        # rather than leave its lease to expire; arq puts the entry back for another worker.
        await asyncio.shield(_release(runtime, job_id))
        raise
    except PermanentJobError as exc:
        job = await _finish(runtime, job_id, status="failed", error=str(exc)[:500])
    except Exception as exc:  # any other failure is retried with backoff, then ends failed
        logger.warning(
            "job %s (%s) attempt %s failed: %s", job.id, job.kind, job.attempts, type(exc).__name__
        )
        if job.attempts >= runtime.settings.jobs.max_attempts:
            job = await _finish(
                runtime, job_id, status="failed", error=f"{type(exc).__name__}: {str(exc)[:400]}"
            )
        else:
            job = await _finish(
                runtime, job_id, status="queued", error=f"{RETRYING}{type(exc).__name__}"
            )
            await push(runtime, job, backoff(runtime.settings.jobs, job.attempts))
    finally:
        beat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beat
    runtime.metrics.job_duration.labels(job.kind, job.status).observe(time.perf_counter() - started)
    await publish_progress(runtime, job)
    return job.status
