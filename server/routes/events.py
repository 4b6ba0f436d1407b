"""`GET /api/events`: the caller's own events as SSE, resumable with Last-Event-ID."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from litestar import Request, get
from litestar.response import ServerSentEvent, ServerSentEventMessage

from server.deps import PrincipalDep, RuntimeDep
from server.params import event_id
from server.streams import guarded, principal_check


def _last_event_id(request: Request[Any, Any, Any]) -> int | None:
    return event_id(
        request.headers.get("last-event-id") or request.query_params.get("last_event_id")
    )


@get("/api/events", tags=["events"], summary="Stream your events (SSE)")
async def events(
    request: Request[Any, Any, Any], principal: PrincipalDep, runtime: RuntimeDep
) -> ServerSentEvent:
    last_id = _last_event_id(request)

    async def stream() -> AsyncIterator[ServerSentEventMessage]:
        keepalive = runtime.settings.events.keepalive_seconds
        every = runtime.settings.auth.stream_recheck_seconds
        events = runtime.bus.subscribe(principal.user_id, last_id, keepalive)
        async for event in guarded(events, principal_check(request), every):
            if event is None:
                yield ServerSentEventMessage(data=None, comment="keep-alive")
                continue
            yield ServerSentEventMessage(
                data=json.dumps(event.data), event=event.kind, id=str(event.id)
            )

    return ServerSentEvent(
        stream(), headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    )


routes = [events]
