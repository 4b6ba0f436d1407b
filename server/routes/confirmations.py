"""`GET /api/actions/{id}` (a waiting call with its preview) and `POST .../confirm|cancel`."""

from __future__ import annotations

from litestar import get, post

from assistant.actions import confirm as confirmations
from assistant.procedures.waiting import ActionDetail
from server.deps import ExecutorDep, PrincipalDep, RuntimeDep
from server.params import PathId


@get(
    "/api/actions/{action_id:int}",
    tags=["actions"],
    summary="One call made or proposed for you, with its impact preview (names included)",
)
async def get_action(
    action_id: PathId, principal: PrincipalDep, runtime: RuntimeDep
) -> ActionDetail:
    return await confirmations.get(runtime, principal, action_id)


@post(
    "/api/actions/{action_id:int}/confirm",
    tags=["actions"],
    status_code=200,
    summary="Run exactly the call you were shown (409 `stale` if what it touches changed)",
)
async def confirm_action(
    action_id: PathId, principal: PrincipalDep, runtime: RuntimeDep, executor: ExecutorDep
) -> ActionDetail:
    return await confirmations.confirm(runtime, executor, principal, action_id)


@post(
    "/api/actions/{action_id:int}/cancel",
    tags=["actions"],
    status_code=200,
    summary="Drop a call waiting for your confirmation",
)
async def cancel_action(
    action_id: PathId, principal: PrincipalDep, runtime: RuntimeDep
) -> ActionDetail:
    return await confirmations.cancel(runtime, principal, action_id)


routes = [get_action, confirm_action, cancel_action]
