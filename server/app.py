"""The Litestar app factory: wiring only; routes live in server/routes, logic in assistant/."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig

from assistant import compose
from assistant.chat.parsing import TurnParser
from assistant.chat.setup import FROM_SETTINGS
from assistant.clock import Clock
from assistant.crm.known_values import keep_known_values_fresh
from assistant.privacy.scrubber import Scrubber
from assistant.procedures.executor import Executor
from assistant.procedures.registry import Registry
from assistant.runtime import Runtime
from assistant.settings import Settings, get_settings
from server.auth import PUBLIC_PATHS, AuthMiddleware
from server.deps import DEPENDENCIES
from server.errors import EXCEPTION_HANDLERS
from server.openai import router as openai
from server.pages import PUBLIC_PAGES, page_routes
from server.pages.security import add_security_headers, csrf_config
from server.pages.templates import template_config
from server.routes import approvals, chat, conversations, events, health, jobs, rpc, session


def _scrubber_lifespan(scrubber: Scrubber | None, every: float) -> Any:
    """Keep the log scrubber's deny-list in step with the contacts in the database."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        if scrubber is None:
            yield
            return
        runtime: Runtime = app.state.runtime
        task = asyncio.create_task(keep_known_values_fresh(runtime.sessions, scrubber, every))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

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
            *jobs.routes,
            *chat.routes,
            *conversations.routes,
            *openai.routes,
            *page_routes(),
        ],
        lifespan=[
            lifespan,
            chat.lifespan(engine, parser),
            openai.lifespan(engine is FROM_SETTINGS),
            _scrubber_lifespan(scrubber, settings.log.known_values_refresh_seconds),
        ],
        logging_config=None,  # logging is ours (assistant.privacy.logging): scrubbed, queued
        dependencies=DEPENDENCIES,
        middleware=[DefineMiddleware(AuthMiddleware, exclude=[*PUBLIC_PATHS, *PUBLIC_PAGES])],
        before_send=[add_security_headers],
        csrf_config=csrf_config(settings),
        template_config=template_config(),
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=OpenAPIConfig(title="Clinic co-pilot", version="0.1.0", path="/schema"),
        debug=False,
    )
