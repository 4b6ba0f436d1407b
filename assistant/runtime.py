"""The process's live resources, built at startup and injected: never module globals."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import ConnectionPool, Redis
from redis.asyncio.connection import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.clock import Clock, SystemClock
from assistant.db.engine import create_engine, session_factory
from assistant.events.bus import EventBus
from assistant.privacy.keys import load_keyring
from assistant.settings import Settings


class RedisNotConfigured(RuntimeError):
    pass


class _NoRedis(Connection):
    """The connection of a runtime without Redis: using it says so, instead of dialling a
    server nobody configured."""

    async def connect(self) -> None:
        raise RedisNotConfigured(
            "this command has no Redis (ASSISTANT_REDIS_URL is unset), yet it queued work or "
            "published an event"
        )


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
        redis: Redis = Redis.from_url(settings.redis.url, decode_responses=False)
        return cls._build(settings, redis, clock)

    @classmethod
    def offline(cls, settings: Settings, clock: Clock | None = None) -> Runtime:
        """For one-shot commands (the CLI's administration procedures) that queue nothing
        and publish nothing: Redis is used only if configured, and never dialled otherwise."""
        if settings.redis.url:
            return cls.create(settings, clock)
        return cls._build(
            settings, Redis(connection_pool=ConnectionPool(connection_class=_NoRedis)), clock
        )

    @classmethod
    def _build(cls, settings: Settings, redis: Redis, clock: Clock | None) -> Runtime:
        # No key, no start: clinical text is never stored in plaintext (KeyringMissing).
        keyring = load_keyring(settings.keys_path)
        db = create_engine(
            settings.database_url,
            echo=settings.database.echo,
            keyring=keyring,
            accept_legacy=settings.encryption.accept_legacy,
        )
        clock = clock or SystemClock()
        sessions = session_factory(db)
        bus = EventBus(sessions, redis, clock, settings.events.replay_seconds)
        return cls(settings, db, sessions, redis, clock, bus)

    async def close(self) -> None:
        await self.redis.aclose()
        await self.db.dispose()
