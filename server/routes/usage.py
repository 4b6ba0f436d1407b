"""`GET /api/usage`: hosted-model tokens in and out, per user, provider and model."""

from __future__ import annotations

from litestar import get
from litestar.params import FromQuery

from assistant.remote.usage import UsageReport, UsageScope, report_for
from server.deps import PrincipalDep, RuntimeDep


@get(
    "/api/usage",
    tags=["usage"],
    summary="Hosted-model usage: yours; owners see everyone's (view=mine for their own)",
)
async def get_usage(
    principal: PrincipalDep,
    runtime: RuntimeDep,
    view: FromQuery[UsageScope] = "default",
    days: FromQuery[int] = 30,
) -> UsageReport:
    return await report_for(runtime, principal, view, days)


routes = [get_usage]
