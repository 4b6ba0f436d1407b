"""HTTP latency per route template (never the raw path: ids and names stay out of labels)."""

from __future__ import annotations

import time

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send


def timing_middleware(app: ASGIApp) -> ASGIApp:
    async def timed(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        method = str(scope.get("method", ""))
        started = time.perf_counter()
        status = 500  # what the server sends when the handler dies before answering

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await app(scope, receive, sending)
        finally:
            runtime = getattr(scope["litestar_app"].state, "runtime", None)
            if runtime is not None:
                route = scope.get("path_template") or "unmatched"
                runtime.metrics.http_latency.labels(route, method, str(status)).observe(
                    time.perf_counter() - started
                )

    return timed
