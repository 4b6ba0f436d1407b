"""The policy gate: whether a call runs at once (`auto`), waits for its requester's click
(`confirm`) or for a second person (`approve`).

A declaration sets a default and a floor (a critical procedure defaults to and never goes
below `approve`); the clinic's owners choose above the floor, for everyone or per role
(`procedure_policies`); `ASSISTANT_APPROVAL_EXTRA_CRITICAL` raises a procedure's floor to
`approve`. The resolution is one pure function, so the whole matrix is testable from a table.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import get_args

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.db.models import ProcedurePolicy
from assistant.procedures.registry import PolicyLevel, Procedure

Level = PolicyLevel
LEVELS: tuple[Level, ...] = get_args(Level)
EVERY_ROLE = ""
"""The role column of a policy for everyone."""
# (role or EVERY_ROLE) -> the clinic's choice, for one procedure
Chosen = Mapping[str, Level]


def rank(level: Level) -> int:
    return LEVELS.index(level)


def strictest(*levels: Level) -> Level:
    return max(levels, key=rank)


def floor_of(proc: Procedure, extra_critical: Collection[str]) -> Level:
    """The lowest policy the clinic may choose: the declaration's, or `approve` for a
    procedure the settings mark critical."""
    return strictest(proc.policy_floor, "approve" if proc.name in extra_critical else "auto")


def resolve(proc: Procedure, role: str, chosen: Chosen, extra_critical: Collection[str]) -> Level:
    """The policy for a call by `role`: its role's choice, else everyone's, else the
    declared default; never below the floor."""
    picked = chosen.get(role) or chosen.get(EVERY_ROLE) or proc.default_policy
    return strictest(picked, floor_of(proc, extra_critical))


async def chosen_for(session: AsyncSession, procedure: str) -> dict[str, Level]:
    rows = await session.exec(
        select(ProcedurePolicy).where(col(ProcedurePolicy.procedure) == procedure)
    )
    return {row.role: row.policy for row in rows.all() if row.policy in LEVELS}


async def chosen_all(session: AsyncSession) -> dict[str, dict[str, Level]]:
    """Every stored choice: procedure -> role (or EVERY_ROLE) -> level."""
    out: dict[str, dict[str, Level]] = {}
    for row in (await session.exec(select(ProcedurePolicy))).all():
        if row.policy in LEVELS:
            out.setdefault(row.procedure, {})[row.role] = row.policy
    return out
