"""Scrubbed logging by construction: one pipeline for every logger of the process.

``configure_logging`` puts a single queueing handler on the root logger and routes structlog,
warnings and third-party loggers (uvicorn, arq, litestar, httpx, asyncio, llama.cpp) into it.
A background thread scrubs every string of each record (message, fields, traceback) and only
then renders and writes it. The request path pays for a copy and a queue put, never for
Presidio; a record that cannot be scrubbed in time is written with its message withheld.
"""

from __future__ import annotations

import datetime as dt
import logging
import logging.handlers
import queue
import sys
import urllib.parse
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any, TextIO

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from assistant.privacy.log_pipeline import (
    Listener,
    PipelineStats,
    QueueingHandler,
    ScrubRunner,
    Withheld,
)
from assistant.privacy.scrubber import DEFAULT_MODEL, Scrubber, TextScrubber

# Written as they are: the pipeline sets them from the record, never from user input.
SAFE_KEYS = frozenset({"timestamp", "level", "logger"})

# Loggers that bring their own handlers or stop propagating; they are brought back to root.
ADOPTED_LOGGERS = (
    "uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi", "arq", "arq.worker",
    "litestar", "httpx", "httpcore", "asyncio", "py.warnings", "llama_cpp", "vllm",
)  # fmt: skip

# Libraries whose DEBUG output traces raw data, which no scrubber can be trusted to recognise:
# aiosqlite logs every SQL call with its parameters (names, clinical text); the hosted SDKs
# log each request's body and headers; presidio logs the text it analyses.
QUIET_LOGGERS = {
    name: logging.INFO
    for name in ("aiosqlite", "anthropic", "openai", "presidio-analyzer", "presidio-anonymizer")
}

_RECORD_ATTRS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
# Extras that repeat the message: uvicorn's copy of it with terminal colour codes.
_REPEATS = frozenset({"color_message"})
# ggml_log_level: NONE, DEBUG, INFO, WARN, ERROR, CONT (continues the previous line).
_GGML_LEVELS = {0: logging.INFO, 1: logging.DEBUG, 2: logging.INFO, 3: logging.WARNING,
                4: logging.ERROR}  # fmt: skip


