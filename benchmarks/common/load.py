"""How requests reach a target: a fixed number in flight (concurrency) or Poisson arrivals at
a rate (seeded), as `vllm bench serve` offers both. Returns each request's timing and the
run's wall time."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Sequence

from benchmarks.common.stats import RequestTiming
from benchmarks.common.targets import Target
from benchmarks.common.workload import Request


async def at_concurrency(
    target: Target,
    requests: Sequence[Request],
    concurrency: int,
    on_done: Callable[[RequestTiming], None] = lambda _: None,
) -> tuple[list[RequestTiming], float]:
    """`concurrency` workers take the requests in order; each sends its next when one ends."""
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    timings: list[RequestTiming | None] = [None] * len(requests)
    queue = iter(enumerate(requests))

    async def worker() -> None:
        for index, req in queue:
            timing = await target.send(req)
            timings[index] = timing
            on_done(timing)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(min(concurrency, len(requests)))))
    duration = time.perf_counter() - started
    return [t for t in timings if t is not None], duration


async def at_rate(
    target: Target,
    requests: Sequence[Request],
    rate: float,
    seed: int,
    max_concurrency: int | None = None,
    on_done: Callable[[RequestTiming], None] = lambda _: None,
) -> tuple[list[RequestTiming], float]:
    """Requests arrive as a Poisson process of `rate` per second (inf: all at once);
    `max_concurrency` caps how many are in flight (the rest wait, their wait counted)."""
    if rate <= 0:
        raise ValueError("rate must be positive")
    rng = random.Random(seed)
    gate = asyncio.Semaphore(max_concurrency) if max_concurrency else None

    async def one(req: Request) -> RequestTiming:
        if gate is None:
            timing = await target.send(req)
        else:
            queued = time.perf_counter()
            async with gate:
                timing = await target.send(req)
            timing.start = queued  # waiting for a free place is part of the latency
        on_done(timing)
        return timing

    started = time.perf_counter()
    tasks = []
    for i, req in enumerate(requests):
        if i and rate != float("inf"):
            await asyncio.sleep(rng.expovariate(rate))
        tasks.append(asyncio.create_task(one(req)))
    timings = list(await asyncio.gather(*tasks))
    return timings, time.perf_counter() - started
