"""A turn's events as the stream sends them: text deltas at most every `interval` seconds.

A small model on a fast CPU makes a thousand tokens a second; each streamed event is
re-checked against its credential (server/streams.py, a database read), so one event per token
made a busy server spend its database on re-checks and starve the other streams (`assistant
bench concurrency` lost streams to "database is locked" on SQLite). The first delta goes at
once (time to first token is unchanged); deltas that follow within `interval` are joined into
one event; any other event goes at once, after the text held before it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator

from assistant.chat import events as ev
from assistant.chat.events import ChatEvent

DELTA_INTERVAL = 0.05
"""Seconds between text events of one stream: 20 a second reads as smooth typing."""


async def paced(
    queue: asyncio.Queue[ChatEvent | None], interval: float = DELTA_INTERVAL
) -> AsyncGenerator[ChatEvent, None]:
    """The queue's events up to its None, deltas paced (see the module)."""
    held: list[str] = []
    sent = -interval
    getter: asyncio.Future[ChatEvent | None] | None = None
    try:
        while True:
            getter = getter or asyncio.ensure_future(queue.get())
            wait = max(0.0, sent + interval - time.monotonic()) if held else None
            done, _ = await asyncio.wait({getter}, timeout=wait)
            if not done:  # the interval is over: send what is held
                yield ev.delta("".join(held))
                held, sent = [], time.monotonic()
                continue
            item, getter = getter.result(), None
            if item is not None and item.kind == "message.delta":
                if held or time.monotonic() - sent < interval:
                    held.append(item.data["text"])
                    continue
                sent = time.monotonic()
                yield item
                continue
            if held:
                yield ev.delta("".join(held))
                held, sent = [], time.monotonic()
            if item is None:
                return
            yield item
    finally:
        if getter is not None and not getter.done():
            getter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await getter
