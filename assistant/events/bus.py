"""The per-user event bus: rows in the database, their ids on Redis pub/sub.

Redis carries only event ids (no personal data ever sits in Redis); the SSE endpoint of any
replica hears the id and reads the event from the database. Ids grow monotonically, so a
client that reconnects with Last-Event-ID gets what it missed within the replay window.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import timedelta
from typing import Any

from redis.asyncio import Redis
from sqlalchemy import delete, func
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.clock import Clock
from assistant.db.models import Event

CHANNEL = "assistant:events:user:{user_id}"


class EventBus:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        redis: Redis,
        clock: Clock,
        replay_seconds: int = 300,
        readers: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        self._sessions = sessions
        self._readers = readers or sessions  # replays only read (see db.engine.reader_factory)
        self._redis = redis
        self._clock = clock
        self.replay = timedelta(seconds=replay_seconds)

    async def store(
        self, session: AsyncSession, user_ids: Sequence[int], kind: str, data: dict[str, Any]
    ) -> list[Event]:
        """Add events inside the caller's transaction; call `notify` after it commits."""
        now = self._clock.now()
        rows = [
            Event(user_id=uid, kind=kind, data=data, created_at=now)
            for uid in dict.fromkeys(user_ids)
        ]
        session.add_all(rows)
        await session.flush()
        return rows

    async def notify(self, events: Sequence[Event]) -> None:
        for event in events:
            await self._redis.publish(CHANNEL.format(user_id=event.user_id), str(event.id))

    async def publish(self, user_ids: Sequence[int], kind: str, data: dict[str, Any]) -> None:
        async with self._sessions() as session, session.begin():
            rows = await self.store(session, user_ids, kind, data)
        await self.notify(rows)

    async def after(self, user_id: int, last_id: int) -> list[Event]:
        """The user's events after `last_id` and inside the replay window, oldest first."""
        since = self._clock.now() - self.replay
        async with self._readers() as session:
            rows = await session.exec(
                select(Event)
                .where(
                    Event.user_id == user_id,
                    col(Event.id) > last_id,
                    col(Event.created_at) >= since,
                )
                .order_by(col(Event.id))
            )
            return list(rows.all())

    async def latest_id(self, user_id: int) -> int:
        async with self._readers() as session:
            value = (
                await session.exec(select(func.max(Event.id)).where(Event.user_id == user_id))
            ).one()
            return int(value or 0)

    async def subscribe(
        self, user_id: int, last_id: int | None, keepalive: float = 15.0
    ) -> AsyncIterator[Event | None]:
        """Yield the user's events as they come (None every `keepalive` s of silence)."""
        pubsub = self._redis.pubsub()
        await pubsub.subscribe(CHANNEL.format(user_id=user_id))
        try:
            cursor = await self.latest_id(user_id) if last_id is None else last_id
            while True:
                for event in await self.after(user_id, cursor):
                    assert event.id is not None
                    cursor = event.id
                    yield event
                message = await pubsub.get_message(
                    ignore_subscribe_messages=True, timeout=keepalive
                )
                if message is None:
                    yield None
        finally:
            await pubsub.unsubscribe()
            await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def purge(self) -> int:
        """Drop events older than twice the replay window."""
        cutoff = self._clock.now() - 2 * self.replay
        async with self._sessions() as session, session.begin():
            result = await session.exec(delete(Event).where(col(Event.created_at) < cutoff))
            return int(result.rowcount or 0)
