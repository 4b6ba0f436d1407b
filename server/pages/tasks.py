"""Task pages: mine and everyone's, overdue first; create with a contact picker; complete.

Reads and writes go through the executor (tasks.list, tasks.create, tasks.complete,
tasks.get), exactly as the API, so the page does no more than the API allows.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template
from pydantic import BaseModel

from assistant.errors import InvalidInput
from assistant.procedures.context import Principal
from assistant.procedures.executor import Executor
from server.deps import ExecutorDep, PrincipalDep, RuntimeDep
from server.pages.calls import act_then_back, call, contact_names, may, staff
from server.pages.forms import field_errors
from server.pages.moments import due_moment
from server.pages.paging import PageNo
from server.pages.picker import picked_contact, picker_value
from server.pages.shell import render, safe_next, see_other, seen

PAGE_SIZE = 25
Scope = Literal["mine", "all"]
SCOPES: dict[str, str] = {"mine": "My tasks", "all": "All tasks"}
STATUSES = {"open": "Open", "done": "Done", "all": "Open and done"}
FORM_FIELDS = ("title", "contact", "due_date", "due_time", "assignee_id")
NOTICES = {
    "created": "Task created.",
    "completed": "Task marked as done.",
    "already-done": "That task was already done.",
}
FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)


class TaskForm(BaseModel):
    title: str = ""
    contact: str = ""
    contact_id: str = ""
    due_date: str = ""
    due_time: str = ""
    assignee_id: str = ""


class CompleteForm(BaseModel):
    next: str = ""


def default_scope(principal: Principal) -> Scope:
    """A viewer has no tasks of their own: they open everyone's."""
    return "all" if principal.role == "viewer" else "mine"


async def task_rows(
    executor: Executor, principal: Principal, items: list[Any], now: Any
) -> list[dict[str, Any]]:
    """Each task with its contact's and assignee's names and whether it is overdue."""
    names = await contact_names(executor, principal, (t.contact_id for t in items))
    people = {m.id: m.full_name for m in await staff(executor, principal)}
    return [
        {
            "task": t,
            "contact": names.get(t.contact_id) if t.contact_id else None,
            "assignee": people.get(t.assignee_id) if t.assignee_id else None,
            "overdue": t.status == "open" and t.due_at is not None and t.due_at < now,
        }
        for t in items
    ]


async def _list_context(
    runtime: Any,
    executor: Executor,
    principal: Principal,
    scope: str,
    status: str,
    contact_id: int | None,
    page: int,
) -> dict[str, Any]:
    chosen: Scope = scope if scope in ("mine", "all") else default_scope(principal)  # type: ignore[assignment]
    status = status if status in STATUSES else "open"
    at = PageNo.of(page, PAGE_SIZE)
    args: dict[str, Any] = {"status": status, "limit": at.limit, "offset": at.offset}
    if chosen == "mine":
        args["mine"] = True
    if contact_id is not None:
        args["contact_id"] = contact_id
    found = await call(executor, principal, "tasks.list", **args)
    rows = await task_rows(executor, principal, found.items, runtime.clock.now())
    names = await contact_names(executor, principal, [contact_id])
    return {
        "scope": chosen,
        "scopes": SCOPES,
        "status": status,
        "statuses": STATUSES,
        "filter_contact": picker_value(contact_id, names),
        "rows": rows,
        **at.context(found.total, "/tasks", scope=chosen, status=status, contact_id=contact_id),
        "can_create": may(executor, principal, "tasks.create"),
        "can_complete": may(executor, principal, "tasks.complete"),
        "people": [(m.id, m.full_name) for m in await staff(executor, principal)],
        "here": "/tasks",
    }