def scrub_value(value: Any, scrubber: TextScrubber) -> Any:
    """Every string, however deep; anything else that is not a plain scalar becomes a string."""
    if isinstance(value, str):
        return scrubber.scrub(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Mapping):
        return {str(k): scrub_value(v, scrubber) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [scrub_value(v, scrubber) for v in value]
    return scrubber.scrub(str(value))


def scrub_event(event: EventDict, scrubber: TextScrubber) -> EventDict:
    """Render the traceback to text first, so frame source lines are scrubbed too."""
    event = structlog.processors.format_exc_info(None, "", event)
    event = structlog.processors.StackInfoRenderer()(None, "", event)
    return {k: v if k in SAFE_KEYS else scrub_value(v, scrubber) for k, v in event.items()}


def _record_metadata(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    record: logging.LogRecord = event["_record"]
    stamp = dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds")
    head = {"timestamp": stamp, "level": record.levelname.lower(), "logger": record.name}
    return {**head, **{k: v for k, v in event.items() if k not in head}}


def _context_and_extras(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    record: logging.LogRecord = event["_record"]
    extras = {
        k: v
        for k, v in record.__dict__.items()
        if k not in _RECORD_ATTRS and k not in _REPEATS and not k.startswith("_")
    }
    return {**getattr(record, "_contextvars", {}), **extras, **event}


def _capture_exc_info(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    """The exception must be taken on the caller's thread; it is formatted later."""
    if event.get("exc_info") is True:
        event["exc_info"] = sys.exc_info()
    return event


def _scrub_step(runner: ScrubRunner, scrubber: TextScrubber, stats: PipelineStats) -> Processor:
    def scrub(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
        safe = {k: event[k] for k in ("timestamp", "level", "logger") if k in event}
        try:
            cleaned: EventDict = runner.run(partial(scrub_event, scrubber=scrubber), event)
        except Withheld as withheld:
            stats.withheld += 1
            return {**safe, "event": f"[withheld: {withheld.reason}]"}
        return cleaned

    return scrub


ACCESS_LOGGER = "assistant.access"
"""Where each request's access line goes (server/access.py)."""


class AccessLine(logging.Filter):
    """The access line (uvicorn's shape; server/access.py writes it), shaped for the scrubber:
    no query string, which can carry search terms; the path percent-decoded, so the scrubber
    sees "Jane Doe", not "Jane%20Doe"; and the client's address without its port. A port is
    new with every connection, so each line would be new text to the scrubber, whose cache is
    by text: 5-30 ms of Presidio and spaCy a request, on a thread that shares the CPU (and the
    GIL) with the reply being streamed."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            client = args[0].rsplit(":", 1)[0] if isinstance(args[0], str) else args[0]
            path = urllib.parse.unquote(args[2].split("?", 1)[0])
            path = "".join(ch if ch.isprintable() else "?" for ch in path)  # no forged lines
            record.args = (client, args[1], path, args[3], args[4])
        return True


class StartupBanner(logging.Filter):
    """uvicorn's "Uvicorn running on http://...:8000 (Press CTRL+C to quit)" is left out:
    `assistant serve` says where to go once it listens, and the scrubber, which sees every
    URL and capitalised word as possibly personal, would print "<URL> (<PERSON>+C to quit)"."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Uvicorn running on")


class CronAtDebug(logging.Filter):
    """arq writes a start and an end line for every run of the worker's cron jobs, several a
    minute for as long as it runs: those are written at DEBUG only. Jobs, errors and the
    worker's own lines stay."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        cron = any(isinstance(a, str) and a.startswith("cron:") for a in args)
        return (
            not cron
            or record.levelno > logging.INFO
            or logging.getLogger().isEnabledFor(logging.DEBUG)
        )


def uvicorn_config_options() -> dict[str, Any]:
    """Keyword arguments for ``uvicorn.Config`` so it leaves logging to this pipeline.

    uvicorn's own ``log_config`` runs ``dictConfig``, which closes every existing handler
    (ours included); ``log_config=None`` keeps it out. Its access line is off: the app writes
    one when each response has ended (server/access.py, on ``ACCESS_LOGGER``).
    """
    return {"log_config": None, "log_level": None, "access_log": False}


def adopt_logger(name: str) -> None:
    """Send a library logger's records to root (ours) instead of its own handlers."""
    adopted = logging.getLogger(name)
    for handler in list(adopted.handlers):
        adopted.removeHandler(handler)
    adopted.propagate = True


def _render(fmt: str, stream: TextIO) -> Processor:
    if fmt == "console":
        colors = bool(getattr(stream, "isatty", lambda: False)())
        return structlog.dev.ConsoleRenderer(colors=colors)
    return structlog.processors.JSONRenderer()


class LoggingHandle:
    """What ``configure_logging`` returns: flush (drain the queue) and close."""

    def __init__(
        self,
        key: tuple[Any, ...],
        handler: QueueingHandler,
        listener: Listener,
        runner: ScrubRunner,
        sinks: list[logging.Handler],
    ) -> None:
        self.key = key
        self.handler = handler
        self.listener = listener
        self.runner = runner
        self.sinks = sinks
        self.closed = False

    @property
    def stats(self) -> PipelineStats:
        return self.handler.stats

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every record logged before this call is written; False on timeout."""
        if self.closed:
            return True
        return self.listener.request_flush(timeout)

    def close(self, timeout: float = 10.0) -> None:
        """Drain, stop the threads, close the files; later records are dropped, never raw."""
        if self.closed:
            return
        self.flush(timeout)
        self.handler.closed = True
        self.listener.stop(timeout)
        self.runner.stop()
        for sink in self.sinks:
            sink.close()
        root = logging.getLogger()
        if self.handler in root.handlers:
            root.removeHandler(self.handler)
            # Without any handler, logging's last resort would print raw text to stderr.
            root.addHandler(_ClosedPipeline())
        logging.captureWarnings(False)
        self.closed = True


class _ClosedPipeline(logging.NullHandler):
    """Stands in for a closed pipeline so nothing reaches logging's raw last resort."""


def configure_logging(
    level: str | int,
    fmt: str,
    *,
    stream: TextIO | None = None,
    file: Path | None = None,
    scrubber: TextScrubber | None = None,
    scrub_timeout: float = 2.0,
    queue_size: int = 10_000,
    spacy_model: str = DEFAULT_MODEL,
    preload: bool = False,
) -> LoggingHandle:
    """Install the scrubbed pipeline on the root logger (idempotent) and return its handle.

    ``fmt`` is ``json`` (one object a line) or ``console``. ``scrubber`` defaults to a
    Presidio ``Scrubber`` on ``spacy_model``, loaded by the background thread when the first
    record arrives (or at once with ``preload``). Calling again with the same arguments
    returns the same handle; with different ones it replaces the pipeline.
    """
    if fmt not in ("json", "console"):
        raise ValueError(f"unknown log format {fmt!r} (json or console)")
    stream = stream if stream is not None else sys.stderr
    key = (fmt, id(stream), file, id(scrubber) if scrubber else spacy_model, scrub_timeout)
    root = logging.getLogger()
    for existing in list(root.handlers):
        if isinstance(existing, QueueingHandler) and not existing.closed:
            current: LoggingHandle = existing.owner
            if current.key == key:
                root.setLevel(level)
                return current
            current.close()
        if isinstance(existing, QueueingHandler | _ClosedPipeline):
            root.removeHandler(existing)

    used: TextScrubber = scrubber if scrubber is not None else Scrubber(model=spacy_model)
    stats = PipelineStats()
    runner = ScrubRunner(scrub_timeout)
    processors: list[Processor] = [
        _record_metadata,
        structlog.stdlib.ProcessorFormatter.remove_processors_meta,
        _scrub_step(runner, used, stats),
    ]
    if fmt == "json":
        processors.append(structlog.processors.EventRenamer("message"))
    processors.append(_render(fmt, stream))
    formatter = structlog.stdlib.ProcessorFormatter(
        processors=processors, foreign_pre_chain=[_context_and_extras]
    )
    sinks: list[logging.Handler] = [logging.StreamHandler(stream)]
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        sinks.append(logging.handlers.WatchedFileHandler(file, encoding="utf-8"))
    for sink in sinks:
        sink.setFormatter(logging.Formatter("%(message)s"))

    records: queue.Queue[Any] = queue.Queue(maxsize=queue_size)
    handler = QueueingHandler(records, stats)
    listener = Listener(records, formatter.format, sinks, stats, used.load, eager=preload)
    listener.start()
    handler.is_pipeline_thread = lambda ident: ident == listener.ident or ident in runner.threads
    handle = LoggingHandle(key, handler, listener, runner, sinks)
    handler.owner = handle

    root.addHandler(handler)
    root.setLevel(level)
    for name in ADOPTED_LOGGERS:
        adopt_logger(name)
    _filter_once(logging.getLogger(ACCESS_LOGGER), AccessLine())
    _filter_once(logging.getLogger("uvicorn.error"), StartupBanner())
    _filter_once(logging.getLogger("arq.worker"), CronAtDebug())
    for name, floor in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(floor)
    logging.captureWarnings(True)
    _configure_structlog()
    return handle


def _filter_once(logger: logging.Logger, added: logging.Filter) -> None:
    """A filter of this kind on `logger`, however often logging is configured."""
    if not any(type(f) is type(added) for f in logger.filters):
        logger.addFilter(added)


def _configure_structlog() -> None:
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.dev.set_exc_info,
            _capture_exc_info,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def get_logger(name: str | None = None) -> Any:
    """A structlog logger bound to the pipeline (structured fields are scrubbed too)."""
    return structlog.stdlib.get_logger(name)


__all__ = [
    "LoggingHandle",
    "adopt_logger",
    "configure_logging",
    "get_logger",
    "uvicorn_config_options",
]
