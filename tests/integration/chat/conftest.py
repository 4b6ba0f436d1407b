"""An in-process app per database backend with the scripted engine and parser."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from assistant.settings import Settings
from inference.base import ChatRequest
from inference.scripted import ScriptedEngine, ScriptedReply
from server.app import create_app
from tests.plugins.chat import ScriptedParser, serve_in_process


@dataclass
class ChatHarness:
    base: str
    http: httpx.AsyncClient
    engine: ScriptedEngine
    parser: ScriptedParser
    script: list[ScriptedReply]


@pytest.fixture(scope="module")
async def chat_app(app_settings: Settings) -> AsyncIterator[ChatHarness]:
    script: list[ScriptedReply] = []

    def respond(req: ChatRequest) -> ScriptedReply:
        if script:
            return script.pop(0)
        return ScriptedReply(text=f"You said: {req.messages[-1].get('content')}")

    engine = ScriptedEngine(responder=respond)
    parser = ScriptedParser()
    app = create_app(app_settings, engine=engine, parser=parser)
    async with (
        serve_in_process(app) as base,
        httpx.AsyncClient(base_url=base, timeout=30) as http,
    ):
        yield ChatHarness(base, http, engine, parser, script)


@pytest.fixture
def chat(chat_app: ChatHarness) -> ChatHarness:
    chat_app.script.clear()
    chat_app.engine.requests.clear()
    chat_app.parser.calls.clear()
    return chat_app
