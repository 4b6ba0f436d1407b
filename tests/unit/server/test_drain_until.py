"""`until`: a stream's items until the drain deadline, then a farewell; the source is closed
either way, the consumer's task is left as it was, and no task is made per item."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from server.drain import until

FAREWELL = "restarting"


class Source:
    """Yields `items`, then waits for `release` (forever unless set); records its closing."""

    def __init__(self, items: list[str]) -> None:
        self.items = items
        self.release = asyncio.Event()
        self.started = False
        self.closed = False
        self.cancelled = False

    async def __call__(self) -> AsyncIterator[str]:
        self.started = True
        try:
            for item in self.items:
                yield item
            await self.release.wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        finally:
            self.closed = True


async def _take(stream: AsyncIterator[str], n: int) -> list[str]:
    return [await anext(stream) for _ in range(n)]


async def test_every_item_passes_and_the_stream_ends_with_its_source() -> None:
    source = Source(["a", "b", "c"])
    source.release.set()
    got = [item async for item in until(source(), asyncio.Event(), FAREWELL)]
    assert got == ["a", "b", "c"]
    assert source.closed and not source.cancelled


async def test_a_source_waiting_at_the_deadline_is_stopped_and_the_farewell_sent() -> None:
    source, stop = Source(["a"]), asyncio.Event()
    stream = until(source(), stop, FAREWELL)
    assert await anext(stream) == "a"
    waiting = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0.01)
    assert not waiting.done()  # blocked inside the source
    stop.set()
    assert await asyncio.wait_for(waiting, 5) == FAREWELL
    with pytest.raises(StopAsyncIteration):
        await anext(stream)
    assert source.closed and source.cancelled


async def test_the_consumers_task_is_not_left_cancelled() -> None:
    source, stop = Source([]), asyncio.Event()

    async def consume() -> tuple[list[str], int]:
        got = [item async for item in until(source(), stop, FAREWELL)]
        await asyncio.sleep(0)  # would raise if the cancel had not been taken back
        task = asyncio.current_task()
        assert task is not None
        return got, task.cancelling()

    consumer = asyncio.ensure_future(consume())
    await asyncio.sleep(0.01)
    stop.set()
    assert await asyncio.wait_for(consumer, 5) == ([FAREWELL], 0)


async def test_a_deadline_between_items_ends_the_stream_before_the_next() -> None:
    source, stop = Source(["a", "b"]), asyncio.Event()
    stream = until(source(), stop, FAREWELL)
    assert await anext(stream) == "a"
    stop.set()
    assert [item async for item in stream] == [FAREWELL]
    assert source.closed


async def test_without_a_farewell_the_stream_just_ends() -> None:
    source, stop = Source(["a"]), asyncio.Event()
    stop.set()
    assert [item async for item in until(source(), stop)] == []
    assert not source.started  # a stream begun after the deadline never asks its source


async def test_a_cancel_from_outside_is_not_swallowed() -> None:
    source, stop = Source([]), asyncio.Event()

    async def consume() -> list[str]:
        return [item async for item in until(source(), stop, FAREWELL)]

    consumer = asyncio.ensure_future(consume())
    await asyncio.sleep(0.01)
    consumer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await consumer
    assert source.closed and not stop.is_set()


async def test_items_are_awaited_in_the_consumers_task_not_a_task_each() -> None:
    items = [str(i) for i in range(50)]
    source, stop = Source(items), asyncio.Event()
    source.release.set()
    before = len(asyncio.all_tasks())
    counts = []
    async for _ in until(source(), stop):
        counts.append(len(asyncio.all_tasks()) - before)
    assert len(counts) == len(items)
    assert max(counts) <= 1  # the one watcher of the deadline, for the whole stream
