"""`GET /api/approvals`: requests the caller made or may decide."""

from __future__ import annotations

from typing import Literal

from litestar import get, post
from litestar.params import FromQuery, JSONBody
from pydantic import BaseModel, Field
from sqlmodel import col, select

from assistant.approvals.decide import decide, load_visible, visible_to
from assistant.approvals.requests import ApprovalOut
from assistant.crm.common import Page
from assistant.db.models import Approval
from assistant.errors import InvalidInput
from server.deps import PrincipalDep, RuntimeDep
from server.params import PathId

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
    query = select(Approval).where(visible_to(principal))
    if status != "all":
        query = query.where(Approval.status == status)
    async with runtime.sessions() as session:
        from assistant.crm.common import paginate

        rows, total = await paginate(
            session, query.order_by(col(Approval.id).desc()), limit, offset
        )
    return Page[ApprovalOut](items=[ApprovalOut.of(r) for r in rows], total=total)


class Decision(BaseModel):
    reason: str | None = Field(default=None, max_length=500)


class Rejection(BaseModel):
    reason: str = Field(min_length=1, max_length=500, description="Why it was rejected.")


@get("/api/approvals/{approval_id:int}", tags=["approvals"], summary="One approval request")
async def get_approval(
    approval_id: PathId, principal: PrincipalDep, runtime: RuntimeDep
) -> ApprovalOut:
    async with runtime.sessions() as session:
        return ApprovalOut.of(await load_visible(session, principal, approval_id))


@post(
    "/api/approvals/{approval_id:int}/approve",
    tags=["approvals"],
    status_code=200,
    summary="Approve: the exact approved call runs once in the background",
)
async def approve(
    approval_id: PathId,
    principal: PrincipalDep,
    runtime: RuntimeDep,
    data: JSONBody[Decision | None] = None,
) -> ApprovalOut:
    reason = data.reason if data is not None else None  # the body, and the reason, are optional
    return await decide(runtime, principal, approval_id, "approve", reason)


@post(
    "/api/approvals/{approval_id:int}/reject",
    tags=["approvals"],
    status_code=200,
    summary="Reject with a reason",
)
async def reject(
    approval_id: PathId,
    principal: PrincipalDep,
    runtime: RuntimeDep,
    data: JSONBody[Rejection | None] = None,
) -> ApprovalOut:
    if data is None:
        raise InvalidInput("a rejection needs a reason", fields={"reason": "required"})
    return await decide(runtime, principal, approval_id, "reject", data.reason)


routes = [list_approvals, get_approval, approve, reject]
