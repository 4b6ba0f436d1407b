"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from assistant.db.models import Role
from assistant.health import readiness
from server.auth import optional_principal
from server.deps import ChatDep, RuntimeDep


@get("/healthz", tags=["ops"], summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@get(
    "/readyz",
    tags=["ops"],
    summary="Database and Redis answer (an owner's request also sees the engine and parser)",
)
async def readyz(
    request: Request[Any, Any, Any], runtime: RuntimeDep, chat: ChatDep
) -> Response[dict[str, Any]]:
    checks = await readiness(runtime)
    ready = all(value == "ok" for value in checks.values())
    body: dict[str, Any] = {"status": "ok" if ready else "unavailable"}
    caller = await optional_principal(request)
    if caller is not None and caller.role == Role.owner:
        # Informational: no engine (classifier-only) or no classifier is a mode, not a
        # failure. Engine names and model paths are for the clinic's owner, not the world.
        body.update(checks=checks, engine=chat.engine_status, parser=chat.parser.status)
    else:
        body["checks"] = {name: "ok" if v == "ok" else "unavailable" for name, v in checks.items()}
    return Response(body, status_code=200 if ready else 503)


routes = [healthz, readyz]
