"""The Litestar app factory: wiring only; routes live in server/routes, logic in assistant/."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig

from assistant.clock import Clock
from assistant.procedures.executor import Executor
from assistant.procedures.registry import load_registry
from assistant.runtime import Runtime
from assistant.settings import Settings, get_settings
from server.auth import PUBLIC_PATHS, AuthMiddleware
from server.deps import DEPENDENCIES
from server.errors import EXCEPTION_HANDLERS
from server.routes import approvals, events, health, rpc, session


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> Litestar:
    settings = settings or get_settings()
    registry = load_registry()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        runtime = Runtime.create(settings, clock)
        app.state.runtime = runtime
        app.state.executor = Executor(runtime, registry)
        try:
            yield
        finally:
            await runtime.close()

    return Litestar(
        route_handlers=[
            *health.routes,
            *session.routes,
            *rpc.routes(registry),
            *events.routes,
            *approvals.routes,
        ],
        lifespan=[lifespan],
        dependencies=DEPENDENCIES,
        middleware=[DefineMiddleware(AuthMiddleware, exclude=PUBLIC_PATHS)],
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=OpenAPIConfig(title="Clinic co-pilot", version="0.1.0", path="/schema"),
        debug=False,
    )
