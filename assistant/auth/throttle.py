"""Sign-in throttling, counted before the password is checked.

Each attempt first takes a slot (Redis INCR with an expiry, one atomic transaction) under two
keys: the account, by its normalised address (so ``"Name <addr>"`` and ``ADDR`` count as one),
and the client address. Over either limit the attempt is refused with 429 before any password
is verified, so parallel attempts cannot race past the count. Success clears the account's
count. Keys hold only a keyed hash of the address, never the address itself.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from redis.asyncio import Redis

from assistant.auth.users import normalise_email
from assistant.errors import InvalidInput, RateLimited

KEY = "assistant:login-failures:{scope}:{digest}"
# Give back a slot without creating a key that has outlived its window.
_RETURN_SLOT = "if redis.call('exists', KEYS[1]) == 1 then return redis.call('decr', KEYS[1]) end"


def account_of(email: str) -> str:
    """The address an attempt is counted against: the one sign-in would look up."""
    try:
        return normalise_email(email)
    except InvalidInput:
        return email.strip().lower()


@dataclass(frozen=True)
class Limits:
    per_account: int
    per_client: int
    window_seconds: int


class LoginThrottle:
    def __init__(self, redis: Redis, secret: str, limits: Limits) -> None:
        self._redis = redis
        self._secret = secret.encode()
        self.limits = limits

    def _key(self, scope: str, value: str) -> str:
        digest = hmac.new(self._secret, f"{scope}:{value}".encode(), hashlib.sha256)
        return KEY.format(scope=scope, digest=digest.hexdigest()[:32])

    def _keys(self, email: str, client: str) -> dict[str, int]:
        return {
            self._key("account", account_of(email)): self.limits.per_account,
            self._key("client", client): self.limits.per_client,
        }

    async def attempt(self, email: str, client: str) -> None:
        """Take a slot for one sign-in attempt; RateLimited when the account or client is over."""
        keys = self._keys(email, client)
        async with self._redis.pipeline(transaction=True) as pipe:
            for key in keys:
                pipe.incr(key)
                pipe.expire(key, self.limits.window_seconds, nx=True)
            counts = (await pipe.execute())[::2]
        for (key, limit), count in zip(keys.items(), counts, strict=True):
            if int(count) > limit:
                ttl = int(await self._redis.ttl(key))
                raise RateLimited(
                    "too many failed sign-ins; try again later", retry_after=max(ttl, 1)
                )

    async def succeeded(self, email: str, client: str) -> None:
        """A right password: the account's slate is clean and the client's slot is returned."""
        await self._redis.delete(self._key("account", account_of(email)))
        await self._redis.eval(_RETURN_SLOT, 1, self._key("client", client))  # type: ignore[misc]
