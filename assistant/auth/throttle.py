"""Login throttling: after N failures an account waits; Redis keys hold only a keyed hash."""

from __future__ import annotations

import hashlib
import hmac

from redis.asyncio import Redis

from assistant.errors import RateLimited


class LoginThrottle:
    def __init__(self, redis: Redis, secret: str, max_failures: int, lockout_seconds: int) -> None:
        self._redis = redis
        self._secret = secret.encode()
        self.max_failures = max_failures
        self.lockout_seconds = lockout_seconds

    def _key(self, email: str) -> str:
        digest = hmac.new(self._secret, email.strip().lower().encode(), hashlib.sha256)
        return f"assistant:login-failures:{digest.hexdigest()[:32]}"

    async def check(self, email: str) -> None:
        key = self._key(email)
        failures = int(await self._redis.get(key) or 0)
        if failures >= self.max_failures:
            ttl = await self._redis.ttl(key)
            raise RateLimited(
                "too many failed sign-ins; try again later", retry_after=max(int(ttl), 1)
            )

    async def failed(self, email: str) -> None:
        key = self._key(email)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, self.lockout_seconds)
            await pipe.execute()

    async def succeeded(self, email: str) -> None:
        await self._redis.delete(self._key(email))
