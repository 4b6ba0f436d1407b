"""A replica's graceful shutdown: refuse new turns, end event streams, give turns a deadline.

uvicorn does the shutdown itself: it stops listening, closes idle connections, waits for busy
ones (up to `timeout_graceful_shutdown`), then runs the lifespan's shutdown. What it cannot
know is that `/api/events` never ends by itself and how a turn should end when time is up.
`assistant serve` begins the `Drain` as uvicorn's shutdown starts; from then on:

- new turns (`POST /api/chat`, `/v1`) and new event streams get 503 with Retry-After, and
  `/readyz` says `draining`: a proxy or a client sends them to another replica;
- open `/api/events` streams end at once (after a `retry:` hint): the browser reconnects,
  through the proxy to another replica, with Last-Event-ID, and misses nothing;
- running chat and `/v1` streams go on for `ASSISTANT_SERVER_DRAIN_SECONDS`; those still
  running then end with a retryable error event (the turn stores what was said so far).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any, TypeVar

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from assistant.errors import Draining

T = TypeVar("T")
logger = logging.getLogger(__name__)


class Drain:
    def __init__(self, seconds: float, retry_after: int) -> None:
        self.seconds = seconds
        self.retry_after = retry_after
        self.started = asyncio.Event()
        self.expired = asyncio.Event()
        """Set `seconds` after `begin`: streams still running end now."""
        self._timer: asyncio.TimerHandle | None = None

    @property
    def draining(self) -> bool:
        return self.started.is_set()

    def begin(self) -> None:
        """Start draining (idempotent); call on the app's event loop."""
        if self.started.is_set():
            return
        logger.info("draining: no new turns; running streams have %ss to finish", self.seconds)
        self.started.set()
        self._timer = asyncio.get_running_loop().call_later(self.seconds, self.expired.set)

    def refuse_new(self) -> None:
        if self.draining:
            raise Draining(
                "this server is restarting; send the request again",
                retry_after=self.retry_after,
            )


def drain_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Drain:
    drain: Drain = connection.app.state.drain
    return drain


async def not_draining(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Route guard: a draining replica takes no new turn or stream (503, Retry-After).
    A coroutine, as every guard is: Litestar runs a plain function guard in a thread."""
    drain_of(connection).refuse_new()


async def until(
    source: AsyncIterator[T], stop: asyncio.Event, farewell: T | None = None
) -> AsyncGenerator[T, None]:
    """`source`'s items until `stop` is set; then `farewell` (if any) and the end. Closing
    `source` early is what stops a turn (it stores what was said so far).

    Each item is awaited in the consumer's own task; one watcher a stream cancels that wait
    when `stop` is set (as `asyncio.timeout` does, and the cancel is taken back before the
    farewell). Racing a new task against `stop` for every item cost a loop turn a token, and
    on a CPU engine the engine waits for the loop each token."""
    iterator = aiter(source)
    waiting: asyncio.Task[Any] | None = None  # the task inside `anext`, while it is
    cancelled: asyncio.Task[Any] | None = None  # the task this stream cancelled, until taken back

    def interrupt(_: object) -> None:
        nonlocal cancelled
        if waiting is not None and cancelled is None:
            cancelled = waiting
            waiting.cancel()

    def take_back() -> None:
        nonlocal cancelled
        if cancelled is not None:
            cancelled.uncancel()  # ours, not a cancel from outside: the stream ends normally
            cancelled = None

    watcher = asyncio.ensure_future(stop.wait())
    watcher.add_done_callback(interrupt)
    try:
        while not stop.is_set():
            waiting = asyncio.current_task()
            try:
                item = await anext(iterator)
            except StopAsyncIteration:
                return
            except asyncio.CancelledError:
                if cancelled is None:
                    raise
                break
            finally:
                waiting = None
            yield item
        take_back()  # here too where `source` swallowed the cancel
        if farewell is not None:
            yield farewell
    finally:
        watcher.remove_done_callback(interrupt)
        watcher.cancel()
        take_back()
        close = getattr(iterator, "aclose", None)
        if close is not None:
            await close()
