"""N clients, each holding one chat stream (POST /api/chat, SSE) open after another until the
deadline: commands and free chat, alternating, in conversations of a few turns.

A stream ends `done` (message.done), `error` (an HTTP error, or message.error) or `lost`: the
connection broke or closed without either event, or the stream did not end within
--stream-timeout seconds. TTFT is the time to the first message.delta; first event, to the
first event after turn.start (the server's own measure of a turn's first sign of life).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

MIX = (
    ("command", "add a note to Jane Doe: prefers morning sessions"),
    ("chat", "How should I word a reminder about a missed session?"),
    ("command", "show my open tasks"),
    ("chat", "Thanks, that helps."),
    ("command", "create a task to call Sam Lee tomorrow"),
    ("chat", "What should I ask a new client at their first visit?"),
    ("command", "find Priya Shah"),
    ("chat", "hello"),
)
"""One conversation: every client goes through it, starting at its own offset."""


@dataclass(frozen=True, slots=True)
class StreamRecord:
    client: int
    kind: str
    started: float  # seconds since the load started
    status: str  # done | error | lost
    ttft_s: float | None
    first_event_s: float | None
    duration_s: float
    error: str | None = None


async def sse(response: httpx.Response) -> AsyncIterator[tuple[str, dict[str, Any]]]:
    """(event, data) pairs; keep-alive comments are skipped."""
    event, data = "message", ""
    async for line in response.aiter_lines():
        if line.startswith(":"):
            continue
        if line == "":
            if data:
                yield event, json.loads(data)
            event, data = "message", ""
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data += line[5:].strip()


@dataclass
class _Turn:
    status: str = "lost"
    ttft: float | None = None
    first: float | None = None
    error: str | None = None
    conversation: int | None = None


async def _read(response: httpx.Response, start: float, turn: _Turn) -> None:
    async for event, data in sse(response):
        now = time.perf_counter() - start
        if event == "turn.start":
            turn.conversation = data.get("conversation_id")
            continue
        turn.first = turn.first if turn.first is not None else now
        if event == "message.delta" and turn.ttft is None:
            turn.ttft = now
        elif event == "message.done":
            turn.status = "done"
        elif event == "message.error":
            turn.status, turn.error = "error", str(data.get("code"))


async def one_turn(
    http: httpx.AsyncClient, token: str, message: str, conversation: int | None, patience: float
) -> _Turn:
    body: dict[str, Any] = {"message": message}
    if conversation is not None:
        body["conversation_id"] = conversation
    headers = {"Authorization": f"Bearer {token}"}
    turn = _Turn()
    start = time.perf_counter()
    try:
        async with http.stream("POST", "/api/chat", json=body, headers=headers) as response:
            if response.status_code != 200:
                await response.aread()
                turn.status, turn.error = "error", f"HTTP {response.status_code}"
                return turn
            await asyncio.wait_for(_read(response, start, turn), patience)
    except (TimeoutError, httpx.TimeoutException):
        turn.status, turn.error = "lost", "timeout"
    except httpx.ConnectError as exc:
        turn.status, turn.error = "error", type(exc).__name__
    except httpx.HTTPError as exc:  # the stream broke mid-way
        turn.status, turn.error = "lost", type(exc).__name__
    if turn.status == "lost" and turn.error is None:
        turn.error = "closed without message.done"
    return turn


async def client(
    index: int,
    http: httpx.AsyncClient,
    token: str,
    deadline: float,
    origin: float,
    patience: float,
    record: Callable[[StreamRecord], None],
) -> None:
    conversation: int | None = None
    step = index % len(MIX)
    while time.perf_counter() < deadline:
        kind, message = MIX[step]
        started = time.perf_counter()
        turn = await one_turn(http, token, message, conversation, patience)
        record(
            StreamRecord(
                index,
                kind,
                started - origin,
                turn.status,
                turn.ttft,
                turn.first,
                time.perf_counter() - started,
                turn.error,
            )
        )
        step = (step + 1) % len(MIX)
        conversation = None if step == index % len(MIX) else turn.conversation


async def run_load(
    base_url: str,
    tokens: Sequence[str],
    streams: int,
    duration: float,
    patience: float,
    record: Callable[[StreamRecord], None],
) -> float:
    """`streams` clients for `duration` seconds (streams running at the deadline finish);
    returns the seconds from the start to the last stream's end."""
    limits = httpx.Limits(max_connections=streams + 4, max_keepalive_connections=streams + 4)
    http_timeout = httpx.Timeout(patience, connect=30)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=http_timeout) as http:
        origin = time.perf_counter()
        deadline = origin + duration
        await asyncio.gather(
            *(
                client(i, http, tokens[i % len(tokens)], deadline, origin, patience, record)
                for i in range(streams)
            )
        )
        return time.perf_counter() - origin
