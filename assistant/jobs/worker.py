"""The arq worker: settings, startup/shutdown of its runtime, and the registered functions."""

from __future__ import annotations

from typing import Any

from arq.connections import RedisSettings
from arq.cron import cron
from arq.worker import Worker

from assistant.jobs import housekeeping
from assistant.runtime import Runtime
from assistant.settings import Settings

QUEUE = "assistant:queue"


def redis_settings(url: str) -> RedisSettings:
    return RedisSettings.from_dsn(url)


def build_worker(settings: Settings, **overrides: Any) -> Worker:
    """A worker bound to these settings; `assistant worker` runs it, tests drive it in-process."""
    assert settings.redis.url, "the worker needs ASSISTANT_REDIS_URL"

    async def startup(ctx: dict[str, Any]) -> None:
        ctx["runtime"] = Runtime.create(settings)

    async def shutdown(ctx: dict[str, Any]) -> None:
        runtime: Runtime | None = ctx.get("runtime")
        if runtime is not None:
            await runtime.close()

    options: dict[str, Any] = {
        "functions": list(housekeeping.FUNCTIONS),
        "cron_jobs": [cron(housekeeping.purge_expired_sessions, minute={0, 15, 30, 45})],
        "redis_settings": redis_settings(settings.redis.url),
        "queue_name": QUEUE,
        "on_startup": startup,
        "on_shutdown": shutdown,
        "handle_signals": True,
    }
    options.update(overrides)
    return Worker(**options)
