"""The access line of each HTTP request, written once its response has ended.

uvicorn writes its own as the response starts: for a stream, that is with the first token,
and making the record and waking the log thread then delay that token (by about 0.4 ms on a
2-core box, benchmarks/README.md).
This wraps the whole app, where uvicorn's line was, so every request has one (a 404 or 405
from the router too, which the app's own middleware never sees), a stream cut short as well.
The line keeps uvicorn's shape exactly, on the `assistant.access` logger (uvicorn stops its own
from propagating when its line is off), and `AccessLine` shapes it for the scrubber as before:
no query string, no port, the path decoded. It has no duration:
each line would be new text to the scrubber, whose cache is by text (latency is in the
metrics, server/timing.py).
"""

from __future__ import annotations

import logging
import urllib.parse

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

access = logging.getLogger("assistant.access")
ACCESS_LINE = '%s - "%s %s HTTP/%s" %d'


def access_logged(app: ASGIApp) -> ASGIApp:
    async def logged(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        status = 500  # what the server sends when the app dies before answering

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await app(scope, receive, sending)
        finally:
            if access.isEnabledFor(logging.INFO):
                _write(scope, status)

    return logged


def _write(scope: Scope, status: int) -> None:
    """As uvicorn writes it: `host:port`, the path quoted (its query string left out)."""
    client = scope.get("client")
    peer = f"{client[0]}:{client[1]}" if client else "-"
    path = urllib.parse.quote(scope.get("root_path", "") + scope["path"])
    version = scope.get("http_version", "1.1")
    access.info(ACCESS_LINE, peer, scope.get("method", ""), path, version, status)
