"""The usage page: hosted-model tokens per user, provider and model, and today's quota."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.params import FromQuery
from litestar.response import Template

from assistant.remote.usage import report_for
from server.deps import PrincipalDep, RuntimeDep
from server.pages.shell import render

PERIODS = {7: "Last 7 days", 30: "Last 30 days", 90: "Last 90 days"}


@get("/usage", include_in_schema=False)
async def usage_page(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    principal: PrincipalDep,
    days: FromQuery[int] = 30,
    mine: FromQuery[bool] = False,
) -> Template:
    days = days if days in PERIODS else 30
    report = await report_for(runtime, principal, "mine" if mine else "default", days)
    remote = runtime.settings.remote
    return await render(
        request, runtime, principal, "usage/index.html", page="usage",
        report=report, days=days, periods=PERIODS, mine=mine,
        providers=remote.providers, use=remote.use, allow_notes=remote.allow_notes,
    )  # fmt: skip


routes = [usage_page]
