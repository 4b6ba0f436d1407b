"""The contact picker: suggestions as you type (a combobox, web/static/combobox.js), and the
same search on the server when a form arrives without a picked contact (no JavaScript)."""

from __future__ import annotations

from typing import Any

from litestar import get
from litestar.params import FromQuery
from litestar.response import Template

from assistant.procedures.context import Principal
from assistant.procedures.executor import Executor
from server.deps import ExecutorDep, PrincipalDep
from server.pages.calls import call
from server.pages.forms import FormError
from server.pages.shell import fragment

SUGGESTED = 8


@get("/contacts/picker", include_in_schema=False)
async def suggestions(
    executor: ExecutorDep,
    principal: PrincipalDep,
    q: FromQuery[str] = "",
    field: FromQuery[str] = "contact",
) -> Template:
    """`<li role="option">` for each contact matching `q` (contacts.search, as the API)."""
    text = q.strip()[:200]
    found = (
        await call(executor, principal, "contacts.search", query=text, limit=SUGGESTED)
        if text
        else None
    )
    prefix = "".join(ch for ch in field if ch.isalnum() or ch in "-_")[:40] or "contact"
    return fragment(
        "contacts/_options.html",
        principal,
        contacts=found.items if found else [],
        total=found.total if found else 0,
        q=text,
        prefix=prefix,
    )


async def picked_contact(
    executor: Executor,
    principal: Principal,
    field: str,
    picked_id: str,
    typed: str,
    *,
    required: bool,
) -> int | None:
    """The contact a form means: the one picked from the list, else the only one whose name
    matches what was typed. Anything else is an error on `field`, in words."""
    typed = typed.strip()
    if picked_id.strip().isdigit() and typed:
        return int(picked_id)
    if not typed:
        if required:
            raise FormError("choose a contact", fields={field: "Choose a contact"})
        return None
    found = await call(executor, principal, "contacts.search", query=typed[:200], limit=2)
    if found.total == 1:
        return int(found.items[0].id)
    if found.total == 0:
        message = f"No contact matches “{typed}”: check the spelling, or add the contact first"
    else:
        message = f"More than one contact matches “{typed}”: choose one from the list"
    raise FormError(message, fields={field: message})


def picker_value(contact_id: int | None, names: dict[int, str]) -> dict[str, Any]:
    """What a picker shows when a page opens with a contact already chosen."""
    if contact_id is None:
        return {"id": "", "text": ""}
    return {"id": str(contact_id), "text": names.get(contact_id, "")}


routes = [suggestions]