async def _page(
    request: Request[Any, Any, Any],
    runtime: Any,
    executor: Executor,
    principal: Principal,
    *,
    scope: str = "",
    status: str = "open",
    contact_id: int | None = None,
    page: int = 1,
    form: TaskForm | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
) -> Template:
    events_after = await seen(runtime, principal)  # before reading: an event meanwhile replays
    context = await _list_context(runtime, executor, principal, scope, status, contact_id, page)
    form = form or TaskForm(assignee_id=str(principal.user_id))
    return await render(
        request,
        runtime,
        principal,
        "tasks/list.html",
        page="tasks",
        events_after=events_after,
        form=form,
        form_contact={"id": form.contact_id, "text": form.contact},
        errors=errors or {},
        notice=notice,
        status_code=422 if errors else 200,
        **context,
    )


@get("/tasks", include_in_schema=False)
async def task_list(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    whose: Annotated[str, QueryParameter(name="scope")] = "",
    status: FromQuery[str] = "open",
    contact_id: FromQuery[str] = "",
    typed: Annotated[str, QueryParameter(name="filter")] = "",
    page: FromQuery[int] = 1,
    notice: FromQuery[str] = "",
    new_for: FromQuery[int | None] = None,
) -> Template:
    """The list; `new_for` opens the form with that contact already chosen."""
    errors: dict[str, str] = {}
    chosen: int | None = None
    try:
        chosen = await picked_contact(
            executor, principal, "filter", contact_id, typed or contact_id, required=False
        )
    except InvalidInput as exc:
        errors = field_errors(exc, ("filter",))
    if errors:
        return await _page(
            request, runtime, executor, principal, scope=whose, status=status, errors=errors
        )
    form = None
    if new_for is not None:
        names = await contact_names(executor, principal, [new_for])
        prefill = picker_value(new_for if new_for in names else None, names)
        form = TaskForm(
            contact=prefill["text"], contact_id=prefill["id"], assignee_id=str(principal.user_id)
        )
    return await _page(
        request, runtime, executor, principal, scope=whose, status=status,
        contact_id=chosen, page=page, notice=NOTICES.get(notice), form=form,
    )  # fmt: skip


@post("/tasks", include_in_schema=False)
async def create_task(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    data: Annotated[TaskForm, FormBody],
) -> Template | Redirect:
    try:
        args: dict[str, Any] = {"title": data.title}
        contact_id = await picked_contact(
            executor, principal, "contact", data.contact_id, data.contact, required=False
        )
        if contact_id is not None:
            args["contact_id"] = contact_id
        due = due_moment(data.due_date, data.due_time, principal.timezone)
        if due is not None:
            args["due_at"] = due
        if data.assignee_id.strip().isdigit():
            args["assignee_id"] = int(data.assignee_id)
        await call(executor, principal, "tasks.create", **args)
    except InvalidInput as exc:
        errors = field_errors(exc, FORM_FIELDS)
        return await _page(request, runtime, executor, principal, form=data, errors=errors)
    return see_other("/tasks", scope="mine", notice="created")


@post("/tasks/{task_id:int}/complete", include_in_schema=False)
async def complete_task(
    executor: ExecutorDep,
    principal: PrincipalDep,
    task_id: FromPath[int],
    data: Annotated[CompleteForm, FormBody],
) -> Redirect:
    """Done, then back where the button was (the list, a contact, home or the task)."""
    back = safe_next(data.next, f"/tasks/{task_id}")
    args = {"task_id": task_id}
    return await act_then_back(
        executor, principal, "tasks.complete", args, back, ("completed", "already-done")
    )


@get("/tasks/{task_id:int}", include_in_schema=False)
async def task_page(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    task_id: FromPath[int],
    notice: FromQuery[str] = "",
) -> Template:
    """A record link (`/tasks/7`) opens the task itself."""
    task = await call(executor, principal, "tasks.get", task_id=task_id)
    (row,) = await task_rows(executor, principal, [task], runtime.clock.now())
    return await render(
        request,
        runtime,
        principal,
        "tasks/detail.html",
        page="task",
        row=row,
        contact_id=task.contact_id,
        can_complete=may(executor, principal, "tasks.complete"),
        notice=NOTICES.get(notice),
    )


routes = [task_list, create_task, complete_task, task_page]
