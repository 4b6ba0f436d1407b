"""Every sink of the real pipeline (stream and file) holds scrubbed text only."""

from __future__ import annotations

import io
import json
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from assistant.privacy.logging import (
    ACCESS_LOGGER,
    LoggingHandle,
    configure_logging,
    get_logger,
)
from assistant.privacy.scrubber import Scrubber

NAME = "Priya Raghunathan"
EMAIL = "priya.r@outlook.com"


@pytest.fixture
def sinks(scrubber: Scrubber, tmp_path: Path) -> Iterator[tuple[io.StringIO, Path, LoggingHandle]]:
    out, file = io.StringIO(), tmp_path / "logs" / "app.log"
    handle = configure_logging("INFO", "json", stream=out, file=file, scrubber=scrubber)
    yield out, file, handle
    handle.close()
    structlog.reset_defaults()


def _both(out: io.StringIO, file: Path, handle: LoggingHandle) -> list[str]:
    assert handle.flush()
    return [out.getvalue(), file.read_text(encoding="utf-8")]


@pytest.mark.parametrize("logger_name", ["", "uvicorn.error", "arq.worker", "httpx"])
def test_messages_from_any_logger_are_scrubbed(sinks, logger_name: str) -> None:  # type: ignore[no-untyped-def]
    logging.getLogger(logger_name).warning("booked %s, reply to %s", NAME, EMAIL)
    for text in _both(*sinks):
        assert NAME not in text and EMAIL not in text
        record = json.loads(text.splitlines()[-1])
        assert record["message"] == "booked <PERSON>, reply to <EMAIL_ADDRESS>"


def test_structured_fields_are_scrubbed(sinks) -> None:  # type: ignore[no-untyped-def]
    get_logger("assistant.crm").info("contact updated", who=NAME, contact={"email": EMAIL})
    logging.getLogger("assistant.jobs").info("job done", extra={"patient": NAME})
    for text in _both(*sinks):
        first, second = (json.loads(line) for line in text.splitlines())
        assert first["who"] == "<PERSON>" and first["contact"] == {"email": "<EMAIL_ADDRESS>"}
        assert second["patient"] == "<PERSON>"
        assert NAME not in text and EMAIL not in text


def test_exceptions_and_their_tracebacks_are_scrubbed(sinks) -> None:  # type: ignore[no-untyped-def]
    try:
        raise LookupError(f"no contact named {NAME}")  # this source line is in the traceback
    except LookupError:
        logging.getLogger("asyncio").exception("failed for %s", NAME)
    for text in _both(*sinks):
        record = json.loads(text.splitlines()[-1])
        assert "Traceback" in record["exception"]
        assert "LookupError: no contact named <PERSON>" in record["exception"]
        assert NAME not in text


def test_warnings_are_scrubbed(sinks) -> None:  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn(f"deprecated lookup by {NAME}", UserWarning, stacklevel=1)
    for text in _both(*sinks):
        record = json.loads(text.splitlines()[-1])
        assert record["logger"] == "py.warnings"
        assert "<PERSON>" in record["message"] and NAME not in text


def test_access_log_loses_its_query_string_and_port(sinks) -> None:  # type: ignore[no-untyped-def]
    logging.getLogger(ACCESS_LOGGER).info(
        '%s - "%s %s HTTP/%s" %d', "10.0.0.7:5100", "GET", "/api/contacts?q=Priya", "1.1", 200
    )
    for text in _both(*sinks):
        message = json.loads(text.splitlines()[-1])["message"]
        assert message.endswith('"GET /api/contacts HTTP/1.1" 200') and "q=Priya" not in text
        assert "5100" not in text, message


def test_known_all_caps_contact_is_scrubbed(sinks, scrubber: Scrubber) -> None:  # type: ignore[no-untyped-def]
    scrubber.update_known_values(names=["Zorba Quixley"])
    try:
        logging.getLogger("assistant.import").info("row 3: ZORBA QUIXLEY")
        for text in _both(*sinks):
            assert json.loads(text.splitlines()[-1])["message"] == "row 3: <PERSON>"
    finally:
        scrubber.update_known_values()


def test_console_format_is_readable_and_scrubbed(scrubber: Scrubber) -> None:
    out = io.StringIO()
    handle = configure_logging("INFO", "console", stream=out, scrubber=scrubber)
    try:
        logging.getLogger("litestar").info("hello %s", NAME)
        handle.flush()
    finally:
        handle.close()
        structlog.reset_defaults()
    assert "hello <PERSON>" in out.getvalue() and "[litestar]" in out.getvalue()
    assert NAME not in out.getvalue()


def test_llama_cpp_native_lines_go_through_the_pipeline(sinks) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("llama_cpp")
    from inference import llamacpp

    llamacpp.route_native_logs()  # what the engine does when it starts
    callback = llamacpp._callbacks[0]
    callback(3, f"warn: slot for {NAME} ".encode(), None)  # GGML_LOG_LEVEL_WARN, a fragment
    callback(5, b"evicted\n", None)  # GGML_LOG_LEVEL_CONT ends the line
    for text in _both(*sinks):
        record = json.loads(text.splitlines()[-1])
        assert record["logger"] == "inference.llamacpp.native" and record["level"] == "warning"
        assert record["message"] == "warn: slot for <PERSON> evicted"
