"""My background jobs: what each does, its progress (live), its error in words; cancel.

Reading is the caller's own jobs only (as `GET /api/jobs`); cancelling is the `jobs.cancel`
procedure, like every other write.
"""

from __future__ import annotations

from typing import Any, cast

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from assistant.errors import Conflict
from assistant.jobs.queries import JobFilter, list_own
from assistant.jobs.queue import JobOut
from assistant.procedures.context import Principal
from server.deps import ExecutorDep, PrincipalDep, RuntimeDep
from server.pages.calls import call
from server.pages.failures import SERVICE, failure_in_words
from server.pages.shell import fragment, render, see_other, seen

PAGE_SIZE = 20
# Each kind of job in words, and the record it works on (a parameter -> a link).
KINDS: dict[str, str] = {
    "email.send": "Send an e-mail",
    "email.draft": "Write an e-mail draft",
    "contact.enrich": "Look up a client's details",
    "contacts.enrich_all": "Look up every client's details",
    "approval.execute": "Run an approved request",
}
RECORDS: dict[str, tuple[str, str]] = {
    "draft_id": ("e-mail draft", "/emails/{}"),
    "contact_id": ("client", "/contacts/{}"),
    "approval_id": ("request", "/approvals?box=mine#approval-{}"),
}
STATUSES = {
    "all": "All jobs",
    "queued": "Waiting",
    "running": "Running",
    "succeeded": "Done",
    "failed": "Failed",
    "cancelled": "Cancelled",
}
ACTIVE = frozenset({"queued", "running"})
NOTICES = {"cancelled": "Cancelled. A job that was already running stops at its next step."}
# What each kind of job talks to, for its failures in words (server/pages/failures.py).
SERVICES = {"email.send": "the mail server", "email.draft": "the language model"}


def _card(job: JobOut) -> dict[str, Any]:
    links = [
        (f"{what} #{value}", url.format(value))
        for key, (what, url) in RECORDS.items()
        if isinstance(value := job.params.get(key), int)
    ]
    return {
        "job": job,
        "what": KINDS.get(job.kind, job.kind.replace(".", " ").replace("_", " ").capitalize()),
        "links": links,
        "error": failure_in_words(job.error, SERVICES.get(job.kind, SERVICE)),
        "active": job.status in ACTIVE or job.status == "cancelling",
        "cancellable": job.status in ACTIVE,
    }


async def _jobs(runtime: Any, principal: Principal, status: str, page: int) -> dict[str, Any]:
    status = status if status in STATUSES else "all"
    chosen = cast(JobFilter, status)
    found = await list_own(runtime, principal, chosen, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    return {
        "cards": [_card(j) for j in found.items],
        "total": found.total,
        "status": status,
        "statuses": STATUSES,
        "page_no": page,
        "pages": max(1, -(-found.total // PAGE_SIZE)),
    }


@get("/jobs", include_in_schema=False)
async def jobs_page(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    principal: PrincipalDep,
    status: FromQuery[str] = "all",
    page: FromQuery[int] = 1,
    notice: FromQuery[str] = "",
) -> Template:
    events_after = await seen(runtime, principal)  # before reading jobs that move
    context = await _jobs(runtime, principal, status, max(page, 1))
    return await render(
        request, runtime, principal, "jobs/list.html", page="jobs",
        notice=NOTICES.get(notice), events_after=events_after, **context,
    )  # fmt: skip


@get("/jobs/rows", include_in_schema=False)
async def job_rows(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    status: FromQuery[str] = "all",
    page: FromQuery[int] = 1,
) -> Template:
    """The list alone, for htmx to swap in when a job finishes."""
    context = await _jobs(runtime, principal, status, max(page, 1))
    return fragment("jobs/_rows.html", principal, **context)


@post("/jobs/{job_id:int}/cancel", include_in_schema=False)
async def cancel_job(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    job_id: FromPath[int],
) -> Template | Redirect:
    try:
        await call(executor, principal, "jobs.cancel", job_id=job_id)
    except Conflict as exc:  # it finished meanwhile
        context = await _jobs(runtime, principal, "all", 1)
        errors = {"form": exc.message[:1].upper() + exc.message[1:] + "."}
        return await render(
            request, runtime, principal, "jobs/list.html", page="jobs",
            errors=errors, status_code=409, **context,
        )  # fmt: skip
    return see_other("/jobs", notice="cancelled")


routes = [jobs_page, job_rows, cancel_job]
