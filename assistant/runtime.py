"""The process's live resources, built at startup and injected: never module globals."""

from __future__ import annotations

from dataclasses import dataclass, field

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.clock import Clock, SystemClock
from assistant.db.engine import create_engine, session_factory
from assistant.settings import Settings


class RedisNotConfigured(RuntimeError):
    pass


@dataclass
class Runtime:
    settings: Settings
    db: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    redis: Redis
    clock: Clock = field(default_factory=SystemClock)

    @classmethod
    def create(cls, settings: Settings, clock: Clock | None = None) -> Runtime:
        if not settings.redis.url:
            raise RedisNotConfigured(
                "ASSISTANT_REDIS_URL is not set (`assistant serve` starts a server when it is unset)"
            )
        db = create_engine(settings.database_url, echo=settings.database.echo)
        redis: Redis = Redis.from_url(settings.redis.url, decode_responses=False)
        return cls(settings, db, session_factory(db), redis, clock or SystemClock())

    async def close(self) -> None:
        await self.redis.aclose()
        await self.db.dispose()
