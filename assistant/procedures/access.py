"""The executor's object-access gate: the records a call targets exist and the caller may
touch them.

A procedure names its targets as (table, id) pairs (`targets=` in its declaration); the gate
loads each and applies the table's rule. Every staff member sees every contact (a small
practice shares its client list); jobs and conversations belong to the user who made them.
A record the caller may not touch reads as missing, so its existence is not revealed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.db.models import (
    ApiToken,
    Appointment,
    Contact,
    Conversation,
    EmailDraft,
    Job,
    Note,
    Task,
    User,
)
from assistant.errors import NotFound
from assistant.procedures.context import Caller, Principal
from assistant.procedures.registry import Procedure

TARGET_TABLES: dict[str, type[SQLModel]] = {
    "contacts": Contact,
    "notes": Note,
    "tasks": Task,
    "appointments": Appointment,
    "email_drafts": EmailDraft,
    "jobs": Job,
    "conversations": Conversation,
    "api_tokens": ApiToken,
    "users": User,
}
Rule = Callable[[Caller, Any], bool]


def _own(caller: Caller, row: Any) -> bool:
    return isinstance(caller, Principal) and row.user_id == caller.user_id


# Tables not named here: any caller who passed the role gate may touch their rows.
RULES: dict[str, Rule] = {"jobs": _own, "conversations": _own}

Targets = dict[tuple[str, int], Any]


def _missing(table: str, record_id: int) -> NotFound:
    what = table.removesuffix("s").replace("_", " ")
    return NotFound(
        f"{what} {record_id} not found", fields={f"{what.replace(' ', '_')}_id": "not found"}
    )


async def load_targets(session: AsyncSession, proc: Procedure, args: BaseModel) -> Targets:
    """The call's target rows as they are now; NotFound for the first one that is gone."""
    rows: Targets = {}
    for table, record_id in proc.targets(args) if proc.targets else []:
        row = await session.get(TARGET_TABLES[table], record_id)
        if row is None:
            raise _missing(table, record_id)
        rows[(table, record_id)] = row
    return rows


async def check_access(
    session: AsyncSession, caller: Caller, proc: Procedure, args: BaseModel
) -> Targets:
    """Load the targets and apply each table's rule; returns the rows for the later gates."""
    rows = await load_targets(session, proc, args)
    for (table, record_id), row in rows.items():
        rule = RULES.get(table)
        if rule is not None and not rule(caller, row):
            raise _missing(table, record_id)
    return rows
