"""The arq worker: its runtime, the job runner and the periodic jobs (approvals expiring,
events purged, ...). A process entry point like the app factory, so it lives outside the
packages whose jobs it runs."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from functools import partial
from typing import Any

from arq.connections import RedisSettings
from arq.cron import cron
from arq.worker import Retry, Worker
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from assistant.actions.confirm import expire_due as expire_actions
from assistant.approvals.decide import expire_due
from assistant.crm.known_values import ScrubberFeed
from assistant.jobs import housekeeping
from assistant.jobs.queue import reconcile
from assistant.jobs.registry import JobKinds
from assistant.jobs.runner import ClaimFailed, run_job
from assistant.ops.listener import metrics_listener
from assistant.privacy.scrubber import Scrubber
from assistant.procedures.executor import Executor
from assistant.procedures.ledger import purge_expired
from assistant.procedures.registry import Registry
from assistant.queue.rows import RUN_JOB
from assistant.queue.serializer import ARQ_OPTIONS
from assistant.runtime import Runtime, restart_retry
from assistant.settings import Settings

logger = logging.getLogger(__name__)
OUTAGE_PAUSE_SECONDS = 0.5
CLAIM_RETRY_SECONDS = 1.0


class QueueWorker(Worker):
    """arq's worker, outliving a Redis outage: a poll (or a job's bookkeeping, which arq
    raises from the poll loop) that finds Redis unreachable is logged and tried again a
    moment later instead of ending the process. The job rows stay the truth: a job whose
    arq bookkeeping was lost is found by the reconciler and never runs twice (its lease)."""

    async def _poll_iteration(self) -> None:
        try:
            await super()._poll_iteration()
        except (RedisConnectionError, RedisTimeoutError) as exc:
            logger.warning("queue unreachable (%s); polling again shortly", type(exc).__name__)
            await asyncio.sleep(OUTAGE_PAUSE_SECONDS)


def redis_settings(url: str) -> RedisSettings:
    return dataclasses.replace(RedisSettings.from_dsn(url), **restart_retry(attempts=20))


async def _run_job(ctx: dict[str, Any], job_id: int) -> str:
    try:
        return await run_job(
            ctx["runtime"], ctx["executor"], ctx["kinds"], job_id, ctx.get("engine")
        )
    except ClaimFailed as exc:  # the same entry again shortly, not a failed attempt
        logger.warning("job %s not claimed (%s); trying again shortly", job_id, exc)
        raise Retry(defer=CLAIM_RETRY_SECONDS) from None


async def _reconcile(ctx: dict[str, Any]) -> int:
    return len(await reconcile(ctx["runtime"]))


async def _expire_approvals(ctx: dict[str, Any]) -> int:
    """Approvals and unconfirmed calls past their deadline."""
    return await expire_due(ctx["runtime"]) + await expire_actions(ctx["runtime"])


async def _purge_undo(ctx: dict[str, Any]) -> int:
    """What undo kept goes when its window closes."""
    runtime: Runtime = ctx["runtime"]
    async with runtime.sessions() as session, session.begin():
        return await purge_expired(session, runtime.clock.now())


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
        from assistant.remote.setup import with_remote

        runtime = Runtime.create(settings)
        ctx["runtime"] = runtime
        ctx["executor"] = Executor(runtime, registry)
        ctx["kinds"] = kinds
        engine = with_remote(
            build_engine(settings), runtime, feed=partial(ScrubberFeed, runtime.sessions)
        )
        if engine is not None:
            await engine.start()
        ctx["engine"] = engine
        if engine is not None:
            runtime.metrics.watch_engine(engine)
        ctx["listener"] = contextlib.AsyncExitStack()
        await ctx["listener"].enter_async_context(
            metrics_listener(settings.metrics.worker_address, runtime.metrics, runtime.readers)
        )
        if scrubber is not None:
            every = settings.log.known_values_refresh_seconds
            feed = ScrubberFeed(runtime.readers, scrubber)
            ctx["refresh"] = asyncio.create_task(feed.keep_fresh(every))
        revived = await reconcile(runtime)
        logger.info("worker started; %d jobs re-enqueued", len(revived))

    async def shutdown(ctx: dict[str, Any]) -> None:
        listener: contextlib.AsyncExitStack | None = ctx.get("listener")
        if listener is not None:
            await listener.aclose()
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
            cron(
                _reconcile,
                second=set(range(0, 60, settings.jobs.reconcile_every_seconds)),
                run_at_startup=False,
                unique=True,
            ),
            cron(_expire_approvals, second={15}, unique=True),
            cron(_purge_events, minute={5, 35}, second={0}, unique=True),
            cron(_purge_undo, second={45}, unique=True),
            cron(housekeeping.purge_expired_sessions, minute={0, 30}, second={0}, unique=True),
        ],
        "redis_settings": redis_settings(settings.redis.url),
        "queue_name": settings.jobs.queue,
        "poll_delay": settings.jobs.poll_seconds,
        "on_startup": startup,
        "on_shutdown": shutdown,
        "handle_signals": True,
        # SIGTERM: take no new job, let running ones finish this long, then cancel them (the
        # runner releases their leases and arq puts them back for another worker).
        "job_completion_wait": settings.jobs.drain_seconds,
        "max_tries": 1_000,  # retries are ours (attempts and backoff in the jobs table)
        "job_timeout": 3600,
        **ARQ_OPTIONS,  # JSON both ways: a pickle in the queue is refused, never loaded
    }
    options.update(overrides)
    return QueueWorker(**options)


def _named(name: str, fn: Any) -> Any:
    from arq.worker import func

    return func(fn, name=name)
