"""A separate, sign-in-free listener for `GET /metrics` (ASSISTANT_METRICS_ADDRESS for the
app, ASSISTANT_METRICS_WORKER_ADDRESS for the worker). It answers that one path, in the
Prometheus text format, and nothing else; bind it to loopback or an internal network."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.ops.metrics import CONTENT_TYPE, Metrics

Sessions = async_sessionmaker[AsyncSession]

logger = logging.getLogger(__name__)
READ_TIMEOUT = 5.0
MAX_HEADER_LINES = 100


def split_address(address: str) -> tuple[str | None, int]:
    """`host:port`, `:port` (every interface) or `[::1]:port`."""
    host, _, port = address.rpartition(":")
    return (host.strip("[]") or None), int(port)


async def _answer(
    metrics: Metrics, sessions: Sessions, reader: asyncio.StreamReader
) -> tuple[str, str, bytes]:
    request = await asyncio.wait_for(reader.readline(), READ_TIMEOUT)
    for _ in range(MAX_HEADER_LINES):  # the headers say nothing this listener needs
        if (await asyncio.wait_for(reader.readline(), READ_TIMEOUT)).strip() == b"":
            break
    parts = request.decode("latin-1").split()
    if len(parts) < 2 or parts[0] not in ("GET", "HEAD"):
        return "405 Method Not Allowed", "text/plain", b"GET /metrics only\n"
    if parts[1].split("?", 1)[0] != "/metrics":
        return "404 Not Found", "text/plain", b"not found: this listener serves /metrics\n"
    await metrics.sample(sessions)
    body = metrics.render()
    return "200 OK", CONTENT_TYPE, b"" if parts[0] == "HEAD" else body


@contextlib.asynccontextmanager
async def metrics_listener(
    address: str | None, metrics: Metrics, sessions: Sessions
) -> AsyncIterator[None]:
    """Serve /metrics on `address` for as long as the block runs (nothing when None)."""
    if address is None:
        yield
        return

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            status, media, body = await _answer(metrics, sessions, reader)
            head = (
                f"HTTP/1.1 {status}\r\nContent-Type: {media}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            )
            writer.write(head.encode("latin-1") + body)
            await writer.drain()
        except (TimeoutError, ConnectionError, UnicodeError) as exc:
            logger.info("metrics listener: request dropped (%s)", type(exc).__name__)
        finally:
            writer.close()

    host, port = split_address(address)
    server = await asyncio.start_server(handle, host, port)
    logger.info("metrics listener on %s", address)
    try:
        yield
    finally:
        server.close()
        await server.wait_closed()
