"""The approvals inbox: what I may decide, what I asked for, what was decided."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal

from sqlalchemy import ColumnElement, String, and_, cast, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.approvals.decide import visible_to
from assistant.db.models import Approval, User
from assistant.procedures.approval_requests import ApprovalOut
from assistant.procedures.context import Principal
from assistant.procedures.registry import Registry
from assistant.procedures.types import paginate
from assistant.procedures.waiting import approvals_out

Box = Literal["decide", "mine", "history"]


def _decidable(principal: Principal) -> ColumnElement[bool]:
    """Pending requests my role may decide and that someone else made (four eyes)."""
    return and_(
        col(Approval.status) == "pending",
        cast(col(Approval.approver_roles), String).contains(f'"{principal.role}"'),
        col(Approval.requested_by) != principal.user_id,
    )


def _mine(principal: Principal) -> ColumnElement[bool]:
    return col(Approval.requested_by) == principal.user_id


def _history(principal: Principal) -> ColumnElement[bool]:
    return and_(visible_to(principal), col(Approval.status) != "pending")


BOXES: dict[Box, Callable[[Principal], ColumnElement[bool]]] = {
    "decide": _decidable,
    "mine": _mine,
    "history": _history,
}


async def inbox(
    session: AsyncSession,
    principal: Principal,
    box: Box,
    limit: int,
    offset: int,
    registry: Registry,
    now: datetime,
) -> tuple[list[ApprovalOut], int]:
    query = select(Approval).where(BOXES[box](principal)).order_by(col(Approval.id).desc())
    rows, total = await paginate(session, query, limit, offset)
    return await approvals_out(session, rows, principal, registry, now), total


async def waiting_count(session: AsyncSession, principal: Principal) -> int:
    """The navigation's number: requests waiting for this user's decision."""
    query = select(func.count()).select_from(Approval).where(_decidable(principal))
    return int((await session.exec(query)).one())


async def people(session: AsyncSession, user_ids: set[int]) -> dict[int, str]:
    """Who asked or decided, by name (their e-mail where no name is on file)."""
    if not user_ids:
        return {}
    rows = await session.exec(select(User).where(col(User.id).in_(user_ids)))
    return {u.id: u.full_name or u.email for u in rows.all() if u.id is not None}
