"""`GET /api/approvals`: requests the caller made or may decide."""

from __future__ import annotations

from typing import Literal

from litestar import get
from litestar.params import FromQuery
from sqlalchemy import String, cast, or_
from sqlmodel import col, select

from assistant.approvals.requests import ApprovalOut
from assistant.crm.common import Page
from assistant.db.models import Approval
from assistant.errors import InvalidInput
from server.deps import PrincipalDep, RuntimeDep

ApprovalStatus = Literal[
    "pending", "approved", "rejected", "expired", "executed", "failed", "stale", "all"
]


@get("/api/approvals", tags=["approvals"], summary="Approval requests you made or may decide")
async def list_approvals(
    principal: PrincipalDep,
    runtime: RuntimeDep,
    status: FromQuery[ApprovalStatus] = "pending",
    limit: FromQuery[int] = 50,
    offset: FromQuery[int] = 0,
) -> Page[ApprovalOut]:
    if not 1 <= limit <= 200 or offset < 0:
        raise InvalidInput("limit is 1-200 and offset >= 0", fields={"limit": "1-200"})
    visible = or_(
        col(Approval.requested_by) == principal.user_id,
        cast(col(Approval.approver_roles), String).contains(f'"{principal.role}"'),
    )
    query = select(Approval).where(visible)
    if status != "all":
        query = query.where(Approval.status == status)
    async with runtime.sessions() as session:
        from assistant.crm.common import paginate

        rows, total = await paginate(
            session, query.order_by(col(Approval.id).desc()), limit, offset
        )
    return Page[ApprovalOut](items=[ApprovalOut.of(r) for r in rows], total=total)


routes = [list_approvals]
