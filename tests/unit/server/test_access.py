"""The access line is written once a response has ended: for a stream, after its last chunk,
never with its first token (uvicorn writes one as the response starts), and for every request,
a router's 404 and 405 included."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from litestar import Litestar, get
from litestar.params import FromPath
from litestar.response import Stream

from assistant.cli.serve import uvicorn_config
from assistant.privacy.logging import ACCESS_LOGGER
from assistant.settings import Settings
from server.access import access_logged


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def access() -> Iterator[Captured]:
    """The records as written, before the pipeline's `AccessLine` (attached to the logger by
    any earlier test that configured logging) reshapes them for the scrubber."""
    logger = logging.getLogger(ACCESS_LOGGER)
    captured, level, filters = Captured(), logger.level, logger.filters[:]
    logger.filters.clear()
    logger.addHandler(captured)
    logger.setLevel(logging.INFO)
    try:
        yield captured
    finally:
        logger.removeHandler(captured)
        logger.setLevel(level)
        logger.filters[:] = filters


@pytest.fixture
def seen_mid_stream() -> list[int]:
    return []


@pytest.fixture
def http(access: Captured, seen_mid_stream: list[int]) -> httpx.AsyncClient:
    @get("/stream")
    async def stream() -> Stream:
        async def chunks() -> AsyncIterator[str]:
            yield "first token"
            seen_mid_stream.append(len(access.records))
            yield "last token"

        return Stream(chunks(), media_type="text/plain")

    @get("/names/{name:str}")
    async def named(name: FromPath[str]) -> str:
        return name

    @get("/broken")
    async def broken() -> str:
        raise RuntimeError("boom")

    app = access_logged(Litestar([stream, named, broken]))
    transport = httpx.ASGITransport(app=app, client=("10.0.0.7", 5100))
    return httpx.AsyncClient(transport=transport, base_url="http://clinic.test")


async def test_a_streams_line_is_written_after_its_last_chunk(
    http: httpx.AsyncClient, access: Captured, seen_mid_stream: list[int]
) -> None:
    assert (await http.get("/stream")).text == "first tokenlast token"
    assert seen_mid_stream == [0]  # none while the stream ran
    (record,) = access.records
    assert record.getMessage() == '10.0.0.7:5100 - "GET /stream HTTP/1.1" 200'


async def test_the_line_keeps_uvicorns_shape_a_quoted_path_and_no_query(
    http: httpx.AsyncClient, access: Captured
) -> None:
    assert (await http.get("/names/Jane Doe", params={"q": "Priya"})).status_code == 200
    (record,) = access.records
    assert record.args == ("10.0.0.7:5100", "GET", "/names/Jane%20Doe", "1.1", 200)


async def test_the_routers_own_answers_have_lines_too(
    http: httpx.AsyncClient, access: Captured
) -> None:
    assert (await http.get("/nowhere/jane@example.com")).status_code == 404
    assert (await http.post("/stream")).status_code == 405
    assert (await http.get("/broken")).status_code == 500
    statuses = [(r.args[2], r.args[4]) for r in access.records]  # type: ignore[index]
    assert statuses == [("/nowhere/jane%40example.com", 404), ("/stream", 405), ("/broken", 500)]


def test_uvicorn_writes_no_line_of_its_own_and_serves_the_logged_app(tmp_path: object) -> None:
    config = uvicorn_config(object(), Settings(data_dir=tmp_path), "127.0.0.1", 8123)
    assert config.access_log is False
    assert config.app.__qualname__ == "access_logged.<locals>.logged"
