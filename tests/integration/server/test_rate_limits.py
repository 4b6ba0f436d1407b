"""Rate limits on the routes: chat turns and /v1 requests a minute, open streams at once.

Real apps on real sockets, counting in the machine's Redis. Each test signs its keys with a
secret of its own, so its counts start at zero whatever else the suite did.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from assistant.auth import users as user_service
from assistant.auth.tokens import create_token
from assistant.runtime import Runtime
from assistant.settings import RateSettings, Settings
from inference.scripted import ScriptedEngine, ScriptedReply
from server.app import create_app
from tests.plugins.app import Member
from tests.plugins.chat import ScriptedParser, serve_in_process

PASSWORD = "correct horse battery"


def limited(app_settings: Settings, **rate: Any) -> Settings:
    return app_settings.model_copy(
        update={"rate": RateSettings(**rate), "secret_key": SecretStr(uuid.uuid4().hex)}
    )


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    engine = ScriptedEngine(responder=lambda _: ScriptedReply(text="Noted."))
    app = create_app(settings, engine=engine, parser=ScriptedParser())
    async with (
        serve_in_process(app) as base,
        httpx.AsyncClient(base_url=base, timeout=30) as http,
    ):
        yield http


async def chat(http: httpx.AsyncClient, headers: dict[str, str] | None = None) -> httpx.Response:
    """One whole turn (read to its end, so its stream slot is given back)."""
    body = {"message": "hello"}
    response = await http.post("/api/chat", json=body, headers=headers or {})
    await response.aread()
    return response


def assert_limited(response: httpx.Response, what: str) -> None:
    assert response.status_code == 429, response.text
    assert int(response.headers["retry-after"]) >= 1
    error = response.json()["error"]
    assert error["code"] == "rate_limited"
    assert what in error["message"]


async def test_chat_turns_over_the_minute_get_429_with_retry_after(
    app_settings: Settings, staff: dict[str, Member]
) -> None:
    member = staff["practitioner"]
    async with serving(limited(app_settings, chat_per_minute=2)) as http:
        for _ in range(2):
            assert (await chat(http, member.headers)).status_code == 200
        response = await chat(http, member.headers)
    assert_limited(response, "chat turns")
    assert int(response.headers["retry-after"]) <= 60
    assert set(response.json()) == {"error"}


async def test_each_token_and_the_browser_have_allowances_of_their_own(
    app_settings: Settings, staff: dict[str, Member], runtime: Runtime
) -> None:
    member = staff["front_desk"]
    async with runtime.sessions() as session, session.begin():
        user = await user_service.require_by_email(session, member.email)
        _, second = await create_token(session, user, "rate-limit test")
    async with serving(limited(app_settings, chat_per_minute=1)) as http:
        assert (await chat(http, member.headers)).status_code == 200
        assert_limited(await chat(http, member.headers), "chat turns")
        # The same user's other token, and their browser session, still have theirs.
        assert (await chat(http, {"Authorization": f"Bearer {second}"})).status_code == 200
        signed_in = await http.post("/login", json={"email": member.email, "password": PASSWORD})
        assert signed_in.status_code == 200
        assert (await chat(http)).status_code == 200
        assert_limited(await chat(http), "chat turns")
        # Another user is untouched by all of it.
        http.cookies.clear()
        assert (await chat(http, staff["owner"].headers)).status_code == 200


async def test_two_replicas_sharing_redis_share_the_count(
    app_settings: Settings, staff: dict[str, Member]
) -> None:
    settings = limited(app_settings, chat_per_minute=2)
    headers = staff["owner"].headers
    async with serving(settings) as one, serving(settings) as two:
        assert (await chat(one, headers)).status_code == 200
        assert (await chat(two, headers)).status_code == 200
        assert_limited(await chat(one, headers), "chat turns")
        assert_limited(await chat(two, headers), "chat turns")


async def test_v1_requests_over_the_minute_get_429_in_openais_shape(
    app_settings: Settings, staff: dict[str, Member]
) -> None:
    headers = staff["viewer"].headers
    async with serving(limited(app_settings, v1_per_minute=3)) as http:
        for _ in range(3):
            assert (await http.get("/v1/models", headers=headers)).status_code == 200
        response = await http.get("/v1/models", headers=headers)
        # Chat turns are counted apart from /v1 requests.
        assert (await chat(http, headers)).status_code == 200
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) >= 1
    error = response.json()["error"]
    assert error["code"] == "rate_limited"
    assert "/v1 requests" in error["message"]
    assert error["type"]  # the openai SDK's shape, which Open WebUI shows


@asynccontextmanager
async def event_stream(http: httpx.AsyncClient, headers: dict[str, str]) -> AsyncIterator[None]:
    """An /api/events stream, read in the background (past its first keep-alive) until the
    block ends; then the client goes away."""
    opened = asyncio.Event()

    async def read() -> None:
        async with http.stream("GET", "/api/events", headers=headers) as response:
            assert response.status_code == 200
            async for _ in response.aiter_lines():
                opened.set()

    reader = asyncio.create_task(read())
    waiter = asyncio.create_task(opened.wait())
    try:
        await asyncio.wait({reader, waiter}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if reader.done():
            reader.result()
        assert opened.is_set(), "the event stream sent nothing"
        yield
    finally:
        for task in (reader, waiter):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def test_open_streams_are_capped_and_a_disconnect_frees_the_slot(
    app_settings: Settings, staff: dict[str, Member]
) -> None:
    headers = staff["practitioner"].headers
    async with serving(limited(app_settings, streams=2)) as http:
        async with event_stream(http, headers), event_stream(http, headers):
            refused = await http.get("/api/events", headers=headers)
            assert_limited(refused, "open streams")
            assert_limited(await chat(http, headers), "open streams")
            completion = await http.post(
                "/v1/chat/completions",
                json={"model": "x", "messages": [{"role": "user", "content": "hi"}]},
                headers=headers,
            )
            assert completion.status_code == 429
            assert completion.json()["error"]["code"] == "rate_limited"
        # Both clients went away: the server notices at its next write and frees the slots.
        for _ in range(50):  # 10 s at most
            turn = await chat(http, headers)
            if turn.status_code != 429:
                break
            await asyncio.sleep(0.2)
        assert turn.status_code == 200
        async with event_stream(http, headers), event_stream(http, headers):
            pass


async def test_a_limit_of_zero_is_off(app_settings: Settings, staff: dict[str, Member]) -> None:
    headers = staff["owner2"].headers
    settings = limited(app_settings, chat_per_minute=0, v1_per_minute=0, streams=0)
    async with serving(settings) as http, AsyncExitStack() as streams:
        for _ in range(12):
            await streams.enter_async_context(event_stream(http, headers))
        for _ in range(25):
            assert (await chat(http, headers)).status_code == 200
        for _ in range(65):
            assert (await http.get("/v1/models", headers=headers)).status_code == 200


@pytest.mark.parametrize("limit", [1, 3])
async def test_the_limit_is_exactly_the_setting(
    app_settings: Settings, staff: dict[str, Member], limit: int
) -> None:
    headers = staff["viewer"].headers
    async with serving(limited(app_settings, v1_per_minute=limit)) as http:
        codes = [(await http.get("/v1/models", headers=headers)).status_code for _ in range(5)]
    assert codes == [200] * limit + [429] * (5 - limit)
