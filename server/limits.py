"""Rate limits on the routes: a guard per route group counts requests, and a dependency
hands the handler the limiter, which takes a stream slot just before the stream starts
(assistant/ratelimit.py does the counting)."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.handlers import BaseRouteHandler

from assistant.procedures.context import Principal
from assistant.ratelimit import Kind, RateLimiter
from assistant.runtime import Runtime

Guard = Any


def limiter_of(runtime: Runtime) -> RateLimiter:
    settings = runtime.settings
    return RateLimiter(runtime.redis, settings.secret_key.get_secret_value(), settings.rate)


def per_minute(kind: Kind) -> Guard:
    """A guard counting each request of the route (group) against the caller's minute."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        principal: Principal = connection.user
        await limiter_of(connection.app.state.runtime).take(kind, principal)

    return guard


def provide_limiter(state: State) -> RateLimiter:
    return limiter_of(state.runtime)


LIMITER = Provide(provide_limiter, sync_to_thread=False)
LimiterDep = NamedDependency[RateLimiter]
