"""A project worker (assistant.worker.build_worker, as `assistant worker` runs it) that also
knows the benchmark's two job kinds. The queue benchmark starts one process per worker:

    python benchmarks/queue/worker.py READY_FILE     (settings from ASSISTANT_*)

It touches READY_FILE once the worker's own startup (runtime, reconcile) has run.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

from assistant.jobs.registry import JobKinds
from assistant.jobs.runner import JobContext

NOOP = "bench.noop"
IO = "bench.io"
KINDS = (NOOP, IO)


async def noop(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """Nothing but the runner's own work (claim, lease, finish): the queue's floor."""
    return {"started": time.time()}


async def io_bound(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """Waits as a call to an enricher or an SMTP server would, holding no CPU."""
    started = time.time()
    await asyncio.sleep(float(params.get("io_ms", 50)) / 1000)
    return {"started": started}


def with_bench_kinds(kinds: JobKinds) -> JobKinds:
    kinds.register(NOOP)(noop)
    kinds.register(IO)(io_bound)
    return kinds


async def serve(ready: Path) -> None:
    from assistant import compose
    from assistant.settings import get_settings
    from assistant.worker import build_worker

    settings = get_settings()
    worker = build_worker(settings, compose.procedures(), with_bench_kinds(compose.job_kinds()))
    startup = worker.on_startup

    async def started(ctx: dict[str, Any]) -> None:
        if startup is not None:
            await startup(ctx)
        await asyncio.to_thread(ready.touch)

    worker.on_startup = started
    try:
        await worker.async_run()
    except asyncio.CancelledError:
        pass  # SIGTERM: arq cancelled its main task; close below
    finally:
        await worker.close()


if __name__ == "__main__":
    asyncio.run(serve(Path(sys.argv[1])))
