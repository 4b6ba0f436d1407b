"""The bridge from a generating thread to the event loop: events arrive in order, in lock-step
with the consumer, errors are re-raised, and a consumer that leaves stops the producer."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from inference.base import Event, TextDelta
from inference.slots import events_from_thread


def counting_producer(
    n: int, log: list[str], started: threading.Event | None = None
) -> Callable[[Callable[[Event], None]], None]:
    def produce(emit: Callable[[Event], None]) -> None:
        if started is not None:
            started.set()
        for i in range(n):
            log.append(f"made {i}")
            emit(TextDelta(str(i)))

    return produce


async def test_the_producer_waits_for_each_event_to_be_taken() -> None:
    log: list[str] = []
    stop = threading.Event()
    async for event in events_from_thread(counting_producer(5, log), stop):
        assert isinstance(event, TextDelta)
        log.append(f"took {event.text}")
    # Never two made before the first is taken: generating and consuming take turns.
    assert log == [entry for i in range(5) for entry in (f"made {i}", f"took {i}")]


async def test_an_error_in_the_producer_reaches_the_consumer() -> None:
    def produce(emit: Callable[[Event], None]) -> None:
        emit(TextDelta("a"))
        raise RuntimeError("the model broke")

    seen = []
    with pytest.raises(RuntimeError, match="the model broke"):
        async for event in events_from_thread(produce, threading.Event()):
            seen.append(event)
    assert seen == [TextDelta("a")]


async def test_a_consumer_that_leaves_stops_the_producer_at_once() -> None:
    log: list[str] = []
    stop = threading.Event()
    stream = events_from_thread(counting_producer(1000, log), stop)
    async for event in stream:
        assert event == TextDelta("0")
        break
    await stream.aclose()  # returns only once the producer's thread has ended
    assert stop.is_set()
    assert log == ["made 0"]  # it waited for "0" to be taken, then saw the stop
