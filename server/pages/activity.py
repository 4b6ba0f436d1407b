"""The co-pilot's activity page (`/activity`): every call made or proposed for me, with its
status, who decided and why, and Undo while it can be undone; and my latest actions, for the
home page (`latest_context` + web/templates/actions/_latest.html)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from assistant.activity.listing import STATUSES, ActionFilter, ActionOut, list_actions
from assistant.approvals.inbox import people
from assistant.db.models import Role
from assistant.errors import AppError
from assistant.procedures.context import Principal
from assistant.procedures.executor import Executor
from assistant.runtime import Runtime
from server.deps import ExecutorDep, PrincipalDep, RuntimeDep
from server.pages.calls import call
from server.pages.errors import ACCESS_ERRORS
from server.pages.shell import render, see_other
from server.pages.waiting import Waits

PAGE_SIZE = 25
SOURCES = {"chat": "Co-pilot", "http": "Web or API", "job": "Background job"}
LATEST = 5


async def _rows(
    runtime: Runtime,
    executor: Executor,
    principal: Principal,
    filters: ActionFilter,
    limit: int,
    offset: int,
) -> tuple[list[ActionOut], int, dict[int, str]]:
    async with runtime.readers() as session:
        items, total = await list_actions(
            session, executor.registry, principal, filters, limit, offset, runtime.clock.now()
        )
        ids = {a.user_id for a in items} | {
            who for a in items for who in (a.decided_by, a.undone_by) if who is not None
        }
        names = await people(session, ids)
    return items, total, names


async def latest_context(
    runtime: Runtime, executor: Executor, principal: Principal, limit: int = LATEST
) -> dict[str, Any]:
    """What web/templates/actions/_latest.html needs: my newest actions and who is who."""
    items, total, names = await _rows(runtime, executor, principal, ActionFilter(), limit, 0)
    return {"latest_actions": items, "latest_total": total, "people": names}


@get("/activity", include_in_schema=False)
async def activity_page(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    status: FromQuery[str] = "",
    source: FromQuery[str] = "",
    everyone: FromQuery[bool] = False,
    conversation_id: FromQuery[int | None] = None,
    page: FromQuery[int] = 1,
    undone: FromQuery[int | None] = None,
) -> Template:
    return await _page(
        request, runtime, executor, principal, status, everyone, conversation_id, page,
        source=source, notice=f"Action #{undone} was undone." if undone else None,
    )  # fmt: skip


async def _page(
    request: Request[Any, Any, Any],
    runtime: Runtime,
    executor: Executor,
    principal: Principal,
    status: str,
    everyone: bool,
    conversation_id: int | None,
    page: int,
    source: str = "",
    **extra: Any,
) -> Template:
    owner = principal.role == Role.owner
    filters = ActionFilter(
        status=status if status in STATUSES else None,
        source=source if source in SOURCES else None,
        everyone=everyone and owner,
        conversation_id=conversation_id if conversation_id and conversation_id > 0 else None,
    )
    page = max(page, 1)
    items, total, names = await _rows(
        runtime, executor, principal, filters, PAGE_SIZE, (page - 1) * PAGE_SIZE
    )
    query = "&".join(
        f"{k}={v}"
        for k, v in (
            ("status", filters.status or ""),
            ("source", filters.source or ""),
            ("everyone", "true" if filters.everyone else ""),
            ("conversation_id", filters.conversation_id or ""),
        )
        if v
    )
    return await render(
        request, runtime, principal, "actions/activity.html", page="activity",
        actions=items, total=total, people=names, filters=filters, statuses=STATUSES,
        source_names=SOURCES,
        owner=owner, page_no=page, pages=max(1, -(-total // PAGE_SIZE)),
        base=f"/activity?{query}&" if query else "/activity?", **extra,
    )  # fmt: skip


@post("/activity/{action_id:int}/undo", include_in_schema=False)
async def undo_from_page(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    action_id: FromPath[int],
) -> Template | Redirect:
    try:
        await call(executor, principal, "actions.undo", action_ids=[action_id])
    except (*ACCESS_ERRORS, Waits):
        raise
    except AppError as exc:
        message = exc.message[:1].upper() + exc.message[1:]
        return await _page(
            request, runtime, executor, principal, "", False, None, 1,
            errors={"form": message}, status_code=409,
        )  # fmt: skip
    return see_other("/activity", undone=action_id)


routes = [activity_page, undo_from_page]
