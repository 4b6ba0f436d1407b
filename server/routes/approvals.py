"""`GET /api/approvals`: requests the caller made or may decide."""

from __future__ import annotations

from litestar import get, post
from litestar.params import FromPath, FromQuery, JSONBody
from pydantic import BaseModel, Field

from assistant.approvals.decide import decide
from assistant.approvals.queries import ApprovalFilter, get_visible, list_visible
from assistant.approvals.requests import ApprovalOut
from assistant.crm.common import Page
from server.deps import PrincipalDep, RuntimeDep
from server.paging import PagingDep


@get("/api/approvals", tags=["approvals"], summary="Approval requests you made or may decide")
async def list_approvals(
    principal: PrincipalDep,
    runtime: RuntimeDep,
    paging: PagingDep,
    status: FromQuery[ApprovalFilter] = "pending",
) -> Page[ApprovalOut]:
    return await list_visible(runtime, principal, status, paging.limit, paging.offset)


class Decision(BaseModel):
    reason: str | None = Field(default=None, max_length=500)


class Rejection(BaseModel):
    reason: str = Field(min_length=1, max_length=500, description="Why it was rejected.")


@get("/api/approvals/{approval_id:int}", tags=["approvals"], summary="One approval request")
async def get_approval(
    approval_id: FromPath[int], principal: PrincipalDep, runtime: RuntimeDep
) -> ApprovalOut:
    return await get_visible(runtime, principal, approval_id)


@post(
    "/api/approvals/{approval_id:int}/approve",
    tags=["approvals"],
    status_code=200,
    summary="Approve: the exact approved call runs once in the background",
)
async def approve(
    approval_id: FromPath[int],
    data: JSONBody[Decision],
    principal: PrincipalDep,
    runtime: RuntimeDep,
) -> ApprovalOut:
    return await decide(runtime, principal, approval_id, "approve", data.reason)


@post(
    "/api/approvals/{approval_id:int}/reject",
    tags=["approvals"],
    status_code=200,
    summary="Reject with a reason",
)
async def reject(
    approval_id: FromPath[int],
    data: JSONBody[Rejection],
    principal: PrincipalDep,
    runtime: RuntimeDep,
) -> ApprovalOut:
    return await decide(runtime, principal, approval_id, "reject", data.reason)


routes = [list_approvals, get_approval, approve, reject]
