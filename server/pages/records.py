"""Record links the API emits (/notes/7, /tasks/3, ...) open the contact page at that record."""

from __future__ import annotations

from litestar import get
from litestar.params import FromPath
from litestar.response import Redirect

from assistant.crm.locate import contact_of
from server.deps import PrincipalDep, RuntimeDep

ANCHORS = {"notes": "note", "tasks": "task", "appointments": "appointment", "emails": "email"}


async def _open(
    runtime: RuntimeDep, principal: PrincipalDep, kind: str, record_id: int
) -> Redirect:
    async with runtime.sessions() as session:
        contact_id = await contact_of(session, principal, kind, record_id)
    if contact_id is None:  # a task about no one
        return Redirect("/contacts", status_code=303)
    return Redirect(f"/contacts/{contact_id}#{ANCHORS[kind]}-{record_id}", status_code=303)


@get("/notes/{record_id:int}", include_in_schema=False)
async def note(runtime: RuntimeDep, principal: PrincipalDep, record_id: FromPath[int]) -> Redirect:
    return await _open(runtime, principal, "notes", record_id)


@get("/tasks/{record_id:int}", include_in_schema=False)
async def task(runtime: RuntimeDep, principal: PrincipalDep, record_id: FromPath[int]) -> Redirect:
    return await _open(runtime, principal, "tasks", record_id)


@get("/appointments/{record_id:int}", include_in_schema=False)
async def appointment(
    runtime: RuntimeDep, principal: PrincipalDep, record_id: FromPath[int]
) -> Redirect:
    return await _open(runtime, principal, "appointments", record_id)


@get("/emails/{record_id:int}", include_in_schema=False)
async def email(runtime: RuntimeDep, principal: PrincipalDep, record_id: FromPath[int]) -> Redirect:
    return await _open(runtime, principal, "emails", record_id)


routes = [note, task, appointment, email]
