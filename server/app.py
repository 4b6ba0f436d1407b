"""The Litestar app factory: wiring only; routes live in server/routes, logic in assistant/."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.di import Provide
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig

from assistant.clock import Clock
from assistant.runtime import Runtime
from assistant.settings import Settings, get_settings
from server.routes import health


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> Litestar:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        runtime = Runtime.create(settings, clock)
        app.state.runtime = runtime
        try:
            yield
        finally:
            await runtime.close()

    def provide_runtime(state: State) -> Runtime:
        runtime: Runtime = state.runtime
        return runtime

    return Litestar(
        route_handlers=[*health.routes],
        lifespan=[lifespan],
        dependencies={"runtime": Provide(provide_runtime, sync_to_thread=False)},
        openapi_config=OpenAPIConfig(title="Clinic co-pilot", version="0.1.0", path="/schema"),
        debug=False,
    )
