"""The pipeline's guarantees with injected scrubbers: failure and timeout withhold, never leak."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator

import pytest
import structlog

from assistant.privacy.logging import LoggingHandle, configure_logging

SECRET = "Jane Doe 617-555-0142"


class UpperScrubber:
    """A stand-in that marks what it saw, so tests can tell scrubbed from raw."""

    def load(self) -> None:
        return None

    def scrub(self, text: str) -> str:
        return text.replace("Jane Doe", "<PERSON>").replace("617-555-0142", "<PHONE_NUMBER>")


class RaisingScrubber(UpperScrubber):
    def scrub(self, text: str) -> str:
        raise RuntimeError(f"boom on {text}")  # the text must not reach the output


class BlockingScrubber(UpperScrubber):
    """Slow until released: stands for a scrubber that hangs on a pathological record."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.finished = threading.Event()

    def scrub(self, text: str) -> str:
        self.release.wait(5)
        self.finished.set()
        return super().scrub(text)


@pytest.fixture
def pipeline() -> Iterator[list[LoggingHandle]]:
    handles: list[LoggingHandle] = []
    yield handles
    for handle in handles:
        handle.close()
    structlog.reset_defaults()


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_scrubber_failure_withholds_the_message_not_the_record(
    pipeline: list[LoggingHandle],
) -> None:
    out = io.StringIO()
    pipeline.append(configure_logging("INFO", "json", stream=out, scrubber=RaisingScrubber()))
    logging.getLogger("app").warning("lookup %s", SECRET, extra={"who": SECRET})
    pipeline[0].flush()
    [record] = _lines(out)
    assert record["message"] == "[withheld: scrubber error: RuntimeError]"
    assert record["level"] == "warning" and record["logger"] == "app"
    assert "Jane" not in out.getvalue()


def test_scrubber_timeout_withholds_and_the_next_record_is_written(
    pipeline: list[LoggingHandle],
) -> None:
    out = io.StringIO()
    slow = BlockingScrubber()
    pipeline.append(
        configure_logging("INFO", "json", stream=out, scrubber=slow, scrub_timeout=0.05)
    )
    logging.getLogger("app").info("first %s", SECRET)
    pipeline[0].flush()
    slow.release.set()
    logging.getLogger("app").info("second %s", SECRET)
    pipeline[0].flush()
    first, second = _lines(out)
    assert first["message"] == "[withheld: scrubber timeout]"
    assert second["message"] == "second <PERSON> <PHONE_NUMBER>"
    assert "Jane" not in out.getvalue()


def test_log_call_returns_before_scrubbing(pipeline: list[LoggingHandle]) -> None:
    out = io.StringIO()
    slow = BlockingScrubber()
    pipeline.append(configure_logging("INFO", "json", stream=out, scrubber=slow))
    logging.getLogger("app").info("hello %s", SECRET)
    # Returned while the scrubber still waits: a synchronous pipeline would have finished it.
    # (How fast a log call returns is measured in benchmarks/logging/, not asserted here.)
    assert not slow.finished.is_set()
    assert out.getvalue() == ""
    slow.release.set()
    assert pipeline[0].flush()
    assert _lines(out)[0]["message"] == "hello <PERSON> <PHONE_NUMBER>"


def test_full_queue_drops_with_a_counted_notice(pipeline: list[LoggingHandle]) -> None:
    out = io.StringIO()
    slow = BlockingScrubber()
    pipeline.append(configure_logging("INFO", "json", stream=out, scrubber=slow, queue_size=2))
    for i in range(10):
        logging.getLogger("app").info("n%d", i)
    slow.release.set()
    pipeline[0].flush()
    messages = [r["message"] for r in _lines(out)]
    dropped = pipeline[0].stats.dropped
    assert dropped >= 7
    # The listener may report while the calls still drop: every drop is in some notice.
    notice = " records dropped (log queue full or closed)"
    assert sum(int(m.removesuffix(notice)) for m in messages if m.endswith(notice)) == dropped


def test_close_drains_every_record(pipeline: list[LoggingHandle]) -> None:
    out = io.StringIO()
    handle = configure_logging("INFO", "json", stream=out, scrubber=UpperScrubber())
    for i in range(200):
        logging.getLogger("app").info("record %d for %s", i, SECRET)
    handle.close()
    assert len(_lines(out)) == 200
    logging.getLogger("app").error("after close %s", SECRET)  # dropped, not printed raw
    assert len(_lines(out)) == 200


def test_configure_is_idempotent(pipeline: list[LoggingHandle]) -> None:
    out = io.StringIO()
    scrubber = UpperScrubber()
    first = configure_logging("INFO", "json", stream=out, scrubber=scrubber)
    pipeline.append(first)
    assert configure_logging("INFO", "json", stream=out, scrubber=scrubber) is first
    logging.getLogger("app").info("once")
    first.flush()
    assert len(_lines(out)) == 1
    ours = [h for h in logging.getLogger().handlers if type(h).__name__ == "QueueingHandler"]
    assert len(ours) == 1


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown log format"):
        configure_logging("INFO", "xml", stream=io.StringIO(), scrubber=UpperScrubber())


def test_the_terminal_gets_no_banner_no_colour_copies_and_no_cron_chatter(
    pipeline: list[LoggingHandle],
) -> None:
    """What `make run` prints: uvicorn's banner (`serve` says where to go itself), its
    colour-coded copy of each message, and arq's cron start and end lines are left out at
    INFO; a job's own lines and everything at DEBUG stay."""
    out = io.StringIO()
    handle = configure_logging("INFO", "json", stream=out, scrubber=UpperScrubber())
    pipeline.append(handle)
    server, worker = logging.getLogger("uvicorn.error"), logging.getLogger("arq.worker")
    server.info(
        "Uvicorn running on %s://%s:%d (Press CTRL+C to quit)", "http", "127.0.0.1", 8000,
        extra={"color_message": "Uvicorn running on \x1b[1m%s://%s:%d\x1b[0m"},
    )  # fmt: skip
    server.info("Started server process [%d]", 7, extra={"color_message": "\x1b[36m%d\x1b[0m"})
    worker.info("%6.2fs → %s(%s)%s", 0.97, "cron:_reconcile", "", "")
    worker.info("%6.2fs ← %s ● %s", 0.01, "cron:_reconcile", 0)
    worker.info("%6.2fs → %s(%s)%s", 0.02, "ab12:run_job", "job_id=4", "")
    handle.flush()
    lines = _lines(out)
    assert [line["message"] for line in lines] == [
        "Started server process [7]",
        "  0.02s → ab12:run_job(job_id=4)",
    ]
    assert all("color_message" not in line for line in lines)

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.DEBUG)
    try:
        worker.info("%6.2fs → %s(%s)%s", 0.97, "cron:_reconcile", "", "")
        handle.flush()
    finally:
        root.setLevel(level)
    assert _lines(out)[-1]["message"] == "  0.97s → cron:_reconcile()"
