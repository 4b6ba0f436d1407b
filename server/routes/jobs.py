"""`GET /api/jobs[/{id}]`, `POST /api/jobs/{id}/cancel`: the caller's own background jobs."""

from __future__ import annotations

from typing import Literal

from litestar import get, post
from litestar.params import FromPath, FromQuery
from sqlmodel import col, select

from assistant.crm.common import Page, paginate
from assistant.db.models import Job
from assistant.errors import InvalidInput, NotFound
from assistant.jobs.queue import JobOut
from assistant.procedures.context import Principal
from assistant.procedures.executor import Done
from assistant.runtime import Runtime
from server.deps import ExecutorDep, PrincipalDep, RuntimeDep

JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled", "cancelling", "all"]


async def _own(runtime: Runtime, principal: Principal, job_id: int) -> Job:
    async with runtime.sessions() as session:
        job = await session.get(Job, job_id)
    if job is None or job.user_id != principal.user_id:
        raise NotFound(f"job {job_id} not found")
    return job


@get("/api/jobs", tags=["jobs"], summary="Your background jobs, newest first")
async def list_jobs(
    principal: PrincipalDep,
    runtime: RuntimeDep,
    status: FromQuery[JobStatus] = "all",
    limit: FromQuery[int] = 50,
    offset: FromQuery[int] = 0,
) -> Page[JobOut]:
    if not 1 <= limit <= 200 or offset < 0:
        raise InvalidInput("limit is 1-200 and offset >= 0", fields={"limit": "1-200"})
    query = select(Job).where(col(Job.user_id) == principal.user_id)
    if status != "all":
        query = query.where(col(Job.status) == status)
    async with runtime.sessions() as session:
        rows, total = await paginate(session, query.order_by(col(Job.id).desc()), limit, offset)
    return Page[JobOut](items=[JobOut.of(j) for j in rows], total=total)


@get("/api/jobs/{job_id:int}", tags=["jobs"], summary="Status, progress, result or error")
async def get_job(job_id: FromPath[int], principal: PrincipalDep, runtime: RuntimeDep) -> JobOut:
    return JobOut.of(await _own(runtime, principal, job_id))


@post("/api/jobs/{job_id:int}/cancel", tags=["jobs"], status_code=200, summary="Cancel a job")
async def cancel_job(
    job_id: FromPath[int], principal: PrincipalDep, executor: ExecutorDep
) -> JobOut:
    done = await executor.call(principal, "jobs.cancel", {"job_id": job_id}, source="http")
    assert isinstance(done, Done)
    return JobOut.model_validate(done.output.model_dump())


routes = [list_jobs, get_job, cancel_job]
