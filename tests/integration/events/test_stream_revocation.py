"""Open streams end when their credential does: revoked token, disabled user, ended session.

Each test opens a stream, takes the credential away while it is open, and checks that the
stream closes by itself (the `asyncio.timeout` only keeps a regression from hanging).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update

from assistant.auth import tokens as token_service
from assistant.auth import users as user_service
from assistant.db.models import WebSession
from assistant.runtime import Runtime
from assistant.settings import Settings
from inference.scripted import ScriptedEngine, ScriptedReply
from server.app import create_app
from tests.plugins.app import Member, make_member
from tests.plugins.chat import ScriptedParser, serve_in_process
from tests.plugins.servers import SSE, sse_events

PASSWORD = "correct horse battery"
GUARD = 30  # seconds before a stream that never closes fails the test instead of hanging

Revoke = Callable[[Runtime, Member], Awaitable[None]]


async def revoke_token(runtime: Runtime, member: Member) -> None:
    async with runtime.sessions() as session, session.begin():
        user = await user_service.require_by_email(session, member.email)
        for row in await token_service.list_tokens(session, user):
            assert row.id is not None
            await token_service.revoke_token(session, row.id)


async def disable_user(runtime: Runtime, member: Member) -> None:
    async with runtime.sessions() as session, session.begin():
        await user_service.disable_user(session, member.email)


async def end_sessions(runtime: Runtime, member: Member) -> None:
    past = runtime.clock.now() - timedelta(minutes=1)
    async with runtime.sessions() as session, session.begin():
        await session.exec(  # type: ignore[call-overload]
            update(WebSession).where(WebSession.user_id == member.user_id).values(expires_at=past)
        )


@pytest.fixture(scope="module")
def script() -> list[ScriptedReply]:
    return []


@pytest.fixture(scope="module")
async def base(app_settings: Settings, script: list[ScriptedReply]) -> AsyncIterator[str]:
    settings = app_settings.model_copy(
        update={"auth": app_settings.auth.model_copy(update={"stream_recheck_seconds": 0.2})}
    )
    engine = ScriptedEngine(responder=lambda _: script.pop(0))
    app = create_app(settings, engine=engine, parser=ScriptedParser())
    async with serve_in_process(app) as url:
        yield url


async def signed_in(http: httpx.AsyncClient, member: Member) -> dict[str, str]:
    response = await http.post("/login", json={"email": member.email, "password": PASSWORD})
    assert response.status_code == 200
    return {}  # the client now carries the session cookie


@pytest.mark.parametrize(
    ("how", "revoke"),
    [("token", revoke_token), ("token", disable_user), ("session", end_sessions)],
    ids=["token revoked", "user disabled", "session ended"],
)
async def test_an_open_event_stream_closes_when_its_credential_ends(
    base: str, app_settings: Settings, runtime: Runtime, how: str, revoke: Revoke
) -> None:
    member = await make_member(app_settings, "practitioner", PASSWORD)
    async with httpx.AsyncClient(base_url=base, timeout=None) as http:
        headers = member.headers if how == "token" else await signed_in(http, member)
        async with http.stream("GET", "/api/events", headers=headers) as response:
            assert response.status_code == 200
            events = sse_events(response)
            assert await anext(events) is None  # a keep-alive: subscribed and delivering
            await revoke(runtime, member)
            async with asyncio.timeout(GUARD):
                rest = [e async for e in events]
        assert all(e is None for e in rest)  # nothing delivered after the credential ended
        again = await http.get("/api/events", headers=headers)
        assert again.status_code == 401


async def test_an_open_chat_stream_stops_when_its_token_is_revoked(
    base: str, app_settings: Settings, runtime: Runtime, script: list[ScriptedReply]
) -> None:
    member = await make_member(app_settings, "practitioner", PASSWORD)
    words = 400
    script.append(ScriptedReply(text=" ".join(["word"] * words), token_delay=0.05))
    received: list[SSE] = []
    async with httpx.AsyncClient(base_url=base, timeout=None) as http:
        body = {"message": "tell me a long story"}
        async with http.stream("POST", "/api/chat", json=body, headers=member.headers) as response:
            assert response.status_code == 200
            events = sse_events(response)
            async for event in events:
                if event is None:
                    continue
                received.append(event)
                if event.event == "message.delta":
                    break
            await revoke_token(runtime, member)
            async with asyncio.timeout(GUARD):
                received += [e async for e in events if e is not None]
    kinds = [e.event for e in received]
    assert "message.done" not in kinds
    assert kinds.count("message.delta") < words
    assert received[-1].event == "message.error"
    assert received[-1].data["code"] == "unauthenticated"
