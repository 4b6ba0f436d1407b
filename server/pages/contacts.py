"""Contact pages: the list, one contact with everything about them, create and edit.

Every read and write goes through the executor, exactly as `POST /api/rpc/...` does, so a
page shows and does no more than the API allows the same user.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from pydantic import BaseModel

from assistant.crm.locate import contact_of
from assistant.errors import AppError, Conflict, InvalidInput, NotFound
from assistant.procedures.context import Principal
from assistant.procedures.executor import Executor
from server.deps import ExecutorDep, PrincipalDep, RuntimeDep
from server.pages.calls import call, may, require
from server.pages.forms import CONTACT_FIELDS, ContactForm, field_errors
from server.pages.paging import PageNo
from server.pages.shell import fragment, render, see_other, seen

PAGE_SIZE = 25
APPOINTMENTS_PAGE = 20  # a contact's appointments, soonest first, a page at a time
SORTS = {
    "name": "Name (A-Z)",
    "-name": "Name (Z-A)",
    "newest": "Newest first",
    "oldest": "Oldest first",
}
SECTIONS = ("notes", "tasks", "appointments", "emails", "tags", "enrichment")
FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)


# --- the list ---------------------------------------------------------------------------


async def _search(
    executor: Executor, principal: Principal, q: str, tag: str, sort: str, page: int
) -> dict[str, Any]:
    sort = sort if sort in SORTS else "name"
    at = PageNo.of(page, PAGE_SIZE)
    filters = {"q": q, "tag": tag, "sort": sort}
    errors: dict[str, str] = {}
    args: dict[str, Any] = {"sort": sort, "limit": at.limit, "offset": at.offset}
    if q.strip():
        args["query"] = q.strip()
    if tag.strip():
        args["tag"] = tag.strip()
    try:
        found = await call(executor, principal, "contacts.search", **args)
    except InvalidInput as exc:
        errors = field_errors(exc, ("query", "tag"))
        found = None
    total = found.total if found else 0
    return {
        "filters": filters,
        "contacts": found.items if found else [],
        **at.context(total, "/contacts", **filters),
        "sorts": SORTS,
        "errors": errors,
    }


@get("/contacts", include_in_schema=False)
async def contact_list(
    request: HTMXRequest,
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    q: FromQuery[str] = "",
    tag: FromQuery[str] = "",
    sort: FromQuery[str] = "name",
    page: FromQuery[int] = 1,
) -> Template:
    context = await _search(executor, principal, q[:200], tag[:50], sort, page)
    if request.htmx and request.htmx.target == "results":  # search as you type: the results
        return fragment("contacts/_results.html", principal, **context)
    return await render(
        request, runtime, principal, "contacts/list.html", page="contacts.list", **context
    )


# --- create and edit ----------------------------------------------------------------------


async def _form_page(
    request: Request[Any, Any, Any],
    runtime: Any,
    principal: Principal,
    form: ContactForm,
    *,
    contact: Any = None,
    errors: dict[str, str] | None = None,
) -> Template:
    return await render(
        request,
        runtime,
        principal,
        "contacts/form.html",
        page="contact.edit" if contact else "contact.new",
        form=form,
        contact=contact,
        contact_id=contact.id if contact else None,
        errors=errors or {},
        status_code=422 if errors else 200,
    )


@get("/contacts/new", include_in_schema=False)
async def new_contact(
    request: Request[Any, Any, Any], runtime: RuntimeDep, principal: PrincipalDep
) -> Template:
    return await _form_page(request, runtime, principal, ContactForm())


@post("/contacts/new", include_in_schema=False)
async def create_contact(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    data: Annotated[ContactForm, FormBody],
) -> Template | Redirect:
    try:
        created = await call(executor, principal, "contacts.create", **data.create_args())
    except InvalidInput as exc:
        errors = field_errors(exc, CONTACT_FIELDS)
        return await _form_page(request, runtime, principal, data, errors=errors)
    return see_other(f"/contacts/{created.id}", notice="created")


@get("/contacts/{contact_id:int}/edit", include_in_schema=False)
async def edit_contact(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    contact_id: FromPath[int],
) -> Template:
    contact = await call(executor, principal, "contacts.get", contact_id=contact_id)
    return await _form_page(request, runtime, principal, ContactForm.of(contact), contact=contact)


@post("/contacts/{contact_id:int}/edit", include_in_schema=False)
async def update_contact(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    contact_id: FromPath[int],
    data: Annotated[ContactForm, FormBody],
) -> Template | Redirect:
    try:
        await call(executor, principal, "contacts.update", **data.update_args(contact_id))
    except (InvalidInput, Conflict) as exc:
        contact = await call(executor, principal, "contacts.get", contact_id=contact_id)
        errors = field_errors(exc, CONTACT_FIELDS)
        if isinstance(exc, Conflict):
            errors = {"form": "Someone changed this contact since you opened it. "
                      "Check the details below and save again."}  # fmt: skip
            data.version = str(contact.version)
        return await _form_page(request, runtime, principal, data, contact=contact, errors=errors)
    return see_other(f"/contacts/{contact_id}", notice="saved")


# --- one contact ------------------------------------------------------------------------


async def _duplicates(
    executor: Executor, principal: Principal, contact: Any
) -> list[dict[str, Any]]:
    """The enrichment's duplicate suggestions that still exist, with their names."""
    found = []
    for candidate in contact.enrichment.get("duplicates", {}).get("candidates", []):
        try:
            other = await call(
                executor, principal, "contacts.get", contact_id=candidate["contact_id"]
            )
        except NotFound:
            continue
        found.append({"contact": other, "reasons": candidate.get("reasons", [])})
    return found


