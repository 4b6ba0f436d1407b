"""A draining replica (what SIGTERM starts in `assistant serve`): new turns get 503 with
Retry-After, /readyz says draining, event streams end so the browser reconnects elsewhere,
and a turn still running at the deadline ends with a retryable `message.error`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from assistant.chat.completions import COPILOT
from assistant.settings import ServerSettings, Settings
from inference.scripted import ScriptedEngine, ScriptedReply
from server.app import create_app
from tests.plugins.app import Member
from tests.plugins.chat import Listener, ScriptedParser, serve_in_process
from tests.plugins.cluster import eventually
from tests.plugins.servers import SSE, sse_events

LONG = ScriptedReply(text=" ".join(f"w{i}" for i in range(200)), token_delay=0.05)


@pytest.fixture
async def draining_app(app_settings: Settings) -> AsyncIterator[tuple[Any, str]]:
    settings = app_settings.model_copy(
        update={"server": ServerSettings(drain_seconds=0.5, retry_after_seconds=3)}
    )
    engine = ScriptedEngine(responder=lambda _: LONG)
    app = create_app(settings, engine=engine, parser=ScriptedParser())
    async with serve_in_process(app) as base:
        yield app, base


async def _turn(http: httpx.AsyncClient, member: Member, events: list[SSE]) -> None:
    body = {"message": "tell me a long story"}
    async with http.stream("POST", "/api/chat", json=body, headers=member.headers) as response:
        assert response.status_code == 200
        async for event in sse_events(response):
            if event is not None:
                events.append(event)


async def test_a_draining_replica_refuses_new_turns_and_ends_running_ones_retryably(
    draining_app: tuple[Any, str], staff: dict[str, Member]
) -> None:
    app, base = draining_app
    member = staff["practitioner"]
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        assert (await http.get("/readyz")).status_code == 200
        async with Listener(base, member) as listener:
            events: list[SSE] = []
            running = asyncio.create_task(_turn(http, member, events))
            await eventually(lambda: any(e.event == "message.delta" for e in events), 30, "text")

            app.state.drain.begin()

            assert listener._task is not None
            await asyncio.wait_for(asyncio.shield(listener._task), 10)  # the stream ended
            ready = await http.get("/readyz")
            assert ready.status_code == 503 and ready.json()["status"] == "draining"
            for method, path, body in (
                ("POST", "/api/chat", {"message": "one more"}),
                ("POST", "/v1/chat/completions", {"model": "assistant", "messages": []}),
                ("GET", "/api/events", None),
            ):
                refused = await http.request(method, path, json=body, headers=member.headers)
                assert refused.status_code == 503, (path, refused.text)
                assert refused.headers["retry-after"] == "3"
                assert "draining" in refused.text

            await asyncio.wait_for(running, 10)
    assert events[-1].event == "message.error", [e.event for e in events[-3:]]
    assert events[-1].data["retryable"] is True and events[-1].data["code"] == "draining"
    assert not any(e.event == "message.done" for e in events)


async def test_a_v1_stream_still_running_at_the_deadline_ends_with_an_error_chunk(
    draining_app: tuple[Any, str], staff: dict[str, Member]
) -> None:
    app, base = draining_app
    member = staff["practitioner"]
    lines: list[str] = []
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        models = (await http.get("/v1/models", headers=member.headers)).json()["data"]
        model = next(m["id"] for m in models if m["id"] != COPILOT)
        body = {"model": model, "stream": True, "messages": [{"role": "user", "content": "go"}]}
        async with http.stream(
            "POST", "/v1/chat/completions", json=body, headers=member.headers
        ) as resp:
            assert resp.status_code == 200
            async for line in resp.aiter_lines():
                if line.startswith("data: "):
                    lines.append(line[6:])
                    if len(lines) == 3:
                        app.state.drain.begin()
    assert lines[-1] == "[DONE]"
    assert json.loads(lines[-2])["error"]["code"] == "draining"
