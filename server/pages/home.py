"""Home: the user's day at a glance. Today's appointments (mine first for those who see
clients), my open tasks, approvals waiting for me, my recent co-pilot conversations."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from assistant.approvals.inbox import inbox, people
from assistant.chat import store
from assistant.procedures.context import CLINICAL_ROLES, Principal
from assistant.procedures.executor import Executor
from server.deps import ExecutorDep, PrincipalDep, RuntimeDep
from server.pages.activity import latest_context
from server.pages.appointments import rows as appointment_rows
from server.pages.calls import call, contact_names, may, staff
from server.pages.moments import day_bounds, today
from server.pages.shell import render, seen
from server.pages.tasks import task_rows

SHOWN = 6
APPOINTMENTS_SHOWN = 50


async def _appointments(runtime: Any, executor: Executor, principal: Principal) -> dict[str, Any]:
    day = today(runtime.clock.now(), principal.timezone)
    start, end = day_bounds(day, principal.timezone)
    found = await call(
        executor, principal, "appointments.list", date_from=start, date_to=end,
        limit=APPOINTMENTS_SHOWN,
    )  # fmt: skip
    items = found.items
    if principal.role in CLINICAL_ROLES:  # mine first, each part in time order
        items = sorted(items, key=lambda a: a.practitioner_id != principal.user_id)
    names = await contact_names(executor, principal, (a.contact_id for a in items))
    who = {m.id: m.full_name for m in await staff(executor, principal)}
    shown = appointment_rows(items, names)
    for row in shown:
        pid = row["appointment"].practitioner_id
        row["mine"] = pid == principal.user_id
        row["practitioner"] = who.get(pid) if pid else None
    return {"today": day, "appointments": shown, "appointments_total": found.total}


async def _approvals(runtime: Any, executor: Executor, principal: Principal) -> dict[str, Any]:
    async with runtime.readers() as session:
        items, total = await inbox(
            session, principal, "decide", SHOWN, 0, executor.registry, runtime.clock.now()
        )
        names = await people(session, {a.requested_by for a in items})
    cards = []
    for approval in items:
        proc = executor.registry.get(approval.procedure)
        cards.append(
            {
                "approval": approval,
                "what": approval.detail or approval.summary or (proc.summary if proc else ""),
                "asked_by": names.get(approval.requested_by, "someone"),
            }
        )
    return {"approvals": cards, "approvals_total": total}


@get("/", include_in_schema=False)
async def home(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
) -> Template:
    events_after = await seen(runtime, principal)  # before reading: an event meanwhile replays
    tasks = await call(executor, principal, "tasks.list", mine=True, status="open", limit=SHOWN)
    async with runtime.readers() as session:
        conversations, conversations_total = await store.page(session, principal, None, 5, 0)
    return await render(
        request, runtime, principal, "home/home.html", page="home", events_after=events_after,
        **await _appointments(runtime, executor, principal),
        tasks=await task_rows(executor, principal, tasks.items, runtime.clock.now()),
        tasks_total=tasks.total,
        **await _approvals(runtime, executor, principal),
        conversations=conversations, conversations_total=conversations_total,
        **await latest_context(runtime, executor, principal),
        can_complete=may(executor, principal, "tasks.complete"),
        can_book=may(executor, principal, "appointments.book"),
        can_create_task=may(executor, principal, "tasks.create"),
        here="/",
    )  # fmt: skip


routes = [home]
