"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Any

from litestar import Response, get

from assistant.health import readiness
from server.deps import ChatDep, RuntimeDep


@get("/healthz", tags=["ops"], summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@get("/readyz", tags=["ops"], summary="Database and Redis answer")
async def readyz(runtime: RuntimeDep, chat: ChatDep) -> Response[dict[str, Any]]:
    checks = await readiness(runtime)
    ready = all(value == "ok" for value in checks.values())
    # Informational: no engine (classifier-only) or no classifier is a mode, not a failure.
    info = {"engine": chat.engine_status, "parser": chat.parser.status}
    return Response(
        {"status": "ok" if ready else "unavailable", "checks": checks, **info},
        status_code=200 if ready else 503,
    )


routes = [healthz, readyz]
