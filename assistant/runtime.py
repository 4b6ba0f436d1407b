"""The process's live resources, built at startup and injected: never module globals."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.clock import Clock, SystemClock
from assistant.db.engine import create_engine, session_factory
from assistant.events.bus import EventBus
from assistant.privacy.keys import load_keyring
from assistant.settings import Settings


class RedisNotConfigured(RuntimeError):
    pass


@dataclass
class Runtime:
    settings: Settings
    db: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    redis: Redis
    clock: Clock
    bus: EventBus

    @classmethod
    def create(cls, settings: Settings, clock: Clock | None = None) -> Runtime:
        if not settings.redis.url:
            raise RedisNotConfigured(
                "ASSISTANT_REDIS_URL is not set "
                "(`assistant serve` starts a server when it is unset)"
            )
        # No key, no start: clinical text is never stored in plaintext (KeyringMissing).
        keyring = load_keyring(settings.keys_path)
        db = create_engine(
            settings.database_url,
            echo=settings.database.echo,
            keyring=keyring,
            accept_legacy=settings.encryption.accept_legacy,
        )
        redis: Redis = Redis.from_url(settings.redis.url, decode_responses=False)
        clock = clock or SystemClock()
        sessions = session_factory(db)
        bus = EventBus(sessions, redis, clock, settings.events.replay_seconds)
        return cls(settings, db, sessions, redis, clock, bus)

    async def close(self) -> None:
        await self.redis.aclose()
        await self.db.dispose()
