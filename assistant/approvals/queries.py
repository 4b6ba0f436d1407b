"""Reading approval requests: what a user may see (their own, and what their role may decide)."""

from __future__ import annotations

from typing import Literal

from sqlmodel import col, select

from assistant.approvals.decide import load_visible, visible_to
from assistant.db.models import Approval
from assistant.procedures.approval_requests import ApprovalOut
from assistant.procedures.context import Principal
from assistant.procedures.registry import Registry
from assistant.procedures.types import Page, paginate
from assistant.procedures.waiting import approvals_out
from assistant.runtime import Runtime

ApprovalFilter = Literal[
    "pending", "approved", "rejected", "expired", "executed", "failed", "stale", "all"
]


async def list_visible(
    runtime: Runtime,
    registry: Registry,
    principal: Principal,
    status: ApprovalFilter,
    limit: int,
    offset: int,
) -> Page[ApprovalOut]:
    """Newest first."""
    query = select(Approval).where(visible_to(principal))
    if status != "all":
        query = query.where(col(Approval.status) == status)
    async with runtime.readers() as session:
        rows, total = await paginate(
            session, query.order_by(col(Approval.id).desc()), limit, offset
        )
        items = await approvals_out(session, rows, principal, registry, runtime.clock.now())
    return Page[ApprovalOut](items=items, total=total)


async def get_visible(
    runtime: Runtime, registry: Registry, principal: Principal, approval_id: int
) -> ApprovalOut:
    """NotFound unless `principal` may see it; with its preview."""
    async with runtime.readers() as session:
        found = await load_visible(session, principal, approval_id)
        [out] = await approvals_out(session, [found], principal, registry, runtime.clock.now())
        return out
