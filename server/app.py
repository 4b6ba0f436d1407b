"""The Litestar app factory: wiring only; routes live in server/routes, logic in assistant/."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar
from litestar.datastructures import State
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig

from assistant import compose
from assistant.chat.parsing import TurnParser
from assistant.chat.setup import FROM_SETTINGS
from assistant.clock import Clock
from assistant.crm.known_values import KnownValues, ScrubberFeed
from assistant.ops.listener import metrics_listener
from assistant.privacy.scrubber import Scrubber
from assistant.procedures.executor import Executor
from assistant.procedures.registry import Registry
from assistant.runtime import Runtime
from assistant.settings import Settings, get_settings
from server.auth import PUBLIC_PATHS, AuthMiddleware
from server.bodies import ClosedSchemas, StrictBodies
from server.deps import DEPENDENCIES
from server.drain import Drain
from server.errors import EXCEPTION_HANDLERS
from server.forwarded import TrustedProxies, install_forwarded
from server.openai import router as openai
from server.pages import PUBLIC_PAGES, page_routes
from server.pages.security import csrf_config, security_headers
from server.pages.templates import template_config
from server.routes import (
    actions,
    approvals,
    chat,
    confirmations,
    conversations,
    events,
    health,
    jobs,
    metrics,
    rpc,
    session,
    usage,
)
from server.timing import timing_middleware


def _scrubber_lifespan(scrubber: Scrubber | None, every: float, known: KnownValues) -> Any:
    """Keep the log scrubber's deny-list in step with the contacts in the database."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        if scrubber is None:
            yield
            return
        runtime: Runtime = app.state.runtime
        task = asyncio.create_task(ScrubberFeed(runtime.readers, scrubber, known).keep_fresh(every))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return lifespan


def _metrics_lifespan(settings: Settings) -> Any:
    """After the chat's: watch its engine's queue; serve ASSISTANT_METRICS_ADDRESS if set."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        runtime: Runtime = app.state.runtime
        if app.state.chat.engine is not None:
            runtime.metrics.watch_engine(app.state.chat.engine)
        async with metrics_listener(settings.metrics.address, runtime.metrics, runtime.readers):
            yield

    return lifespan


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    scrubber: Scrubber | None = None,
    engine: Any = FROM_SETTINGS,
    parser: TurnParser | None = None,
    registry: Registry | None = None,
) -> Litestar:
    """`engine`/`parser` override what the settings select (tests; None: no engine);
    `registry` defaults to the composed one (assistant/compose.py)."""
    settings = settings or get_settings()
    registry = registry if registry is not None else compose.procedures()
    known = KnownValues()  # one snapshot of the contacts for the log scrubber and the parser

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        runtime = Runtime.create(settings, clock)
        app.state.runtime = runtime
        app.state.executor = Executor(runtime, registry)
        try:
            yield
        finally:
            await runtime.close()

    app = Litestar(
        route_handlers=[
            *health.routes,
            *session.routes,
            *rpc.routes(registry),
            *events.routes,
            *approvals.routes,
            *confirmations.routes,
            *actions.routes,
            *jobs.routes,
            *usage.routes,
            *chat.routes,
            *conversations.routes,
            *openai.routes,
            *metrics.routes,
            *page_routes(),
        ],
        lifespan=[
            lifespan,
            chat.lifespan(engine, parser, known),
            openai.lifespan(engine is FROM_SETTINGS),
            _scrubber_lifespan(scrubber, settings.log.known_values_refresh_seconds, known),
            _metrics_lifespan(settings),
        ],
        # `assistant serve` begins the drain when uvicorn starts shutting down (server/drain.py).
        state=State(
            {"drain": Drain(settings.server.drain_seconds, settings.server.retry_after_seconds)}
        ),
        logging_config=None,  # logging is ours (assistant.privacy.logging): scrubbed, queued
        dependencies=DEPENDENCIES,
        plugins=[StrictBodies(), ClosedSchemas()],
        middleware=[
            timing_middleware,
            DefineMiddleware(AuthMiddleware, exclude=[*PUBLIC_PATHS, *PUBLIC_PAGES]),
        ],
        before_send=[security_headers(settings)],
        csrf_config=csrf_config(settings),
        template_config=template_config(),
        exception_handlers=EXCEPTION_HANDLERS,
        request_max_body_size=settings.api.max_body_bytes,
        openapi_config=OpenAPIConfig(title="Clinic co-pilot", version="0.1.0", path="/schema"),
        debug=False,
    )
    install_forwarded(app, TrustedProxies(settings.trusted_proxies))
    return app
