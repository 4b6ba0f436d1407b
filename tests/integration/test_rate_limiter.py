"""The rate limiter against the machine's Redis: atomic counts, leases that outlive nothing.

Each limiter signs its keys with a secret of its own, so no two tests share a count.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from assistant.db.models import Role
from assistant.errors import RateLimited
from assistant.procedures.context import Principal
from assistant.ratelimit import RateLimiter, caller_of
from assistant.settings import RateSettings

ALICE = Principal(user_id=7, email="alice@clinic.example.com", role=Role.practitioner)
ALICE_TOKEN = Principal(
    user_id=7, email="alice@clinic.example.com", role=Role.practitioner, kind="token", token_id=3
)


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


def limiter(redis: Redis, **rate: float) -> RateLimiter:
    return RateLimiter(redis, uuid.uuid4().hex, RateSettings(**rate))  # type: ignore[arg-type]


def test_a_token_is_its_own_caller_and_a_session_is_its_users() -> None:
    assert caller_of(ALICE) == "user:7"
    assert caller_of(ALICE_TOKEN) == "token:3"


async def test_parallel_requests_cannot_race_past_the_limit(redis: Redis) -> None:
    limits = limiter(redis, chat_per_minute=5)
    results = await asyncio.gather(
        *(limits.take("chat", ALICE) for _ in range(20)), return_exceptions=True
    )
    assert sum(result is None for result in results) == 5
    refused = [result for result in results if isinstance(result, RateLimited)]
    assert len(refused) == 15
    assert all(1 <= error.retry_after <= 60 for error in refused)


async def test_parallel_streams_cannot_race_past_the_limit(redis: Redis) -> None:
    limits = limiter(redis, streams=3)
    results = await asyncio.gather(
        *(limits.open_stream(ALICE) for _ in range(10)), return_exceptions=True
    )
    assert sum(not isinstance(result, BaseException) for result in results) == 3


async def test_keys_name_no_caller_in_the_clear(redis: Redis) -> None:
    limits = limiter(redis, chat_per_minute=5)
    await limits.take("chat", ALICE)
    key = limits.key("chat", ALICE)
    assert re.fullmatch(r"assistant:rate:chat:[0-9a-f]{32}", key)
    assert await redis.exists(key)
    assert 0 < await redis.pttl(key) <= 60_000  # nothing outlives its window


async def test_a_crashed_servers_slot_frees_itself_when_its_lease_runs_out(redis: Redis) -> None:
    limits = limiter(redis, streams=1, stream_lease_seconds=1)
    await limits.open_stream(ALICE)  # and never given back: the server died
    with pytest.raises(RateLimited) as refused:
        await limits.open_stream(ALICE)
    assert refused.value.retry_after == 1
    await asyncio.sleep(1.1)
    await (await limits.open_stream(ALICE)).release()


async def test_a_running_stream_keeps_its_slot_past_the_lease(redis: Redis) -> None:
    limits = limiter(redis, streams=1, stream_lease_seconds=1)
    slot = await limits.open_stream(ALICE)
    async with slot.kept():
        for _ in range(5):  # 2.5 s: more than two leases long
            await asyncio.sleep(0.5)
            with pytest.raises(RateLimited):
                await limits.open_stream(ALICE)
    await (await limits.open_stream(ALICE)).release()


async def test_a_stream_gives_its_slot_back_when_cancelled(redis: Redis) -> None:
    limits = limiter(redis, streams=1)
    started = asyncio.Event()

    async def forever() -> AsyncIterator[int]:
        while True:
            yield 1
            await asyncio.sleep(0.01)

    async def consume() -> None:
        async for _ in (await limits.open_stream(ALICE)).hold(forever()):
            started.set()

    task = asyncio.create_task(consume())
    await started.wait()
    with pytest.raises(RateLimited):
        await limits.open_stream(ALICE)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await (await limits.open_stream(ALICE)).release()


async def test_zero_is_off_and_counts_nothing(redis: Redis) -> None:
    limits = limiter(redis, chat_per_minute=0, v1_per_minute=0, streams=0)
    for _ in range(100):
        await limits.take("chat", ALICE)
        await limits.take("v1", ALICE)
        await limits.open_stream(ALICE)
    for kind in ("chat", "v1", "streams"):
        assert not await redis.exists(limits.key(kind, ALICE))
