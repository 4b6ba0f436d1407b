"""The leaks the privacy canary (tests/e2e/test_privacy_canary.py) found, pinned one by one."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from sqlalchemy.exc import DBAPIError

from assistant.db.engine import create_engine
from assistant.privacy.logging import AccessLine, configure_logging
from assistant.privacy.scrubber import Scrubber

EMAIL = "zeb.quarrington@fastmail.com"


def test_an_email_after_a_url_path_is_still_an_email(scrubber: Scrubber) -> None:
    # Presidio's pattern takes "api/contacts/" into the local part; the domain decides.
    line = f'"GET /api/contacts/{EMAIL} HTTP/1.1" 404'
    assert EMAIL not in scrubber.scrub(line) and "<EMAIL_ADDRESS>" in scrubber.scrub(line)


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/api/contacts/Zebulon%20Quarrington?q=x", "/api/contacts/Zebulon Quarrington"),
        ("/api/rpc/zeb.quarrington%40fastmail.com", f"/api/rpc/{EMAIL}"),
        ("/api/x%0A%7B%22forged%22%7D", '/api/x?{"forged"}'),  # no line of its own
    ],
)
def test_access_log_paths_are_decoded_for_the_scrubber(path: str, logged: str) -> None:
    record = logging.makeLogRecord(
        {"msg": '%s - "%s %s HTTP/%s" %d', "args": ("10.0.0.7:5100", "GET", path, "1.1", 404)}
    )
    assert AccessLine().filter(record)
    assert isinstance(record.args, tuple) and record.args[2] == logged


@pytest.mark.parametrize(
    ("client", "logged"),
    [("10.0.0.7:5100", "10.0.0.7"), ("::1:5100", "::1"), (None, None)],
)
def test_access_log_lines_keep_the_client_host_not_its_port(
    client: str | None, logged: str | None
) -> None:
    """Two connections from one client give one line, which the scrubber's cache then holds."""
    lines = set()
    for port in (5100, 5101):
        args = (client.replace("5100", str(port)) if client else None, "POST", "/v1/x", "1.1", 200)
        record = logging.makeLogRecord({"msg": '%s - "%s %s HTTP/%s" %d', "args": args})
        assert AccessLine().filter(record)
        assert isinstance(record.args, tuple) and record.args[0] == logged
        lines.add(record.getMessage())
    assert len(lines) == 1


@pytest.fixture
def pipeline(scrubber: Scrubber, tmp_path: Path) -> Iterator[None]:
    handle = configure_logging("DEBUG", "json", file=tmp_path / "app.log", scrubber=scrubber)
    yield
    handle.close()
    structlog.reset_defaults()


@pytest.mark.usefixtures("pipeline")
@pytest.mark.parametrize(
    "library", ["aiosqlite", "anthropic", "openai", "presidio-analyzer", "presidio-anonymizer"]
)
def test_libraries_that_trace_raw_data_stay_quiet_at_debug(library: str) -> None:
    """SQL parameters, hosted request bodies, analysed text: not even at DEBUG."""
    assert logging.getLogger("assistant").isEnabledFor(logging.DEBUG)
    assert not logging.getLogger(library).isEnabledFor(logging.DEBUG)
    assert logging.getLogger(library).isEnabledFor(logging.INFO)


async def test_sql_errors_do_not_carry_their_parameters(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    try:
        async with engine.connect() as conn:
            with pytest.raises(DBAPIError) as caught:
                await conn.exec_driver_sql("SELECT * FROM no_such_table WHERE x = ?", (EMAIL,))
    finally:
        await engine.dispose()
    assert EMAIL not in str(caught.value) and "hidden" in str(caught.value)