async def sections(
    executor: Executor, principal: Principal, contact_id: int, appointments_page: int = 1
) -> dict[str, Any]:
    """Everything on a contact's page, each part only for roles that may read it; the
    appointments a page at a time (`?appointments_page=N`)."""
    contact = await call(executor, principal, "contacts.get", contact_id=contact_id)
    parts: dict[str, Any] = {"contact": contact, "contact_id": contact_id}
    parts["notes"] = (
        (await call(executor, principal, "notes.list", contact_id=contact_id)).items
        if may(executor, principal, "notes.list")
        else None
    )
    tasks = await call(executor, principal, "tasks.list", contact_id=contact_id, status="all")
    parts["tasks"], parts["tasks_total"] = tasks.items, tasks.total
    at = PageNo.of(appointments_page, APPOINTMENTS_PAGE)
    appointments = await call(
        executor, principal, "appointments.list", contact_id=contact_id, include_cancelled=True,
        limit=at.limit, offset=at.offset,
    )  # fmt: skip
    parts["appointments"] = appointments.items
    parts["appointments_paging"] = at.context(appointments.total, f"/contacts/{contact_id}")
    parts["emails"] = (
        (await call(executor, principal, "emails.list", contact_id=contact_id)).items
        if may(executor, principal, "emails.list")
        else None
    )
    parts["duplicates"] = await _duplicates(executor, principal, contact)
    parts["can"] = {
        name: may(executor, principal, name)
        for name in (
            "contacts.update", "contacts.delete", "contacts.merge", "contacts.enrich",
            "tags.add", "tags.remove", "notes.add", "notes.delete", "tasks.complete",
            "tasks.create", "appointments.book",
        )
    }  # fmt: skip
    return parts


NOTICES = {
    "created": "Contact created.",
    "saved": "Changes saved.",
    "note-added": "Note added.",
    "note-deleted": "Note deleted.",
    "tag-added": "Tag added.",
    "tag-removed": "Tag removed.",
    "completed": "Task marked as done.",
    "already-done": "That task was already done.",
    "cancelled": "Appointment cancelled.",
    "enrich-queued": "Looking up details in the background; this page updates when it is done.",
}


@get("/contacts/{contact_id:int}", include_in_schema=False)
async def contact_page(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    contact_id: FromPath[int],
    notice: FromQuery[str] = "",
    appointments_page: FromQuery[int] = 1,
) -> Template:
    # Before reading: a lookup or merge that ends while the sections are read is replayed.
    events_after = await seen(runtime, principal)
    parts = await sections(executor, principal, contact_id, appointments_page)
    return await render(
        request,
        runtime,
        principal,
        "contacts/detail.html",
        page="contact",
        notice=NOTICES.get(notice),
        events_after=events_after,
        **parts,
    )


@get("/contacts/{contact_id:int}/part/{section:str}", include_in_schema=False)
async def contact_section(
    executor: ExecutorDep,
    principal: PrincipalDep,
    contact_id: FromPath[int],
    section: FromPath[str],
    appointments_page: FromQuery[int] = 1,
) -> Template:
    """One section again, for htmx to swap in after the dock or a job changed it."""
    if section not in SECTIONS:
        raise NotFound(f"no section {section!r}")
    parts = await sections(executor, principal, contact_id, appointments_page)
    return fragment(f"contacts/_{section}.html", principal, **parts)


