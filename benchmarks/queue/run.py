"""`assistant bench queue`: enqueue-to-start latency and jobs per second on the machine's Redis.

The project's own path: `assistant.jobs.queue.enqueue` (a job row, its id on arq) and real
worker processes built by `assistant.worker.build_worker`, with 1 and 4 workers, for a no-op
job and an I/O-bound one (it awaits --io-ms, as an enricher or SMTP call would). Redis: a
database number of its own (--redis-url) and a fresh queue name; only its own keys are deleted.

Run: assistant bench queue -- [--workers 1,4] [--jobs 200] [--io-ms 50] [--out DIR]
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from benchmarks.common import deploy, env, plots, progress
from benchmarks.common.report import Column, Plot, Report
from benchmarks.common.stats import summarize
from benchmarks.queue import measure
from benchmarks.queue.worker import IO, NOOP

HERE = Path(__file__).resolve().parent
KINDS = {"noop": NOOP, "io": IO}
DEFAULT_REDIS = "redis://127.0.0.1:6379/12"


def _ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="assistant bench queue", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--workers", default="1,4", help="worker process counts, e.g. 1,4")
    parser.add_argument("--kinds", default="noop,io", help="noop, io")
    parser.add_argument("--modes", default=",".join(measure.MODES), help="single, burst")
    parser.add_argument("--jobs", type=int, default=200, help="jobs per burst")
    parser.add_argument("--single-jobs", type=int, default=20, help="jobs one at a time")
    parser.add_argument(
        "--pause", type=float, default=0.5, help="single mode: random pause before a job, up to"
    )
    parser.add_argument("--io-ms", type=float, default=50.0, help="the I/O-bound job's wait")
    parser.add_argument(
        "--redis-url",
        default=DEFAULT_REDIS,
        help="Redis, on a database number nothing else uses (never flushed)",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="an existing database (PostgreSQL); default: a new SQLite file",
    )
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per measurement")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    try:
        args.workers = _ints(args.workers)
    except ValueError:
        parser.error("--workers: comma-separated whole numbers, e.g. 1,4")
    if not args.workers or min(args.workers) < 1:
        parser.error("--workers: at least one worker")
    args.kinds = [k for k in args.kinds.split(",") if k]
    args.modes = [m for m in args.modes.split(",") if m]
    if not args.kinds or set(args.kinds) - set(KINDS):
        parser.error(f"--kinds: choose from {', '.join(KINDS)}")
    if not args.modes or set(args.modes) - set(measure.MODES):
        parser.error(f"--modes: choose from {', '.join(measure.MODES)}")
    if args.jobs < 1 or args.single_jobs < 1:
        parser.error("--jobs and --single-jobs must be at least 1")
    return args


def _jobs(args: argparse.Namespace, mode: str) -> int:
    return int(args.jobs if mode == "burst" else args.single_jobs)


async def _measure(
    dep: deploy.Deployment, args: argparse.Namespace, workers: int, report: Report, bar: Any
) -> None:
    from assistant.runtime import Runtime

    runtime = Runtime.create(dep.settings())
    try:
        for kind in args.kinds:
            for mode in args.modes:
                bar.describe(f"{workers} worker(s), {kind}, {mode}")
                jobs = _jobs(args, mode)
                timings = await measure.run_mode(
                    runtime,
                    mode,
                    KINDS[kind],
                    jobs,
                    args.io_ms,
                    args.timeout,
                    args.pause,
                    bar.advance,
                )
                report.add(
                    f"{kind} {mode} w={workers}",
                    params={"kind": kind, "mode": mode, "workers": workers},
                    metrics=measure.metrics(timings, summarize),
                )
    finally:
        await runtime.close()


def run(args: argparse.Namespace, report: Report) -> None:
    total = sum(_jobs(args, m) for m in args.modes) * len(args.kinds) * len(args.workers)
    with (
        deploy.deployment(args.redis_url, args.database_url, engine="none") as dep,
        progress.live(total, "queue") as bar,
    ):
        for workers in args.workers:
            bar.describe(f"starting {workers} worker(s)")
            ready = [dep.work / f"worker-{workers}-{i}.ready" for i in range(workers)]
            script = str(HERE / "worker.py")
            procs = [
                deploy.start([script, str(path)], dep.env(), dep.work / f"{path.stem}.log")
                for path in ready
            ]
            try:
                deploy.wait_until(deploy.ready_files(ready), procs, timeout=180)
                asyncio.run(_measure(dep, args, workers, report, bar))
            finally:
                for proc in procs:
                    proc.stop()


def deploy_settings() -> Any:
    from assistant.settings import get_settings

    return get_settings()


def new_report(args: argparse.Namespace) -> Report:
    from sqlalchemy.engine import make_url

    database = make_url(args.database_url).get_backend_name() if args.database_url else "sqlite"
    return Report(
        "queue",
        "Queue: enqueue-to-start latency and jobs per second (arq workers)",
        env.capture(engine=None, settings={"database": database, "redis": args.redis_url}),
        parameters={
            "workers": args.workers,
            "kinds": args.kinds,
            "modes": args.modes,
            "burst_jobs": args.jobs,
            "single_jobs": args.single_jobs,
            "io_ms": args.io_ms,
            "single_pause_s": args.pause,
            "database": database,
            "poll_seconds": deploy_settings().jobs.poll_seconds,
        },
        columns=[
            Column("run", "label"),
            Column("jobs", "jobs", "{:d}"),
            Column("failed", "failed", "{:d}"),
            Column("start p50 ms", "enqueue_to_start_ms.p50"),
            Column("start p90 ms", "enqueue_to_start_ms.p90"),
            Column("start p99 ms", "enqueue_to_start_ms.p99"),
            Column("enqueue p50 ms", "enqueue_call_ms.p50"),
            Column("jobs/s", "jobs_per_s"),
        ],
        notes=[
            "Start: from the enqueue call to the job's handler starting (row claimed). "
            "single: one job at a time on an idle queue; burst: all enqueued at once, jobs/s "
            "from the first enqueue to the last job finished."
        ],
    )


def charts(report: Report) -> list[Plot]:
    bursts = [r for r in report.results if r.params["mode"] == "burst"]
    throughput: dict[str, dict[str, float | None]] = {}
    for r in bursts:
        throughput.setdefault(f"{r.params['workers']} worker(s)", {})[r.params["kind"]] = r.metrics[
            "jobs_per_s"
        ]
    latency = {
        r.label: {
            "p50": r.metrics["enqueue_to_start_ms"]["p50"],
            "p90": r.metrics["enqueue_to_start_ms"]["p90"],
        }
        for r in report.results
    }
    out = [Plot("queue_latency.png", lambda p: plots.bars(p, "Enqueue to start", "ms", latency))]
    if bursts:
        out.append(
            Plot(
                "queue_throughput.png",
                lambda p: plots.bars(p, "Burst throughput", "jobs/s", throughput),
            )
        )
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    report = new_report(args)
    run(args, report)
    report.print()
    paths = report.write(args.out, plots=charts(report))
    print(f"wrote {paths['json']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
