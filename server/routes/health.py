"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from assistant.db.models import Role
from assistant.health import readiness
from server.auth import optional_principal
from server.deps import ChatDep, RuntimeDep
from server.drain import drain_of


@get("/healthz", tags=["ops"], summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@get(
    "/readyz",
    tags=["ops"],
    summary="Database and Redis answer and the process is not shutting down (an owner's "
    "request also sees the engine and parser)",
)
async def readyz(
    request: Request[Any, Any, Any], runtime: RuntimeDep, chat: ChatDep
) -> Response[dict[str, Any]]:
    checks = await readiness(runtime)
    draining = drain_of(request).draining
    ready = not draining and all(value == "ok" for value in checks.values())
    body: dict[str, Any] = {"status": "draining" if draining else "ok" if ready else "unavailable"}
    caller = await optional_principal(request)
    if caller is not None and caller.role == Role.owner:
        # Informational: no engine (classifier-only) or no classifier is a mode, not a
        # failure. Engine names and model paths are for the clinic's owner, not the world.
        body.update(checks=checks, engine=chat.engine_status, parser=chat.parser.status)
    else:
        body["checks"] = {name: "ok" if v == "ok" else "unavailable" for name, v in checks.items()}
    return Response(body, status_code=200 if ready else 503)


routes = [healthz, readyz]
