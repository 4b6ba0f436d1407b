"""The stream runner: one chat turn in a task of its own, its events handed to the stream.

A client that goes away only sets the turn's cancel signal: the task stops generating within
a token, stores the partial reply as `interrupted` and frees the conversation lock, on
whichever loop state the request handler was in when it was cancelled. What the turn does is
assistant/chat/turn.py's part.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable

from assistant.chat import events as ev
from assistant.chat.events import ChatEvent
from assistant.chat.lock import ConversationBusy, ConversationLocks
from assistant.chat.pacing import paced
from assistant.chat.parsing import TurnParser
from assistant.chat.transcript import StoredTranscript, Transcript
from assistant.chat.turn import Turn, TurnInput
from assistant.procedures.context import Principal
from assistant.procedures.executor import Executor
from assistant.runtime import Runtime
from inference.base import Engine

__all__ = ["ChatService", "TurnInput"]
log = logging.getLogger(__name__)


class ChatService:
    def __init__(
        self,
        runtime: Runtime,
        executor: Executor,
        engine: Engine | None,
        parser: TurnParser,
        engine_status: str,
    ) -> None:
        self.rt = runtime
        self.turn = Turn(runtime, executor, engine, parser, engine_status)
        self.locks = ConversationLocks(runtime.redis)
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def engine(self) -> Engine | None:
        return self.turn.engine

    @property
    def parser(self) -> TurnParser:
        return self.turn.parser

    @property
    def engine_status(self) -> str:
        return self.turn.engine_status

    @property
    def executor(self) -> Executor:
        return self.turn.executor

    async def open(self, principal: Principal, conversation_id: int | None) -> int:
        """The conversation a turn goes to: the caller's own (404 otherwise) or a new one."""
        from assistant.chat import store

        async with self.rt.sessions() as session, session.begin():
            if conversation_id is None:
                row = await store.create(session, principal, self.rt.clock.now())
            else:
                row = await store.owned(session, principal, conversation_id)
            assert row.id is not None
            return row.id

    def stream(
        self,
        principal: Principal,
        turn: TurnInput,
        transcript: Transcript,
        *,
        lock_id: int | None = None,
    ) -> AsyncIterator[ChatEvent]:
        """Run the turn in its own task; iterate its events. Closing the iterator early
        cancels generation (the task still stores what was said)."""
        queue: asyncio.Queue[ChatEvent | None] = asyncio.Queue()
        cancel = threading.Event()
        task = asyncio.create_task(
            self._produce(principal, turn, transcript, lock_id, queue.put_nowait, cancel)
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return self._drain(queue, task, cancel)

    def stream_stored(
        self, principal: Principal, conversation_id: int, turn: TurnInput
    ) -> AsyncIterator[ChatEvent]:
        transcript = StoredTranscript(self.rt, principal, conversation_id)
        return self.stream(principal, turn, transcript, lock_id=conversation_id)

    @staticmethod
    async def _drain(
        queue: asyncio.Queue[ChatEvent | None], task: asyncio.Task[None], cancel: threading.Event
    ) -> AsyncIterator[ChatEvent]:
        try:
            async with contextlib.aclosing(paced(queue)) as events:
                async for item in events:
                    yield item
        finally:
            if not task.done():
                cancel.set()

    async def close(self) -> None:
        """Let running turns store their replies (they were told to stop) before shutdown."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=10)

    async def _produce(
        self,
        principal: Principal,
        turn: TurnInput,
        transcript: Transcript,
        lock_id: int | None,
        emit: Callable[[ChatEvent | None], None],
        cancel: threading.Event,
    ) -> None:
        metrics = self.rt.metrics
        engine = self.engine.name if self.engine is not None else "none"
        started = time.perf_counter()
        waiting_first = True

        def timed(event: ChatEvent | None) -> None:
            """Time to the first event after turn.start (the first sign of an answer)."""
            nonlocal waiting_first
            if waiting_first and event is not None and event.kind != "turn.start":
                waiting_first = False
                metrics.chat_first_event.labels(engine).observe(time.perf_counter() - started)
            emit(event)

        streams = metrics.active_streams.labels("chat")
        streams.inc()
        try:
            held = self.locks.hold(lock_id) if lock_id is not None else contextlib.nullcontext()
            async with held:
                await self.turn.run(principal, turn, transcript, timed, cancel)
        except ConversationBusy as exc:
            emit(ev.message_error(exc.code, exc.message, True))
        except Exception:
            log.exception("chat turn failed")
            emit(
                ev.message_error(
                    "internal", "something went wrong on our side; it was logged", True
                )
            )
        finally:
            streams.dec()
            emit(None)
