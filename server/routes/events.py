"""`GET /api/events`: the caller's own events as SSE, resumable with Last-Event-ID."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from litestar import Request, get
from litestar.response import ServerSentEvent, ServerSentEventMessage
from redis.exceptions import ConnectionError as RedisConnectionError

from server.deps import PrincipalDep, RuntimeDep
from server.drain import drain_of, not_draining, until
from server.limits import LimiterDep
from server.params import event_id
from server.streams import guarded, principal_check


def _last_event_id(request: Request[Any, Any, Any]) -> int | None:
    return event_id(
        request.headers.get("last-event-id") or request.query_params.get("last_event_id")
    )


logger = logging.getLogger(__name__)

# A replica that starts draining ends its streams at once (and one that loses Redis): the
# browser reconnects after this many milliseconds, through the proxy to another replica,
# with Last-Event-ID.
RECONNECT = ServerSentEventMessage(data=None, comment="the server is restarting", retry=1000)


@get("/api/events", tags=["events"], summary="Stream your events (SSE)", guards=[not_draining])
async def events(
    request: Request[Any, Any, Any],
    principal: PrincipalDep,
    runtime: RuntimeDep,
    limiter: LimiterDep,
) -> ServerSentEvent:
    last_id = _last_event_id(request)

    async def stream() -> AsyncIterator[ServerSentEventMessage]:
        keepalive = runtime.settings.events.keepalive_seconds
        every = runtime.settings.auth.stream_recheck_seconds
        events = runtime.bus.subscribe(principal.user_id, last_id, keepalive)
        draining = drain_of(request).started
        open_streams = runtime.metrics.active_streams.labels("events")
        open_streams.inc()
        try:
            checked = guarded(events, principal_check(request), every)
            try:
                async for event in until(checked, draining):
                    if event is None:
                        yield ServerSentEventMessage(data=None, comment="keep-alive")
                        continue
                    yield ServerSentEventMessage(
                        data=json.dumps(event.data), event=event.kind, id=str(event.id)
                    )
            except RedisConnectionError as exc:
                # Redis restarting: end the stream cleanly; the browser comes back with its
                # Last-Event-ID and the events stored meanwhile are replayed.
                logger.warning("event stream ended: Redis is unreachable (%s)", type(exc).__name__)
                yield RECONNECT
                return
            if draining.is_set():
                yield RECONNECT
        finally:
            open_streams.dec()

    slot = await limiter.open_stream(principal)
    return ServerSentEvent(
        slot.hold(stream()), headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    )


routes = [events]
