"""Running queued jobs in the test's own loop, as the worker would."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from assistant import compose
from assistant.db.models import Job
from assistant.jobs.runner import run_job
from assistant.procedures.executor import Executor


async def jobs_for(executor: Executor, **where: Any) -> list[Job]:
    async with executor.runtime.sessions() as session:
        query = select(Job).order_by(col(Job.id))
        for key, value in where.items():
            query = query.where(getattr(Job, key) == value)
        return list((await session.exec(query)).all())


async def run(executor: Executor, job_id: int, engine: Any = None) -> str:
    return await run_job(executor.runtime, executor, compose.job_kinds(), job_id, engine)


async def run_kind(executor: Executor, kind: str, **params: Any) -> list[str]:
    """Run every queued job of `kind` whose params include `params`."""
    outcomes = []
    for job in await jobs_for(executor, kind=kind, status="queued"):
        if all(job.params.get(k) == v for k, v in params.items()):
            assert job.id is not None
            outcomes.append(await run(executor, job.id))
    return outcomes
