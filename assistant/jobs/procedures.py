"""What a user may do to their own background jobs, as procedures: cancelling one is an
action (role-checked, object-checked, audited); the runner's own bookkeeping is not."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from assistant.db.models import Job
from assistant.errors import Conflict
from assistant.jobs.queue import JobOut
from assistant.procedures.context import CallContext
from assistant.procedures.registry import ALL_STAFF, procedure
from assistant.procedures.types import Id, Input
from assistant.queue.rows import progress_data


class JobRef(Input):
    """Written out here, not from crm.common: the CRM queues jobs, so jobs must not need it."""

    job_id: Id = Field(description="A job id.")


def _job_target(args: Any) -> list[tuple[str, int]]:
    return [("jobs", args.job_id)]


@procedure(
    "jobs.cancel",
    summary="Cancel one of your background jobs (a running one stops at its next step)",
    input=JobRef,
    output=JobOut,
    roles=ALL_STAFF,
    targets=_job_target,
)
async def cancel(ctx: CallContext, args: JobRef) -> JobOut:
    job = await ctx.session.get(Job, args.job_id)
    assert job is not None  # the object-access gate loaded it, and it is the caller's
    if job.status in ("succeeded", "failed", "cancelled"):
        raise Conflict(f"job {args.job_id} already {job.status}")
    job.status = "cancelled" if job.status == "queued" else "cancelling"
    job.updated_at = ctx.now
    ctx.session.add(job)
    await ctx.session.flush()
    if job.user_id is not None:
        ctx.emit([job.user_id], "job.progress", progress_data(job))
    return JobOut.of(job)
