"""`GET /api/approvals`: requests the caller made or may decide."""

from __future__ import annotations

from typing import Any

from litestar import get, post
from litestar.params import FromQuery, JSONBody
from pydantic import Field

from assistant.approvals.decide import decide
from assistant.approvals.edit import approve_edited
from assistant.approvals.queries import ApprovalFilter, get_visible, list_visible
from assistant.errors import InvalidInput
from assistant.procedures.approval_requests import ApprovalOut
from assistant.procedures.types import Page
from server.bodies import JsonIn
from server.deps import ExecutorDep, PrincipalDep, RuntimeDep
from server.paging import PagingDep
from server.params import PathId


@get("/api/approvals", tags=["approvals"], summary="Approval requests you made or may decide")
async def list_approvals(
    principal: PrincipalDep,
    runtime: RuntimeDep,
    executor: ExecutorDep,
    paging: PagingDep,
    status: FromQuery[ApprovalFilter] = "pending",
) -> Page[ApprovalOut]:
    registry = executor.registry
    return await list_visible(runtime, registry, principal, status, paging.limit, paging.offset)


class Decision(JsonIn):
    reason: str | None = Field(default=None, max_length=500)
    args: dict[str, Any] | None = Field(
        default=None,
        description="Edited fields (those the procedure declares editable): the edited call "
        "goes back to the requester to confirm, and only it can run.",
    )


class Rejection(JsonIn):
    reason: str = Field(min_length=1, max_length=500, description="Why it was rejected.")


@get("/api/approvals/{approval_id:int}", tags=["approvals"], summary="One approval request")
async def get_approval(
    approval_id: PathId, principal: PrincipalDep, runtime: RuntimeDep, executor: ExecutorDep
) -> ApprovalOut:
    return await get_visible(runtime, executor.registry, principal, approval_id)


@post(
    "/api/approvals/{approval_id:int}/approve",
    tags=["approvals"],
    status_code=200,
    summary="Approve (optionally edited): the exact approved call runs once in the background",
)
async def approve(
    approval_id: PathId,
    principal: PrincipalDep,
    runtime: RuntimeDep,
    executor: ExecutorDep,
    data: JSONBody[Decision | None] = None,
) -> ApprovalOut:
    reason = data.reason if data is not None else None  # the body, and the reason, are optional
    if data is not None and data.args:
        return await approve_edited(runtime, executor, principal, approval_id, data.args, reason)
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
