"""The process's live resources, built at startup and injected: never module globals."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import ConnectionPool, Redis
from redis.asyncio.connection import Connection
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.clock import Clock, SystemClock
from assistant.db.engine import create_engine, reader_factory, session_factory
from assistant.db.point_reads import PointReader
from assistant.events.bus import EventBus
from assistant.ops.metrics import Metrics
from assistant.ops.tracing import Tracing
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


def restart_retry(attempts: int = 4) -> dict[str, Any]:
    """After a Redis restart every pooled connection is dead: a command retries on a fresh
    one (4 attempts: about two seconds) instead of failing the request or job. The workers'
    queue pool (assistant/worker.py) waits longer: a worker outlives a Redis outage."""
    return {
        "retry": Retry(ExponentialBackoff(cap=1.0, base=0.1), attempts),
        "retry_on_error": [RedisConnectionError, RedisTimeoutError],
    }


@dataclass
class Runtime:
    settings: Settings
    db: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    redis: Redis
    clock: Clock
    bus: EventBus
    metrics: Metrics = field(default_factory=Metrics)  # this process's, for /metrics
    tracing: Tracing = field(default_factory=Tracing)  # chat turns' spans, where configured
    # Sessions that only read (authentication, pages, lists, replays): on SQLite they never
    # take the write lock; a write in one fails (db.engine.reader_factory).
    readers: async_sessionmaker[AsyncSession] = field(init=False)
    # SQLite only: a synchronous read-only connection for authentication's one-row reads,
    # on the event loop with no thread hop (db.point_reads); None on PostgreSQL.
    point_reads: PointReader | None = field(init=False)

    def __post_init__(self) -> None:
        self.readers = reader_factory(self.db)
        self.point_reads = PointReader.for_url(self.db.url.render_as_string(hide_password=False))

    @classmethod
    def create(cls, settings: Settings, clock: Clock | None = None) -> Runtime:
        if not settings.redis.url:
            raise RedisNotConfigured(
                "ASSISTANT_REDIS_URL is not set "
                "(`assistant serve` starts a server when it is unset)"
            )
        redis: Redis = Redis.from_url(
            settings.redis.url,
            decode_responses=False,
            **restart_retry(),
        )
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
            database=settings.database,
        )
        clock = clock or SystemClock()
        sessions = session_factory(db)
        replay = settings.events.replay_seconds
        bus = EventBus(sessions, redis, clock, replay, readers=reader_factory(db))
        return cls(
            settings, db, sessions, redis, clock, bus, tracing=Tracing.for_settings(settings)
        )

    async def close(self) -> None:
        if self.tracing.enabled:
            await asyncio.to_thread(self.tracing.shutdown)  # sends what is buffered
        await self.redis.aclose()
        await self.db.dispose()
        if self.point_reads is not None:
            self.point_reads.close()
