"""The machinery behind ``configure_logging``: enqueue on the caller, scrub and write elsewhere.

A log call only copies the record and puts it on a bounded queue; a listener thread turns it
into an event dict, has it scrubbed under a deadline by a worker thread, renders it and
writes it. A scrubber that hangs cannot be killed, so it is abandoned (a daemon thread) and a
fresh worker takes over; the record it held is written with its message withheld.
"""

from __future__ import annotations

import concurrent.futures
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import structlog

PIPELINE_LOGGER = "assistant.privacy.logging"
_MAX_ABANDONED = 2


class Withheld(Exception):
    """The record's content could not be scrubbed; ``reason`` is safe to write."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class PipelineStats:
    """Counters the handle exposes (and the dropped-record notice reports)."""

    enqueued: int = 0
    dropped: int = 0
    withheld: int = 0
    suppressed: int = 0
    written: int = 0


class ScrubRunner:
    """Runs scrub jobs on a worker thread and gives up on one after ``timeout`` seconds."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._jobs: queue.SimpleQueue[Any] | None = None
        self._abandoned: list[threading.Thread] = []
        self._thread: threading.Thread | None = None
        self.threads: set[int] = set()

    def _start(self) -> queue.SimpleQueue[Any]:
        jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        thread = threading.Thread(target=self._work, args=(jobs,), name="log-scrubber", daemon=True)
        thread.start()
        assert thread.ident is not None
        self.threads.add(thread.ident)
        self._jobs, self._thread = jobs, thread
        return jobs

    @staticmethod
    def _work(jobs: queue.SimpleQueue[Any]) -> None:
        while True:
            job = jobs.get()
            if job is None:
                return
            fn, arg, future = job
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(arg))
                except BaseException as exc:
                    future.set_exception(exc)

    def run(self, fn: Callable[[Any], Any], arg: Any) -> Any:
        self._abandoned = [t for t in self._abandoned if t.is_alive()]
        if len(self._abandoned) > _MAX_ABANDONED:
            raise Withheld("scrubber unavailable")
        jobs = self._jobs or self._start()
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        jobs.put((fn, arg, future))
        try:
            return future.result(timeout=self.timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            jobs.put(None)  # the stuck worker exits once its call returns
            assert self._thread is not None
            self._abandoned.append(self._thread)
            self._jobs = self._thread = None
            raise Withheld("scrubber timeout") from None
        except Withheld:
            raise
        except Exception as exc:
            # Only the type: an exception's text may quote the very value being scrubbed.
            raise Withheld(f"scrubber error: {type(exc).__name__}") from None

    def stop(self) -> None:
        if self._jobs is not None:
            self._jobs.put(None)
        if self._thread is not None:
            self._thread.join(timeout=self.timeout)
        self._jobs = self._thread = None


class _Marker:
    """A flush request travelling through the queue behind the records before it."""

    def __init__(self) -> None:
        self.done = threading.Event()


_STOP = object()


class QueueingHandler(logging.Handler):
    """The only handler on the root logger: copies the record and enqueues it, nothing more."""

    def __init__(self, records: queue.Queue[Any], stats: PipelineStats) -> None:
        super().__init__()
        self.records = records
        self.stats = stats
        self.is_pipeline_thread: Callable[[int], bool] = lambda ident: False
        self.closed = False
        self.owner: Any = None  # the LoggingHandle, so configure_logging can find it again

    def emit(self, record: logging.LogRecord) -> None:
        if self.closed:
            self.stats.dropped += 1
            return
        if self.is_pipeline_thread(threading.get_ident()):
            # Presidio or spaCy logging while scrubbing would feed the queue forever.
            self.stats.suppressed += 1
            return
        try:
            self.records.put_nowait(self.prepare(record))
            self.stats.enqueued += 1
        except queue.Full:
            self.stats.dropped += 1

    @staticmethod
    def prepare(record: logging.LogRecord) -> logging.LogRecord:
        """Freeze what may change after the call returns (args, context); format nothing else."""
        copy = logging.makeLogRecord(record.__dict__)
        if not isinstance(record.msg, dict):  # structlog keeps its event dict in msg
            copy.msg = record.getMessage()
            copy.args = ()
        copy._contextvars = structlog.contextvars.get_contextvars()
        return copy

    def handleError(self, record: logging.LogRecord) -> None:
        """The stock version prints the raw message to stderr; count it instead."""
        self.stats.dropped += 1


class Listener(threading.Thread):
    """Takes records off the queue, renders them (scrubbed) and hands lines to the sinks."""

    def __init__(
        self,
        records: queue.Queue[Any],
        render: Callable[[logging.LogRecord], str],
        sinks: Sequence[logging.Handler],
        stats: PipelineStats,
        warm_up: Callable[[], None],
        *,
        eager: bool = False,
    ) -> None:
        super().__init__(name="log-listener", daemon=True)
        self.records = records
        self.render = render
        self.sinks = sinks
        self.stats = stats
        self.warm_up = warm_up
        self._warm = False
        self._eager = eager
        self._reported_drops = 0
        self.warm_up_error: str | None = None

    def run(self) -> None:
        if self._eager:
            self._warm_up()
        while True:
            item = self.records.get()
            if item is _STOP:
                self._report_drops()
                return
            if isinstance(item, _Marker):
                self._report_drops()
                for sink in self.sinks:
                    sink.flush()
                item.done.set()
                continue
            self._report_drops()
            self.write(item)

    def write(self, record: logging.LogRecord) -> None:
        self._warm_up()
        line = self.render(record)
        out = logging.makeLogRecord(
            {"msg": line, "levelno": record.levelno, "levelname": record.levelname,
             "name": record.name, "created": record.created}
        )  # fmt: skip
        for sink in self.sinks:
            if out.levelno >= sink.level:
                sink.handle(out)
        self.stats.written += 1

    def _warm_up(self) -> None:
        """Load the scrubber outside any record's deadline: loading takes seconds."""
        if self._warm:
            return
        self._warm = True
        try:
            self.warm_up()
        except Exception as exc:
            # Not fatal here: each scrub retries the load and withholds with the reason.
            self.warm_up_error = type(exc).__name__

    def _report_drops(self) -> None:
        dropped = self.stats.dropped
        if dropped > self._reported_drops:
            count = dropped - self._reported_drops
            self._reported_drops = dropped
            notice = logging.makeLogRecord(
                {"msg": f"{count} records dropped (log queue full or closed)",
                 "levelno": logging.WARNING, "levelname": "WARNING", "name": PIPELINE_LOGGER,
                 "created": time.time()}
            )  # fmt: skip
            self.write(notice)

    def request_flush(self, timeout: float) -> bool:
        marker = _Marker()
        try:
            self.records.put(marker, timeout=timeout)
        except queue.Full:
            return False
        return marker.done.wait(timeout)

    def stop(self, timeout: float) -> None:
        try:
            self.records.put(_STOP, timeout=timeout)
        except queue.Full:
            return
        self.join(timeout)
