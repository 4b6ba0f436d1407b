"""Text deltas are paced: the first at once, those close behind it joined into one event."""

from __future__ import annotations

import asyncio

from assistant.chat import events as ev
from assistant.chat.events import ChatEvent
from assistant.chat.pacing import paced


def _queue(*items: ChatEvent | None) -> asyncio.Queue[ChatEvent | None]:
    queue: asyncio.Queue[ChatEvent | None] = asyncio.Queue()
    for item in items:
        queue.put_nowait(item)
    return queue


async def _all(queue: asyncio.Queue[ChatEvent | None], interval: float) -> list[ChatEvent]:
    return [event async for event in paced(queue, interval)]


def _shape(events: list[ChatEvent]) -> list[tuple[str, str]]:
    return [(e.kind, e.data.get("text", "")) for e in events]


async def test_deltas_waiting_together_go_as_one_event_after_the_first() -> None:
    done = ChatEvent("message.done", {"message_id": 1})
    queue = _queue(*(ev.delta(w) for w in ("one ", "two ", "three ", "four")), done, None)
    events = await _all(queue, interval=10)
    assert _shape(events) == [
        ("message.delta", "one "),
        ("message.delta", "two three four"),
        ("message.done", ""),
    ]


async def test_another_event_goes_at_once_after_the_text_held_before_it() -> None:
    call = ChatEvent("tool.call", {"procedure": "notes.add"})
    queue = _queue(ev.delta("a"), ev.delta("b"), call, ev.delta("c"), ev.delta("d"), None)
    events = await _all(queue, interval=10)
    assert _shape(events) == [
        ("message.delta", "a"),
        ("message.delta", "b"),
        ("tool.call", ""),
        ("message.delta", "cd"),
    ]


async def test_deltas_further_apart_than_the_interval_go_one_by_one() -> None:
    queue: asyncio.Queue[ChatEvent | None] = asyncio.Queue()

    async def produce() -> None:
        for word in ("x", "y", "z"):
            queue.put_nowait(ev.delta(word))
            await asyncio.sleep(0.05)
        queue.put_nowait(None)

    producer = asyncio.create_task(produce())
    events = await _all(queue, interval=0.01)
    await producer
    assert _shape(events) == [("message.delta", w) for w in ("x", "y", "z")]


async def test_held_text_goes_when_the_interval_ends_without_waiting_for_more() -> None:
    queue = _queue(ev.delta("first"), ev.delta("second"))
    stream = paced(queue, interval=0.02)
    assert (await anext(stream)).data["text"] == "first"
    async with asyncio.timeout(5):  # nothing else arrives: the held text still goes
        assert (await anext(stream)).data["text"] == "second"
    queue.put_nowait(None)
    assert [e async for e in stream] == []
