"""The audit trail: filter by user, procedure and record; whether its hash chain holds."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.params import FromQuery
from litestar.response import Template

from assistant.errors import InvalidInput, Unreadable
from assistant.procedures.types import Page
from server.deps import ExecutorDep, PrincipalDep, RuntimeDep
from server.pages.calls import call
from server.pages.shell import render

PAGE_SIZE = 50
# Records an event can name (the audit keeps their ids), and where each opens.
RECORDS: dict[str, tuple[str, str | None]] = {
    "contact_id": ("Contact", "/contacts/{}"),
    "note_id": ("Note", "/notes/{}"),
    "task_id": ("Task", "/tasks/{}"),
    "appointment_id": ("Appointment", "/appointments/{}"),
    "draft_id": ("E-mail draft", "/emails/{}"),
    "approval_id": ("Approval", None),
    "job_id": ("Job", None),
    "user_id": ("User", None),
    "token_id": ("API token", None),
    "conversation_id": ("Conversation", None),
}
# The same records under the other names the trail gives them (a result's id, a batch).
ALIASES = {"email_id": "draft_id", "contact_ids": "contact_id"}
KINDS = {"user": "signed in", "token": "API token", "job": "background job", "system": "system"}
SOURCES = {"http": "web", "chat": "co-pilot", "cli": "command line", "job": "worker"}
# What `audit.verify` found wrong with the first broken event, in words.
PROBLEMS: dict[str, str] = {
    "missing": "Event #{seq} has been deleted: the events either side of it no longer link up.",
    "relinked": "Event #{seq} no longer follows on from the event before it: an event before "
    "it was deleted, replaced or put back in a different order.",
    "format": "Event #{seq} has been rewritten: it claims a format this system never writes there.",
    "altered": "Event #{seq} has been changed since it was written: what it records no longer "
    "matches the seal (hash) it was written with.",
    "unreadable": "Event #{seq} cannot be read: it holds a value this system never writes.",
}
UNREADABLE = (
    "The events on this page cannot be listed: one of them cannot be read. The message above "
    "names the first broken event."
)
UNWORDED = "Event #{seq} does not check out against the hash chain."


def broken_in_words(verified: Any) -> str | None:
    """Which event breaks the chain and what is wrong with it; None when it holds."""
    if verified.ok:
        return None
    words = PROBLEMS.get(verified.problem or "", UNWORDED)
    return words.format(seq=verified.broken_seq)


def how(kind: str | None, source: str) -> str:
    """`signed in · web`: how the call was made."""
    return " · ".join(w for w in (KINDS.get(kind or "", kind), SOURCES.get(source, source)) if w)


def _links(record_ids: dict[str, Any]) -> list[tuple[str, str | None]]:
    shown: dict[str, str | None] = {}
    for key, value in record_ids.items():
        named = key.removesuffix("_id").replace("_", " ").capitalize()
        label, url = RECORDS.get(ALIASES.get(key, key), (named, None))
        for one in value if isinstance(value, list) else [value]:
            link = url.format(one) if url and isinstance(one, int) else None
            shown[f"{label} #{one}"] = link
    return list(shown.items())


@get("/admin/audit", include_in_schema=False)
async def audit_page(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    user: FromQuery[str] = "",
    procedure: FromQuery[str] = "",
    record: FromQuery[str] = "",
    record_id: FromQuery[str] = "",
    page: FromQuery[int] = 1,
) -> Template:
    page = max(page, 1)
    verified = await call(executor, principal, "audit.verify")
    people = await call(executor, principal, "users.list", limit=200)
    filters = {"user": user, "procedure": procedure, "record": record, "record_id": record_id}
    args: dict[str, Any] = {"limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE}
    errors: dict[str, str] = {}
    if user.isdigit():
        args["actor_id"] = int(user)
    if procedure in executor.registry.names():
        args["procedure"] = procedure
    if record_id.strip():
        if record not in RECORDS or not record_id.strip().isdigit():
            errors["record_id"] = "Choose the kind of record and enter its number, like 12"
        else:
            args["record"], args["record_id"] = record, int(record_id)
    try:
        found = await call(executor, principal, "audit.list", **args)
    except InvalidInput:
        errors["record_id"] = "Enter a record number, like 12"
        found = await call(executor, principal, "audit.list", limit=PAGE_SIZE)
    except Unreadable:  # tampered with or damaged: the alert above says which event
        errors["form"] = UNREADABLE
        found = Page[Any](items=[], total=0)
    names = {u.id: u.full_name or u.email for u in people.items}
    query = urlencode({k: v for k, v in filters.items() if v})
    base = f"/admin/audit?{query}&" if query else "/admin/audit?"
    return await render(
        request, runtime, principal, "admin/audit.html", page="admin.audit",
        verified=verified, broken=broken_in_words(verified),
        events=found.items, total=found.total, names=names,
        people=people.items, procedures=sorted(executor.registry.names()), records=RECORDS,
        filters=filters, errors=errors, links=_links, how=how, page_no=page,
        pages=max(1, -(-found.total // PAGE_SIZE)), base=base,
    )  # fmt: skip


routes = [audit_page]
