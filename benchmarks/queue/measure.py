"""Jobs through the project's queue, timed: `enqueue` (a row, then its id on arq) in this
process, real worker processes running them (benchmarks/queue/worker.py).

Each job carries the wall-clock time it was enqueued; its handler returns the time it
started; the row's last update is when the runner finished it. All three clocks are this
machine's. Two modes: `single` enqueues one job at a random moment and waits for it (an idle
queue's latency),
`burst` enqueues all jobs at once (throughput, and latency under a backlog).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, func, select

from assistant.db.models import Job
from assistant.jobs.queue import enqueue
from assistant.runtime import Runtime

MODES = ("single", "burst")
FINAL = ("succeeded", "failed", "cancelled")


@dataclass(frozen=True, slots=True)
class JobTiming:
    enqueued: float
    enqueue_s: float  # how long the enqueue call took
    started: float | None
    finished: float
    status: str

    @property
    def wait_s(self) -> float | None:
        return None if self.started is None else self.started - self.enqueued


def _epoch(moment: datetime) -> float:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


async def _add(runtime: Runtime, kind: str, io_ms: float) -> tuple[int, float]:
    enqueued = time.time()
    params = {"enqueued_at": enqueued, "io_ms": io_ms}
    job = await enqueue(runtime, kind=kind, user_id=None, params=params)
    assert job.id is not None
    return job.id, time.time() - enqueued


async def _settled(runtime: Runtime, ids: Sequence[int]) -> int:
    async with runtime.sessions() as session:
        query = select(func.count()).where(col(Job.id).in_(ids), col(Job.status).in_(FINAL))
        return int((await session.exec(query)).one())


async def _wait(
    runtime: Runtime, ids: Sequence[int], patience: float, tick: Callable[[int], None]
) -> None:
    deadline = time.monotonic() + patience
    seen = 0
    while True:
        done = await _settled(runtime, ids)
        tick(done - seen)
        seen = done
        if done == len(ids):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"{len(ids) - done} of {len(ids)} jobs unfinished after {patience} s"
            )
        await asyncio.sleep(0.01)


async def _timings(
    runtime: Runtime, ids: Sequence[int], enqueue_s: dict[int, float]
) -> list[JobTiming]:
    async with runtime.sessions() as session:
        rows = (await session.exec(select(Job).where(col(Job.id).in_(ids)))).all()
    out = []
    for job in rows:
        assert job.id is not None
        started = (job.result or {}).get("started")
        out.append(
            JobTiming(
                float(job.params["enqueued_at"]),
                enqueue_s[job.id],
                float(started) if started is not None else None,
                _epoch(job.updated_at),
                job.status,
            )
        )
    return out


async def run_mode(
    runtime: Runtime,
    mode: str,
    kind: str,
    jobs: int,
    io_ms: float,
    patience: float,
    pause: float = 0.5,
    tick: Callable[[int], None] = lambda _: None,
) -> list[JobTiming]:
    enqueue_s: dict[int, float] = {}
    ids: list[int] = []
    arrivals = random.Random(0)
    for _ in range(jobs):
        if mode == "single":  # arrivals at random, not in step with the workers' polling
            await asyncio.sleep(arrivals.uniform(0, pause))
        job_id, took = await _add(runtime, kind, io_ms)
        ids.append(job_id)
        enqueue_s[job_id] = took
        if mode == "single":
            await _wait(runtime, [job_id], patience, tick)
    if mode == "burst":
        await _wait(runtime, ids, patience, tick)
    return await _timings(runtime, ids, enqueue_s)


def metrics(timings: Sequence[JobTiming], summarize: Callable[..., Any]) -> dict[str, Any]:
    waits = [t.wait_s for t in timings if t.wait_s is not None]
    span = max(t.finished for t in timings) - min(t.enqueued for t in timings)
    failed = sum(t.status != "succeeded" for t in timings)
    return {
        "jobs": len(timings),
        "failed": failed,
        "enqueue_to_start_ms": summarize(waits, 1000),
        "enqueue_call_ms": summarize([t.enqueue_s for t in timings], 1000),
        "duration_s": span,
        "jobs_per_s": len(timings) / span if span > 0 else None,
    }
