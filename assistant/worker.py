"""The arq worker: its runtime, the job runner and the periodic jobs (approvals expiring,
events purged, ...). A process entry point like the app factory, so it lives outside the
packages whose jobs it runs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from arq.connections import RedisSettings
from arq.cron import cron
from arq.worker import Worker

from assistant.approvals.decide import expire_due
from assistant.crm.known_values import keep_known_values_fresh
from assistant.jobs import housekeeping
from assistant.jobs.queue import reconcile
from assistant.jobs.registry import JobKinds
from assistant.jobs.runner import run_job
from assistant.privacy.scrubber import Scrubber
from assistant.procedures.executor import Executor
from assistant.procedures.registry import Registry
from assistant.queue.rows import RUN_JOB
from assistant.queue.serializer import ARQ_OPTIONS
from assistant.runtime import Runtime
from assistant.settings import Settings

logger = logging.getLogger(__name__)


def redis_settings(url: str) -> RedisSettings:
    return RedisSettings.from_dsn(url)


async def _run_job(ctx: dict[str, Any], job_id: int) -> str:
    return await run_job(ctx["runtime"], ctx["executor"], ctx["kinds"], job_id, ctx.get("engine"))


async def _reconcile(ctx: dict[str, Any]) -> int:
    return len(await reconcile(ctx["runtime"]))


async def _expire_approvals(ctx: dict[str, Any]) -> int:
    return await expire_due(ctx["runtime"])


async def _purge_events(ctx: dict[str, Any]) -> int:
    runtime: Runtime = ctx["runtime"]
    return await runtime.bus.purge()


def build_worker(
    settings: Settings,
    registry: Registry,
    kinds: JobKinds,
    scrubber: Scrubber | None = None,
    **overrides: Any,
) -> Worker:
    """A worker bound to these settings and the composed registries (assistant/compose.py);
    `assistant worker` runs it, tests drive it in-process."""
    assert settings.redis.url, "the worker needs ASSISTANT_REDIS_URL"

    async def startup(ctx: dict[str, Any]) -> None:
        from assistant.llm import build_engine

        runtime = Runtime.create(settings)
        ctx["runtime"] = runtime
        ctx["executor"] = Executor(runtime, registry)
        ctx["kinds"] = kinds
        engine = build_engine(settings)
        if engine is not None:
            await engine.start()
        ctx["engine"] = engine
        if scrubber is not None:
            every = settings.log.known_values_refresh_seconds
            ctx["refresh"] = asyncio.create_task(
                keep_known_values_fresh(runtime.sessions, scrubber, every)
            )
        revived = await reconcile(runtime)
        logger.info("worker started; %d jobs re-enqueued", len(revived))

    async def shutdown(ctx: dict[str, Any]) -> None:
        refresh: asyncio.Task[None] | None = ctx.get("refresh")
        if refresh is not None:
            refresh.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await refresh
        if ctx.get("engine") is not None:
            await ctx["engine"].close()
        runtime: Runtime | None = ctx.get("runtime")
        if runtime is not None:
            await runtime.close()

    options: dict[str, Any] = {
        "functions": [_named(RUN_JOB, _run_job)],
        "cron_jobs": [
            cron(_reconcile, second={0, 30}, run_at_startup=False, unique=True),
            cron(_expire_approvals, second={15}, unique=True),
            cron(_purge_events, minute={5, 35}, second={0}, unique=True),
            cron(housekeeping.purge_expired_sessions, minute={0, 30}, second={0}, unique=True),
        ],
        "redis_settings": redis_settings(settings.redis.url),
        "queue_name": settings.jobs.queue,
        "on_startup": startup,
        "on_shutdown": shutdown,
        "handle_signals": True,
        "max_tries": 1_000,  # retries are ours (attempts and backoff in the jobs table)
        "job_timeout": 3600,
        **ARQ_OPTIONS,  # JSON both ways: a pickle in the queue is refused, never loaded
    }
    options.update(overrides)
    return Worker(**options)


def _named(name: str, fn: Any) -> Any:
    from arq.worker import func

    return func(fn, name=name)
