"""Nothing on a request's way to its handler hops to a thread: Litestar runs a plain function
guard, dependency or hook in its thread pool, a hand-off each request (on a 2-core box
beside an engine that fills both cores, the hop waits for a core)."""

from __future__ import annotations

import inspect

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler

from assistant.settings import Settings
from server.app import create_app


def _app() -> Litestar:
    return create_app(Settings(environment="test"))


def test_every_guard_is_a_coroutine() -> None:
    app = _app()
    guards = {
        f"{route.path} {getattr(getattr(guard, 'func', guard), '__qualname__', guard)}": guard
        for route in app.routes
        for handler in getattr(route, "route_handlers", [])
        if isinstance(handler, HTTPRouteHandler)
        for guard in handler.resolve_guards()
    }
    assert any(name.startswith("/v1/chat/completions") for name in guards)
    threaded = [name for name, guard in guards.items() if not inspect.iscoroutinefunction(guard)]
    assert threaded == []


def test_every_dependency_and_send_hook_stays_on_the_loop() -> None:
    app = _app()
    threaded = [
        f"{route.path} {key}"
        for route in app.routes
        for handler in getattr(route, "route_handlers", [])
        if isinstance(handler, HTTPRouteHandler)
        for key, provide in handler.resolve_dependencies().items()
        if provide.has_sync_callable and provide.sync_to_thread
    ]
    assert threaded == []
    assert all(inspect.iscoroutinefunction(hook) for hook in app.before_send)