# --- changes from the contact page ---------------------------------------------------------


class TagForm(BaseModel):
    tag: str = ""


class NoteForm(BaseModel):
    body: str = ""


class MergeForm(BaseModel):
    duplicate_id: int


async def _retry_page(
    request: Request[Any, Any, Any],
    runtime: Any,
    executor: Executor,
    principal: Principal,
    contact_id: int,
    exc: AppError,
    known: tuple[str, ...],
) -> Template:
    parts = await sections(executor, principal, contact_id)
    return await render(
        request,
        runtime,
        principal,
        "contacts/detail.html",
        page="contact",
        errors=field_errors(exc, known),
        status_code=422,
        **parts,
    )


@post("/contacts/{contact_id:int}/tags", include_in_schema=False)
async def add_tag(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    contact_id: FromPath[int],
    data: Annotated[TagForm, FormBody],
) -> Template | Redirect:
    try:
        await call(executor, principal, "tags.add", contact_id=contact_id, tag=data.tag)
    except InvalidInput as exc:
        return await _retry_page(request, runtime, executor, principal, contact_id, exc, ("tag",))
    return see_other(f"/contacts/{contact_id}", notice="tag-added")


@post("/contacts/{contact_id:int}/tags/remove", include_in_schema=False)
async def remove_tag(
    executor: ExecutorDep,
    principal: PrincipalDep,
    contact_id: FromPath[int],
    data: Annotated[TagForm, FormBody],
) -> Redirect:
    await call(executor, principal, "tags.remove", contact_id=contact_id, tag=data.tag)
    return see_other(f"/contacts/{contact_id}", notice="tag-removed")


@post("/contacts/{contact_id:int}/notes", include_in_schema=False)
async def add_note(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    contact_id: FromPath[int],
    data: Annotated[NoteForm, FormBody],
) -> Template | Redirect:
    try:
        await call(executor, principal, "notes.add", contact_id=contact_id, body=data.body)
    except InvalidInput as exc:
        return await _retry_page(request, runtime, executor, principal, contact_id, exc, ("body",))
    return see_other(f"/contacts/{contact_id}", notice="note-added")


@post("/contacts/{contact_id:int}/notes/{note_id:int}/delete", include_in_schema=False)
async def delete_note(
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    contact_id: FromPath[int],
    note_id: FromPath[int],
) -> Redirect:
    await require(executor, principal, "notes.delete")
    async with runtime.readers() as session:  # the note of the contact the path names
        if await contact_of(session, principal, "notes", note_id) != contact_id:
            raise NotFound(f"note {note_id} not found")
    # A clinic may make note deletion wait: `call` then sends the browser to the request.
    await call(executor, principal, "notes.delete", note_id=note_id)
    return see_other(f"/contacts/{contact_id}", notice="note-deleted")


@post("/contacts/{contact_id:int}/enrich", include_in_schema=False)
async def enrich(
    executor: ExecutorDep, principal: PrincipalDep, contact_id: FromPath[int]
) -> Redirect:
    await call(executor, principal, "contacts.enrich", contact_id=contact_id)
    return see_other(f"/contacts/{contact_id}", notice="enrich-queued")


async def _ask(
    executor: Executor, principal: Principal, name: str, args: dict[str, Any]
) -> Redirect:
    """A critical call: it becomes an approval request, which `call` sends the requester to
    follow (or a confirmation, where the clinic's policy says so)."""
    await call(executor, principal, name, **args)
    return see_other("/contacts")  # a clinic that lets this run at once: it has run


@post("/contacts/{contact_id:int}/delete", include_in_schema=False)
async def delete_contact(
    executor: ExecutorDep, principal: PrincipalDep, contact_id: FromPath[int]
) -> Redirect:
    return await _ask(executor, principal, "contacts.delete", {"contact_id": contact_id})


@post("/contacts/{contact_id:int}/merge", include_in_schema=False)
async def merge_contact(
    executor: ExecutorDep,
    principal: PrincipalDep,
    contact_id: FromPath[int],
    data: Annotated[MergeForm, FormBody],
) -> Redirect:
    args = {"contact_id": contact_id, "duplicate_id": data.duplicate_id}
    return await _ask(executor, principal, "contacts.merge", args)


routes = [
    contact_list,
    new_contact,
    create_contact,
    edit_contact,
    update_contact,
    contact_page,
    contact_section,
    add_tag,
    remove_tag,
    add_note,
    delete_note,
    enrich,
    delete_contact,
    merge_contact,
]
