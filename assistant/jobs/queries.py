"""Reading background jobs: a user sees their own jobs only."""

from __future__ import annotations

from typing import Literal

from sqlmodel import col, select

from assistant.db.models import Job
from assistant.errors import NotFound
from assistant.jobs.queue import JobOut
from assistant.procedures.context import Principal
from assistant.procedures.types import Page, paginate
from assistant.runtime import Runtime

JobFilter = Literal["queued", "running", "succeeded", "failed", "cancelled", "cancelling", "all"]


async def own_job(runtime: Runtime, principal: Principal, job_id: int) -> Job:
    """The job, if `principal` requested it; NotFound otherwise (another's job is not there)."""
    async with runtime.readers() as session:
        job = await session.get(Job, job_id)
    if job is None or job.user_id != principal.user_id:
        raise NotFound(f"job {job_id} not found")
    return job


async def list_own(
    runtime: Runtime, principal: Principal, status: JobFilter, limit: int, offset: int
) -> Page[JobOut]:
    """Newest first."""
    query = select(Job).where(col(Job.user_id) == principal.user_id)
    if status != "all":
        query = query.where(col(Job.status) == status)
    async with runtime.readers() as session:
        rows, total = await paginate(session, query.order_by(col(Job.id).desc()), limit, offset)
    return Page[JobOut](items=[JobOut.of(j) for j in rows], total=total)
