"""Tasks: to-dos with an assignee ("remind me" means the caller) and an optional contact."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field
from sqlmodel import col, select

from assistant.crm.common import ShortText, get_or_404
from assistant.crm.contacts import STAFF
from assistant.crm.declare import (
    BODY_AFTER_COLON,
    MINE,
    Command,
    Slot,
    contact,
    day,
    pattern,
    procedure,
)
from assistant.db.models import Contact, Task, User
from assistant.errors import Conflict
from assistant.procedures.context import CallContext
from assistant.procedures.registry import ALL_STAFF
from assistant.procedures.types import Deleted, Id, Input, ListInput, Page, paginate
from assistant.procedures.undo import Kept, Reversal, changed_since


class TaskCreate(Input):
    title: ShortText
    contact_id: Id | None = None
    due_at: AwareDatetime | None = None
    assignee_id: Id | None = Field(default=None, description="Unset: the caller.")


class TaskList(ListInput):
    status: Literal["open", "done", "all"] = "open"
    due_before: AwareDatetime | None = None
    contact_id: Id | None = None
    assignee_id: Id | None = None
    mine: bool = Field(default=False, description="Only tasks assigned to the caller.")


class TaskRef(Input):
    task_id: Id


class TaskOut(BaseModel):
    id: int
    title: str
    contact_id: int | None
    assignee_id: int | None
    created_by: int | None
    due_at: datetime | None
    status: str
    completed_at: datetime | None
    created_at: datetime


def _out(task: Task) -> TaskOut:
    return TaskOut.model_validate(task, from_attributes=True)


def _keep_created(args: TaskCreate, out: TaskOut, _: None) -> Kept:
    return {"task_id": out.id, "contact_id": out.contact_id, "row": out.model_dump(mode="json")}


def _keep_completed(args: TaskRef, out: TaskOut, _: None) -> Kept:
    return {"task_id": out.id, "contact_id": out.contact_id, "row": out.model_dump(mode="json")}


async def _task_changed(ctx: CallContext, kept: Kept) -> str | None:
    """A task is as the action left it, or undoing would overwrite what happened since."""
    task = await ctx.session.get(Task, kept["task_id"])
    if task is None:
        return f"task {kept['task_id']} was deleted since"
    changed = changed_since(kept["row"], _out(task))
    if changed:
        return f"task {task.id} changed since ({', '.join(changed)})"
    return None


async def _delete_task(ctx: CallContext, kept: Kept) -> None:
    await ctx.call("tasks.delete", {"task_id": kept["task_id"]})


async def _reopen_task(ctx: CallContext, kept: Kept) -> None:
    await ctx.call("tasks.reopen", {"task_id": kept["task_id"]})


@procedure(
    "tasks.create",
    summary="Create a task (a to-do), optionally about a contact and due at a time",
    input=TaskCreate,
    output=TaskOut,
    roles=STAFF,
    undo=Reversal(
        keep=_keep_created, check=_task_changed, revert=_delete_task, says="deleted the task"
    ),
    examples=[
        "remind me to [call Priya's insurer](BODY) [tomorrow](DATE)",
        "add a task: [send intake form to Tom](BODY)",
    ],
    command=Command(
        (
            Slot(
                "title",
                "text",
                "what is to be done",
                target=("title",),
                labels=("BODY",),
                required=True,
                question="What is the task?",
                max_length=200,
            ),
            contact("", required=False),
            Slot(
                "due_at",
                "when",
                "when it is due, as written (e.g. 'tomorrow', 'friday 3pm')",
                target=("due_at",),
                labels=("DATE", "TIME"),
            ),
        ),
        patterns=(
            pattern(
                r"\bremind me to\s+(?P<title>.+?)(?:\s+(?:by|on|at|next|this|tomorrow|"
                r"today|tonight|in \w+ (?:days?|weeks?))\b.*)?$"
            ),
            BODY_AFTER_COLON,
        ),
        finish="task",
    ),
    classified=True,
)
async def create(ctx: CallContext, args: TaskCreate) -> TaskOut:
    if args.contact_id is not None:
        await get_or_404(ctx.session, Contact, args.contact_id, "contact")
    assignee = args.assignee_id or ctx.principal.user_id
    if args.assignee_id is not None:
        await get_or_404(ctx.session, User, args.assignee_id, "assignee")
    task = Task(
        title=args.title,
        contact_id=args.contact_id,
        due_at=args.due_at,
        assignee_id=assignee,
        created_by=ctx.principal.user_id,
        created_at=ctx.now,
    )
    ctx.session.add(task)
    await ctx.session.flush()
    return _out(task)


@procedure(
    "tasks.list",
    summary="List tasks, open ones by default",
    input=TaskList,
    output=Page[TaskOut],
    roles=ALL_STAFF,
    examples=[
        "what's on my to-do list",
        "open tasks for [Jane Doe](CONTACT)",
    ],
    command=Command(
        (
            Slot("status", "status", "open, done or all", target=("status",)),
            Slot(
                "due_at",
                "before",
                "due by this day, as written",
                target=("due_before",),
                labels=("DATE",),
            ),
            contact("", required=False),
            Slot("mine", "flag", "true for the user's own tasks", target=("mine",), option=MINE),
        )
    ),
    classified=True,
)
async def list_(ctx: CallContext, args: TaskList) -> Page[TaskOut]:
    query = select(Task)
    if args.status != "all":
        query = query.where(Task.status == args.status)
    if args.due_before is not None:
        query = query.where(col(Task.due_at) < args.due_before)
    if args.contact_id is not None:
        query = query.where(Task.contact_id == args.contact_id)
    assignee = ctx.principal.user_id if args.mine else args.assignee_id
    if assignee is not None:
        query = query.where(Task.assignee_id == assignee)
    query = query.order_by(col(Task.due_at).is_(None), col(Task.due_at), col(Task.id))
    rows, total = await paginate(ctx.session, query, args.limit, args.offset)
    return Page[TaskOut](items=[_out(t) for t in rows], total=total)


@procedure(
    "tasks.get",
    summary="One task by id (for a record link)",
    input=TaskRef,
    output=TaskOut,
    roles=ALL_STAFF,
)
async def get(ctx: CallContext, args: TaskRef) -> TaskOut:
    return _out(await get_or_404(ctx.session, Task, args.task_id, "task"))


@procedure(
    "tasks.complete",
    summary="Mark a task as done",
    input=TaskRef,
    output=TaskOut,
    roles=STAFF,
    undo=Reversal(
        keep=_keep_completed, check=_task_changed, revert=_reopen_task, says="reopened the task"
    ),
    examples=[
        "mark the [insurance call](BODY) task as done",
    ],
    command=Command(
        (
            Slot(
                "task",
                "record",
                "words of the task's title",
                target=("task_id",),
                labels=("BODY",),
                required=True,
                question="Which task should I mark as done?",
                option="task",
            ),
            contact("", required=False),
            day("the day it was due, as written"),
        )
    ),
    classified=True,
)
async def complete(ctx: CallContext, args: TaskRef) -> TaskOut:
    task = await get_or_404(ctx.session, Task, args.task_id, "task")
    if task.status == "done":
        raise Conflict(f"task {task.id} is already done")
    task.status, task.completed_at = "done", ctx.now
    ctx.session.add(task)
    await ctx.session.flush()
    return _out(task)


@procedure(
    "tasks.reopen",
    summary="Reopen a task that was marked as done",
    input=TaskRef,
    output=TaskOut,
    roles=STAFF,
)
async def reopen(ctx: CallContext, args: TaskRef) -> TaskOut:
    task = await get_or_404(ctx.session, Task, args.task_id, "task")
    if task.status != "done":
        raise Conflict(f"task {task.id} is not done")
    task.status, task.completed_at = "open", None
    ctx.session.add(task)
    await ctx.session.flush()
    return _out(task)


@procedure(
    "tasks.delete",
    summary="Delete a task",
    input=TaskRef,
    output=Deleted,
    roles=STAFF,
)
async def delete(ctx: CallContext, args: TaskRef) -> Deleted:
    task = await get_or_404(ctx.session, Task, args.task_id, "task")
    await ctx.session.delete(task)
    await ctx.session.flush()
    return Deleted(id=args.task_id)
