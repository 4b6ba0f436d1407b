"""Which contact a record belongs to, so a record link (/notes/7) opens that contact's page.

The same roles that may read a kind of record may locate it: notes stay with clinical roles.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import SQLModel

from assistant.crm.common import get_or_404
from assistant.crm.contacts import STAFF
from assistant.db.models import Appointment, EmailDraft, Note, Role, Task
from assistant.errors import PermissionDenied
from assistant.procedures.context import CLINICAL_ROLES, Principal
from assistant.procedures.registry import ALL_STAFF

# kind in the URL -> (table, roles that may read it, what to call it in an error)
KINDS: dict[str, tuple[type[SQLModel], frozenset[Role], str]] = {
    "notes": (Note, CLINICAL_ROLES, "note"),
    "tasks": (Task, ALL_STAFF, "task"),
    "appointments": (Appointment, ALL_STAFF, "appointment"),
    "emails": (EmailDraft, STAFF, "draft"),
}


async def contact_of(session: Any, principal: Principal, kind: str, record_id: int) -> int | None:
    """The record's contact id (None for a task about no one); 403/404 as the API would."""
    model, roles, what = KINDS[kind]
    if principal.role not in roles:
        raise PermissionDenied(f"your role ({principal.role}) may not read {what}s")
    row = await get_or_404(session, model, record_id, what)
    contact_id = getattr(row, "contact_id", None)
    return contact_id if isinstance(contact_id, int) else None
