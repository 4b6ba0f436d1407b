"""`GET /api/actions` (the co-pilot's activity) and `POST /api/actions/{id}/undo`."""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromQuery

from assistant.activity.listing import ActionFilter, ActionOut, Source, Status, list_actions
from assistant.activity.undo import UndoOut
from assistant.procedures.executor import Done
from assistant.procedures.types import Page
from server.deps import ExecutorDep, PrincipalDep, RuntimeDep
from server.paging import PagingDep
from server.params import PathId, QueryId
from server.routes.rpc import WAITING, waiting_response


@get(
    "/api/actions",
    tags=["actions"],
    summary="Calls made or proposed for you, newest first (owners: everyone's with everyone=true)",
)
async def list_my_actions(
    principal: PrincipalDep,
    runtime: RuntimeDep,
    executor: ExecutorDep,
    paging: PagingDep,
    status: FromQuery[Status | None] = None,
    procedure: FromQuery[str | None] = None,
    conversation_id: QueryId = None,
    source: FromQuery[Source | None] = None,
    user_id: QueryId = None,
    everyone: FromQuery[bool] = False,
) -> Page[ActionOut]:
    filters = ActionFilter(
        status=status, procedure=procedure, conversation_id=conversation_id, source=source,
        user_id=user_id, everyone=everyone,
    )  # fmt: skip
    async with runtime.readers() as session:
        items, total = await list_actions(
            session, executor.registry, principal, filters, paging.limit, paging.offset,
            runtime.clock.now(),
        )  # fmt: skip
    return Page[ActionOut](items=items, total=total)


@post(
    "/api/actions/{action_id:int}/undo",
    tags=["actions"],
    status_code=200,
    summary="Undo an action within the undo window (409 with the reason when it cannot be)",
    responses={200: ResponseSpec(UndoOut, description="Undone"), 202: WAITING},
)
async def undo_action(
    action_id: PathId, principal: PrincipalDep, executor: ExecutorDep
) -> Response[Any]:
    done = await executor.call(
        principal, "actions.undo", {"action_ids": [action_id]}, source="http"
    )
    if not isinstance(done, Done):  # the clinic's policy makes the undo wait
        return waiting_response(done)
    return Response(UndoOut.model_validate(done.output.model_dump()).model_dump(mode="json"))


routes = [list_my_actions, undo_action]
