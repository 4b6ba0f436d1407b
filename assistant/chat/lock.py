"""One turn at a time per conversation, across server replicas: a Redis lock.

The key holds only the conversation id (no personal data in Redis). The lock expires by
itself if a replica dies mid-turn and is renewed while the turn runs.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from redis.asyncio import Redis
from redis.exceptions import LockError

from assistant.errors import Conflict

KEY = "assistant:chat:lock:conversation:{id}"


class ConversationBusy(Conflict):
    code = "conversation_busy"


class ConversationLocks:
    def __init__(self, redis: Redis, ttl: float = 30.0, wait: float = 300.0) -> None:
        self._redis = redis
        self.ttl = ttl
        self.wait = wait

    @contextlib.asynccontextmanager
    async def hold(self, conversation_id: int) -> AsyncIterator[None]:
        lock = self._redis.lock(
            KEY.format(id=conversation_id),
            timeout=self.ttl,
            sleep=0.05,
            blocking_timeout=self.wait,
        )
        if not await lock.acquire():
            raise ConversationBusy("another reply in this conversation is still running")
        renew = asyncio.create_task(self._renew(lock))
        try:
            yield
        finally:
            renew.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renew
            with contextlib.suppress(LockError):  # expired and taken over: nothing to free
                await lock.release()

    async def busy(self, conversation_id: int) -> bool:
        """A turn of this conversation is running (on any replica): its reply is not
        stored yet."""
        return bool(await self._redis.exists(KEY.format(id=conversation_id)))

    async def _renew(self, lock: object) -> None:
        while True:
            await asyncio.sleep(self.ttl / 3)
            await lock.reacquire()  # type: ignore[attr-defined]
