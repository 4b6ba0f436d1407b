"""`POST /api/rpc/{procedure}`: one typed route per declared procedure, and `GET /api/rpc`."""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.handlers import BaseRouteHandler, HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody
from pydantic import BaseModel, Field

from assistant.errors import NotFound
from assistant.procedures import policy
from assistant.procedures.approval_requests import ApprovalOut
from assistant.procedures.context import Principal
from assistant.procedures.executor import Confirm, Done, Executor, Pending
from assistant.procedures.policy import Level
from assistant.procedures.registry import Procedure, Registry
from assistant.procedures.waiting import ActionOut
from server.deps import ExecutorDep, PrincipalDep


class ProcedureInfo(BaseModel):
    name: str
    summary: str
    risk: str
    needs_approval: bool
    policy: Level = Field(description="auto, confirm or approve: for you, now.")
    tool_name: str
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]


class ConfirmWait(BaseModel):
    confirm: ActionOut = Field(
        description="The call, waiting for your click: POST /api/actions/{action_id}/confirm."
    )


WAITING = ResponseSpec(
    data_container=ApprovalOut | ConfirmWait,  # type: ignore[arg-type]
    description="Waiting: for a second person's approval, or for your confirmation",
    generate_examples=False,
)
"""The 202 of every route that runs a procedure the clinic's policy can make wait."""


def waiting_response(result: Pending | Confirm) -> Response[Any]:
    """202: the pending approval, or `{"confirm": {"action_id", ...}}` for the caller's click."""
    if isinstance(result, Confirm):
        return Response(ConfirmWait(confirm=result.action).model_dump(mode="json"), status_code=202)
    return Response(result.approval.model_dump(mode="json"), status_code=202)


def _guard_for(proc: Procedure) -> Any:
    """Role check before the body is read, so a caller without rights learns nothing more."""

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:  # type: ignore[type-arg]
        executor: Executor = connection.app.state.executor
        principal: Principal = connection.user
        if not executor.may_call(principal, proc):
            await executor.deny(principal, proc, "http")

    return guard


def _route(proc: Procedure) -> HTTPRouteHandler:
    async def handler(data: Any, principal: Principal, executor: ExecutorDep) -> Response[Any]:
        result = await executor.call(principal, proc.name, data, source="http")
        if isinstance(result, Done):
            return Response(result.output.model_dump(mode="json"), status_code=200)
        return waiting_response(result)

    handler.__annotations__ = {
        "data": JSONBody[proc.input],  # type: ignore[misc,name-defined]
        "principal": NamedDependency[Principal],
        "executor": NamedDependency[Executor],
        "return": Response[proc.output],  # type: ignore[name-defined]
    }
    handler.__name__ = f"rpc_{proc.tool_name}"
    description = (
        f"Roles: {', '.join(sorted(proc.roles))}. Risk: {proc.risk}. Policy: "
        f"{proc.default_policy} by default, never below {proc.policy_floor}. Under `approve` "
        "it answers 202 with a pending approval; under `confirm`, 202 with "
        '`{"confirm": {"action_id", ...}}` (POST /api/actions/{id}/confirm runs it).'
    )
    return post(
        f"/api/rpc/{proc.name}",
        name=f"rpc:{proc.name}",
        summary=proc.summary,
        description=description,
        tags=[proc.resource],
        operation_id=proc.tool_name,
        guards=[_guard_for(proc)],
        status_code=200,
        responses={202: WAITING},
    )(handler)


@post("/api/rpc/{name:str}", tags=["rpc"], summary="Unknown procedure", include_in_schema=False)
async def unknown_procedure(name: FromPath[str]) -> None:
    raise NotFound(f"unknown procedure {name!r}; GET /api/rpc lists what you may call")


@get("/api/rpc", tags=["rpc"], summary="The procedures the caller may call, with JSON schemas")
async def list_procedures(principal: PrincipalDep, executor: ExecutorDep) -> list[ProcedureInfo]:
    async with executor.runtime.readers() as session:
        chosen = await policy.chosen_all(session)
    extra = executor.runtime.settings.approval.extra_critical
    return [
        ProcedureInfo(
            name=p.name,
            summary=p.summary,
            risk=p.risk,
            needs_approval=executor.needs_approval(p),
            policy=policy.resolve(p, principal.role, chosen.get(p.name, {}), extra),
            tool_name=p.tool_name,
            input_schema=p.input.model_json_schema(),
            output_schema=p.output.model_json_schema(),
        )
        for p in executor.offered(principal)
    ]


def routes(registry: Registry) -> list[HTTPRouteHandler]:
    """A route per procedure a user may call; internal ones have none (404 like any unknown)."""
    routed = (_route(p) for p in registry if not p.internal)
    return [*routed, unknown_procedure, list_procedures]
