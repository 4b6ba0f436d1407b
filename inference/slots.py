"""Fair, first-come slot queues and the bridge from a generating thread to the event loop.

Native runtimes (a llama.cpp context, a torch model) block and are not thread-safe, so each
request borrows a slot; waiters are served in arrival order. Generation runs in a thread and
hands events to the loop; when the consumer stops (aclose, disconnect) the thread is told to
stop and the slot is returned only after it has, which is within one token.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import threading
from collections import deque
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Executor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Generic, TypeVar

from inference.base import Event

T = TypeVar("T")


class SlotPool(Generic[T]):
    """Hands out slots first come, first served; a free slot with the best `score` wins."""

    def __init__(self, slots: list[T]) -> None:
        self._free = list(slots)
        self._size = len(slots)
        self._waiters: deque[asyncio.Future[T]] = deque()

    @property
    def size(self) -> int:
        return self._size

    @property
    def free(self) -> int:
        return len(self._free)

    @property
    def waiting(self) -> int:
        return sum(not w.done() for w in self._waiters)

    @asynccontextmanager
    async def acquire(self, score: Callable[[T], int] | None = None) -> AsyncIterator[T]:
        slot = await self._take(score)
        try:
            yield slot
        finally:
            self._release(slot)

    async def _take(self, score: Callable[[T], int] | None) -> T:
        if self._free and not self.waiting:
            best = max(self._free, key=score) if score else self._free[0]
            self._free.remove(best)
            return best
        waiter: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release(waiter.result())
            raise
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    def _release(self, slot: T) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(slot)
                return
        self._free.append(slot)


@dataclass(slots=True)
class _Failed:
    error: BaseException


_END = object()


class Stopped(Exception):
    """Raised inside the generating thread when its consumer has gone away."""


Producer = Callable[[Callable[[Event], None]], None]


async def events_from_thread(
    produce: Producer, stop: threading.Event, executor: Executor | None = None
) -> AsyncIterator[Event]:
    """Run `produce(emit)` in a thread (of `executor`, else the loop's default); yield what it
    emits, in lock-step: `emit` returns once the consumer has taken the event and asked for
    the next one, so generating and consuming (an SSE write a token) never run at once. On a
    CPU engine whose threads fill every core, a loop thread woken beside them stalls the whole
    thread pool at its next barrier; in turn, the consumer's few microseconds a token add to
    the time a token takes. `emit` raises Stopped once the consumer has left, so the producer
    unwinds at its next token."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[object] = asyncio.Queue()
    taken = threading.Semaphore(0)

    def emit(event: Event) -> None:
        if stop.is_set():
            raise Stopped
        loop.call_soon_threadsafe(queue.put_nowait, event)
        taken.acquire()
        if stop.is_set():
            raise Stopped

    def run() -> None:
        try:
            produce(emit)
        except Stopped:
            pass
        except BaseException as exc:  # handed to the consumer, which re-raises it
            loop.call_soon_threadsafe(queue.put_nowait, _Failed(exc))
        finally:
            loop.call_soon_threadsafe(queue.put_nowait, _END)

    call = functools.partial(contextvars.copy_context().run, run)  # as asyncio.to_thread does
    thread = asyncio.ensure_future(loop.run_in_executor(executor, call))
    try:
        while (item := await queue.get()) is not _END:
            if isinstance(item, _Failed):
                raise item.error
            yield item  # type: ignore[misc]
            taken.release()
    finally:
        stop.set()
        taken.release()  # the producer may wait for its last event to be taken
        await asyncio.shield(thread)
