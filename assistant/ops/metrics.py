"""What the app and the worker export to Prometheus: one `Metrics` per process, built with
its `Runtime` (no module-level registry), so tests and several apps in one process never
share counters.

Three kinds of figure:
- observed where they happen (HTTP latency, chat timings and tokens, job durations);
- sampled when scraped from the process's own objects (engine queue, log pipeline);
- counted in the database when scraped (jobs by kind and status, approvals pending), by
  `Metrics.sample`, the one async step before `render`.

Labels carry ids and names of code (routes, engines, job kinds, hosted providers), never
personal data.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
PREFIX = "assistant_"
# Seconds: a classifier-only reply takes milliseconds, a CPU model's first token seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
PER_TOKEN_BUCKETS = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1)
RATE_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
JOB_BUCKETS = (0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600)
JOB_STATUSES = ("queued", "running", "failed")
# The families whose names carry a suffix per sample, as the text format writes them.
SUFFIXES = {
    "counter": ("_total",),
    "histogram": ("_bucket", "_sum", "_count"),
    "gauge": ("",),
}


class Metrics:
    """One process's metrics and their registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.http_latency = Histogram(
            PREFIX + "http_request_duration_seconds",
            "HTTP request latency by route template, method and status code.",
            ("route", "method", "status"),
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.chat_first_event = Histogram(
            PREFIX + "chat_time_to_first_event_seconds",
            "From a chat turn's start to its first event after turn.start, by engine.",
            ("engine",),
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.chat_time_per_token = Histogram(
            PREFIX + "chat_time_per_token_seconds",
            "Mean time between generated tokens after the first, per reply, by engine.",
            ("engine",),
            buckets=PER_TOKEN_BUCKETS,
            registry=r,
        )
        self.chat_tokens_per_second = Histogram(
            PREFIX + "chat_tokens_per_second",
            "Generated tokens per second of generation, per reply, by engine.",
            ("engine",),
            buckets=RATE_BUCKETS,
            registry=r,
        )
        self.chat_tokens = Counter(
            PREFIX + "chat_completion_tokens",
            "Tokens generated for chat replies, by engine.",
            ("engine",),
            registry=r,
        )
        self.active_streams = Gauge(
            PREFIX + "active_streams",
            "Open server-sent event streams: chat turns and event subscriptions.",
            ("kind",),
            registry=r,
        )
        self.job_duration = Histogram(
            PREFIX + "job_duration_seconds",
            "How long a job attempt ran, by kind and the status it ended in.",
            ("kind", "status"),
            buckets=JOB_BUCKETS,
            registry=r,
        )
        self.jobs = Gauge(
            PREFIX + "jobs",
            "Jobs in the database by kind and status (queued, running, failed).",
            ("kind", "status"),
            registry=r,
        )
        self.approvals_pending = Gauge(
            PREFIX + "approvals_pending", "Approval requests waiting for a decision.", registry=r
        )
        self.hosted_calls = Counter(
            PREFIX + "hosted_calls",
            "Requests to hosted model providers, by provider and outcome (ok: it answered; "
            "retryable or refused: it failed with or without a retry; mid_reply: it stopped "
            "answering; circuit_open: not tried).",
            ("provider", "outcome"),
            registry=r,
        )
        self.hosted_tokens = Counter(
            PREFIX + "hosted_tokens",
            "Tokens sent to (prompt) and received from (completion) hosted providers.",
            ("provider", "direction"),
            registry=r,
        )
        self.sampled = _Sampled()
        r.register(self.sampled)
        for kind in ("chat", "events"):
            self.active_streams.labels(kind)  # both series exist from the start

    def watch_engine(self, engine: Any) -> None:
        """Report this engine's queue (requests waiting for a slot) when scraped."""
        self.sampled.engines.append(engine)

    def observe_generation(
        self, engine: str, first_token: float | None, generation: float, tokens: int
    ) -> None:
        """One reply's generation: seconds to its first token and in all, tokens made."""
        if tokens <= 0 or generation <= 0:
            return
        self.chat_tokens.labels(engine).inc(tokens)
        self.chat_tokens_per_second.labels(engine).observe(tokens / generation)
        if first_token is not None and tokens > 1:
            per_token = max(generation - first_token, 0.0) / (tokens - 1)
            self.chat_time_per_token.labels(engine).observe(per_token)

    def hosted_call(self, provider: str, outcome: str) -> None:
        self.hosted_calls.labels(provider, outcome).inc()

    def hosted_usage(self, provider: str, prompt_tokens: int, completion_tokens: int) -> None:
        self.hosted_tokens.labels(provider, "prompt").inc(max(prompt_tokens, 0))
        self.hosted_tokens.labels(provider, "completion").inc(max(completion_tokens, 0))

    async def sample(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        """Count what lives in the database: jobs by kind and status, pending approvals."""
        from assistant.db.models import Approval, Job

        async with sessions() as session:
            rows = (
                await session.exec(
                    select(Job.kind, Job.status, func.count())
                    .where(col(Job.status).in_(JOB_STATUSES))
                    .group_by(col(Job.kind), col(Job.status))
                )
            ).all()
            pending = (
                await session.exec(
                    select(func.count()).select_from(Approval).where(Approval.status == "pending")
                )
            ).one()
        self.jobs.clear()
        for kind, status, count in rows:
            self.jobs.labels(kind, status).set(count)
        self.approvals_pending.set(pending)

    def render(self) -> bytes:
        return generate_latest(self.registry)


def exported_names(registry: CollectorRegistry) -> set[str]:
    """Every series name the registry can export, samples or not yet (for dashboards)."""
    names: set[str] = set()
    for family in registry.collect():
        for suffix in SUFFIXES.get(family.type, ("",)):
            names.add(family.name + suffix)
    return names


class _Sampled(Collector):
    """Figures read from live objects at scrape time: engine queues and the log pipeline."""

    def __init__(self) -> None:
        self.engines: list[Any] = []

    def describe(self) -> Iterable[Metric]:
        return list(self._families())

    def collect(self) -> Iterable[Metric]:
        return list(self._families(sampling=True))

    def _families(self, sampling: bool = False) -> Iterator[Metric]:
        queue = GaugeMetricFamily(
            PREFIX + "engine_queue_depth",
            "Generation requests waiting for a free engine slot.",
            labels=("engine",),
        )
        depth = GaugeMetricFamily(
            PREFIX + "log_scrubber_queue_depth",
            "Log records waiting to be scrubbed and written.",
        )
        dropped = CounterMetricFamily(
            PREFIX + "log_records_dropped",
            "Log records dropped (queue full or pipeline closed): never written raw.",
        )
        if sampling:
            for engine in self.engines:
                waiting = _waiting(engine)
                if waiting is not None:
                    queue.add_metric((str(getattr(engine, "name", "engine")),), waiting)
            handler = _log_pipeline()
            depth.add_metric((), handler.records.qsize() if handler is not None else 0)
            dropped.add_metric((), handler.stats.dropped if handler is not None else 0)
        yield from (queue, depth, dropped)


def _waiting(engine: Any) -> int | None:
    """Requests queued for a slot, for engines with a slot pool (llama.cpp, hf, scripted);
    None for one not started or without a pool of its own."""
    from inference.base import EngineUnavailable

    if not isinstance(getattr(type(engine), "pool", None), property):
        return None
    try:
        return int(engine.pool.waiting)
    except EngineUnavailable:
        return None


def _log_pipeline() -> Any:
    """The scrubbed log pipeline's handler on the root logger, if this process has one."""
    from assistant.privacy.log_pipeline import QueueingHandler

    for handler in logging.getLogger().handlers:
        if isinstance(handler, QueueingHandler) and not handler.closed:
            return handler
    return None
