"""Rate limits per caller, counted in Redis so every replica of the server shares them.

A caller is a user signed in through the browser, or one API token: each has counts of its
own (a user's tokens do not eat into their browser's allowance, nor each other's). Two kinds
of limit:

- **requests per minute** (chat turns, /v1 requests): a sliding window, one sorted set of
  request times per caller and kind, trimmed, counted and added to in one Lua script, timed
  by Redis's own clock so replicas never disagree;
- **open streams** (chat turns, /v1 completions, the event stream): one sorted set of leases
  per caller, each scored by when it expires. A running stream refreshes its lease, and
  gives it back when it ends, however it ends (finished, client gone, cancelled). A replica
  that crashes gives nothing back: its leases simply expire. Taking a slot first drops the
  expired leases, in the same script.

Keys hold a keyed hash of the caller, never a user or token id in the clear. A limit of 0
is off: nothing is counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import math
import uuid
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from typing import Literal, TypeVar

import anyio
from redis.asyncio import Redis
from redis.exceptions import RedisError

from assistant.errors import RateLimited
from assistant.procedures.context import Principal
from assistant.settings import RateSettings

logger = logging.getLogger(__name__)

T = TypeVar("T")
Kind = Literal["chat", "v1"]
WINDOW_MS = 60_000
KEY = "assistant:rate:{kind}:{digest}"

# KEYS[1]: the caller's request times; ARGV: limit, window (ms), a unique member.
# Returns {1, 0} when the request may go ahead, else {0, ms until a slot frees}.
_TAKE_REQUEST = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tonumber(oldest[2]) + window - now}
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return {1, 0}
"""

# KEYS[1]: the caller's leases; ARGV: limit, lease (ms), lease id.
# Returns {1, 0} with the slot taken, else {0, ms until the soonest lease would expire}.
_TAKE_STREAM = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  local soonest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tonumber(soonest[2]) - now}
end
redis.call('ZADD', KEYS[1], now + lease, ARGV[3])
redis.call('PEXPIRE', KEYS[1], lease)
return {1, 0}
"""

# KEYS[1]: the caller's leases; ARGV: lease (ms), lease id. Pushes the lease's expiry on.
_REFRESH_STREAM = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[1])
redis.call('ZADD', KEYS[1], now + lease, ARGV[2])
if redis.call('PTTL', KEYS[1]) < lease then redis.call('PEXPIRE', KEYS[1], lease) end
return 1
"""


def caller_of(principal: Principal) -> str:
    """Whose allowance a request uses: its API token's, else its user's."""
    if principal.kind == "token" and principal.token_id is not None:
        return f"token:{principal.token_id}"
    return f"user:{principal.user_id}"


def _seconds(ms: int) -> int:
    """Retry-After: whole seconds, at least one."""
    return max(1, math.ceil(ms / 1000))


class StreamSlot:
    """One open stream's lease. `hold` (an iterator) or `kept` (a block) keeps it fresh
    while the stream runs and gives it back at the end; `release` gives it back now."""

    def __init__(self, limiter: RateLimiter | None, key: str, lease_id: str) -> None:
        self._limiter = limiter
        self._key = key
        self._id = lease_id

    async def release(self) -> None:
        """Give the slot back; shielded, so a cancelled stream still returns it."""
        if self._limiter is None:
            return
        with anyio.CancelScope(shield=True):
            try:
                await self._limiter.redis.zrem(self._key, self._id)
            except RedisError:
                logger.warning("could not give back a stream slot; its lease will expire")

    async def _refresh(self, limiter: RateLimiter) -> None:
        every = limiter.settings.stream_lease_seconds / 3
        while True:
            await asyncio.sleep(every)
            try:
                await limiter.redis.eval(  # type: ignore[misc]
                    _REFRESH_STREAM, 1, self._key, str(limiter.lease_ms), self._id
                )
            except RedisError:
                logger.warning("could not refresh a stream slot; trying again")

    @asynccontextmanager
    async def kept(self) -> AsyncIterator[None]:
        limiter = self._limiter
        if limiter is None:
            yield
            return
        refresher = asyncio.create_task(self._refresh(limiter))
        try:
            yield
        finally:
            refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await refresher
            await self.release()

    async def hold(self, source: AsyncIterator[T]) -> AsyncGenerator[T, None]:
        """`source`'s items, with this slot held until it ends or is closed."""
        async with self.kept():
            async for item in source:
                yield item


class RateLimiter:
    def __init__(self, redis: Redis, secret: str, settings: RateSettings) -> None:
        self.redis = redis
        self.settings = settings
        self._secret = secret.encode()

    @property
    def lease_ms(self) -> int:
        return int(self.settings.stream_lease_seconds * 1000)

    def key(self, kind: str, principal: Principal) -> str:
        digest = hmac.new(self._secret, f"{kind}:{caller_of(principal)}".encode(), hashlib.sha256)
        return KEY.format(kind=kind, digest=digest.hexdigest()[:32])

    def _per_minute(self, kind: Kind) -> int:
        return self.settings.chat_per_minute if kind == "chat" else self.settings.v1_per_minute

    async def take(self, kind: Kind, principal: Principal) -> None:
        """Count one request of `kind`; RateLimited when the caller has used up the minute."""
        limit = self._per_minute(kind)
        if limit == 0:
            return
        what = "chat turns" if kind == "chat" else "/v1 requests"
        allowed, wait_ms = await self.redis.eval(  # type: ignore[misc]
            _TAKE_REQUEST,
            1,
            self.key(kind, principal),
            str(limit),
            str(WINDOW_MS),
            uuid.uuid4().hex,
        )
        if not int(allowed):
            raise RateLimited(
                f"too many {what}: at most {limit} a minute; try again shortly",
                retry_after=_seconds(int(wait_ms)),
            )

    async def open_stream(self, principal: Principal) -> StreamSlot:
        """Take a slot for one more open stream; RateLimited when all are in use."""
        limit = self.settings.streams
        if limit == 0:
            return StreamSlot(None, "", "")
        key, lease_id = self.key("streams", principal), uuid.uuid4().hex
        allowed, wait_ms = await self.redis.eval(  # type: ignore[misc]
            _TAKE_STREAM, 1, key, str(limit), str(self.lease_ms), lease_id
        )
        if not int(allowed):
            raise RateLimited(
                f"too many open streams: at most {limit} at once; close one (another tab, "
                "a running reply) or try again shortly",
                retry_after=_seconds(int(wait_ms)),
            )
        return StreamSlot(self, key, lease_id)
