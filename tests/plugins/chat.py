"""Chat test harness: a scripted parser, an in-process server on a real socket, SSE turns.

The parser is a real implementation of `TurnParser` whose outcomes a test sets for the
exact text it sends; the hybrid parser itself is tested in its own suite.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from assistant.commands import PageContext, ParseResult
from assistant.procedures.context import Principal
from tests.plugins.app import Member
from tests.plugins.servers import SSE, free_port, sse_events


@dataclass
class ScriptedParser:
    outcomes: dict[str, ParseResult] = field(default_factory=dict)
    answers: dict[str, ParseResult] = field(default_factory=dict)
    calls: list[tuple[str, str, ParseResult | None]] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "scripted"

    async def parse(
        self, text: str, principal: Principal, context: PageContext | None = None
    ) -> ParseResult:
        self.calls.append(("parse", text, None))
        return self.outcomes.get(text, ParseResult(intent="chat", path="llm"))

    async def answer(
        self,
        asked: ParseResult,
        text: str,
        principal: Principal,
        context: PageContext | None = None,
    ) -> ParseResult:
        self.calls.append(("answer", text, asked))
        return self.answers.get(text) or await self.parse(text, principal, context)


@contextlib.asynccontextmanager
async def serve_in_process(app: Any) -> AsyncIterator[str]:
    """uvicorn on this event loop (so tests can look at the engine the app uses)."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, lifespan="on", log_config=None, access_log=False
    )
    server = uvicorn.Server(config)
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign]  # pytest's
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def turn(
    http: httpx.AsyncClient,
    member: Member,
    message: str,
    conversation_id: int | None = None,
    **context: Any,
) -> list[SSE]:
    """One whole turn's events (keep-alive comments dropped)."""
    body: dict[str, Any] = {"message": message, "context": context}
    if conversation_id is not None:
        body["conversation_id"] = conversation_id
    async with http.stream("POST", "/api/chat", json=body, headers=member.headers) as response:
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        return [e async for e in sse_events(response) if e is not None]


class Listener:
    """One user's `/api/events` stream, collected in the background."""

    def __init__(self, base: str, member: Member) -> None:
        self.base, self.member = base, member
        self.events: list[SSE] = []
        self.connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        async with (
            httpx.AsyncClient(base_url=self.base, timeout=None) as client,
            client.stream("GET", "/api/events", headers=self.member.headers) as response,
        ):
            async for event in sse_events(response):
                self.connected.set()
                if event is not None:
                    self.events.append(event)

    async def wait_for(self, kind: str, seconds: float = 10) -> SSE:
        async with asyncio.timeout(seconds):
            while True:
                found = [e for e in self.events if e.event == kind]
                if found:
                    return found[-1]
                await asyncio.sleep(0.05)

    async def __aenter__(self) -> Listener:
        self._task = asyncio.create_task(self._run())
        await asyncio.wait_for(self.connected.wait(), 10)  # first keep-alive: subscribed
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
