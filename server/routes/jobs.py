"""`GET /api/jobs[/{id}]`, `POST /api/jobs/{id}/cancel`: the caller's own background jobs."""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.params import FromQuery

from assistant.jobs.queries import JobFilter, list_own, own_job
from assistant.jobs.queue import JobOut
from assistant.procedures.executor import Done
from assistant.procedures.types import Page
from server.deps import ExecutorDep, PrincipalDep, RuntimeDep
from server.paging import PagingDep
from server.params import PathId
from server.routes.rpc import WAITING, waiting_response


@get("/api/jobs", tags=["jobs"], summary="Your background jobs, newest first")
async def list_jobs(
    principal: PrincipalDep,
    runtime: RuntimeDep,
    paging: PagingDep,
    status: FromQuery[JobFilter] = "all",
) -> Page[JobOut]:
    return await list_own(runtime, principal, status, paging.limit, paging.offset)


@get("/api/jobs/{job_id:int}", tags=["jobs"], summary="Status, progress, result or error")
async def get_job(job_id: PathId, principal: PrincipalDep, runtime: RuntimeDep) -> JobOut:
    return JobOut.of(await own_job(runtime, principal, job_id))


@post(
    "/api/jobs/{job_id:int}/cancel",
    tags=["jobs"],
    status_code=200,
    summary="Cancel a job",
    responses={202: WAITING},
)
async def cancel_job(
    job_id: PathId, principal: PrincipalDep, executor: ExecutorDep
) -> Response[Any]:
    done = await executor.call(principal, "jobs.cancel", {"job_id": job_id}, source="http")
    if not isinstance(done, Done):  # the clinic's policy makes it wait
        return waiting_response(done)
    return Response(JobOut.model_validate(done.output.model_dump()).model_dump(mode="json"))


routes = [list_jobs, get_job, cancel_job]
