"""Record links the API emits for records without a page of their own (/notes/7) open the
contact page at that record; tasks, appointments and e-mail drafts have their own pages
(server/pages/tasks.py, appointments.py, emails.py)."""

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
    async with runtime.readers() as session:
        contact_id = await contact_of(session, principal, kind, record_id)
    if contact_id is None:  # a task about no one
        return Redirect("/contacts", status_code=303)
    return Redirect(f"/contacts/{contact_id}#{ANCHORS[kind]}-{record_id}", status_code=303)


@get("/notes/{record_id:int}", include_in_schema=False)
async def note(runtime: RuntimeDep, principal: PrincipalDep, record_id: FromPath[int]) -> Redirect:
    return await _open(runtime, principal, "notes", record_id)


routes = [note]  # /emails/{id} is the draft's own page (server/pages/emails.py)
