"""`assistant bench concurrency`: N simultaneous chat streams against a real server process.

Starts `assistant serve` on a throwaway deployment (SQLite unless --database-url, the machine's
Redis on a database number of its own, rate limits off, the shipped command model, a GGUF on
llama.cpp), then N clients hold chat streams open one after another, commands and free chat
mixed (load.py), for a warm-up and then --duration seconds. Reports streams completed, errors,
lost streams, TTFT percentiles and the server's memory (RSS) at the start and end of the
measured part. Target (issue #23): 64 streams for 60 s, no error, no lost stream, end RSS
within 10% of start.

Run: assistant bench concurrency -- --model M.gguf [--streams 64] [--duration 60] [--out DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import deploy, env, plots, progress
from benchmarks.common.report import Column, Plot, Report
from benchmarks.common.stats import summarize
from benchmarks.concurrency.load import StreamRecord, run_load
from benchmarks.concurrency.memory import Sampler
from benchmarks.concurrency.seed import seed

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DEFAULT_REDIS = "redis://127.0.0.1:6379/11"
MEMORY_TOLERANCE = 0.10
MB = 1024 * 1024


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="assistant bench concurrency", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--model", type=Path, required=True, help="GGUF the server loads")
    parser.add_argument("--streams", type=int, default=64, help="simultaneous streams")
    parser.add_argument("--duration", type=float, default=60.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=10.0, help="unmeasured seconds first")
    parser.add_argument("--users", type=int, default=8, help="staff accounts the streams share")
    parser.add_argument("--max-tokens", type=int, default=64, help="reply length limit")
    parser.add_argument("--threads", type=int, default=None, help="llama.cpp threads")
    parser.add_argument(
        "--nlu-dir",
        type=Path,
        default=ROOT / "models" / "nlu" / "model",
        help="command model (default: the shipped one)",
    )
    parser.add_argument(
        "--stream-timeout",
        type=float,
        default=300.0,
        help="a stream not ended after this many seconds is lost",
    )
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
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    if not args.model.is_file():
        parser.error(f"--model: no such file {args.model}")
    if not (args.nlu_dir / "config.cfg").is_file():
        parser.error(f"--nlu-dir: no command model at {args.nlu_dir}")
    if args.streams < 1 or args.users < 1 or args.duration <= 0 or args.warmup < 0:
        parser.error("--streams and --users at least 1, --duration above 0, --warmup 0 or more")
    return args


def server_settings(args: argparse.Namespace) -> dict[str, str]:
    """ASSISTANT_* for the server (lower-case names, as Settings.child_env takes them)."""
    found = {
        "engine": "llamacpp",
        "model": str(args.model),
        "nlu_model_dir": str(args.nlu_dir),
        "llm_max_tokens": str(args.max_tokens),
        "rate_chat_per_minute": "0",
        "rate_v1_per_minute": "0",
        "rate_streams": "0",
    }
    if args.threads:
        found["llm_n_threads"] = str(args.threads)
    return found


class Phase:
    """One load phase with a live bar: time elapsed, and the streams' outcomes so far."""

    def __init__(self, bar: Any, name: str, seconds: float) -> None:
        self.bar, self.name, self.seconds = bar, name, seconds
        self.records: list[StreamRecord] = []
        self.counts: Counter[str] = Counter()

    def record(self, item: StreamRecord) -> None:
        self.records.append(item)
        self.counts[item.status] += 1
        self._describe()

    def _describe(self) -> None:
        c = self.counts
        self.bar.describe(f"{self.name}: {c['done']} done, {c['error']} errors, {c['lost']} lost")

    async def run(self, url: str, tokens: list[str], args: argparse.Namespace) -> float:
        self.bar.restart(self.seconds, self.name)
        self._describe()
        load = asyncio.ensure_future(
            run_load(url, tokens, args.streams, self.seconds, args.stream_timeout, self.record)
        )
        started, shown = time.perf_counter(), 0
        while not load.done():
            await asyncio.wait({load}, timeout=1)
            elapsed = int(min(self.seconds, time.perf_counter() - started))
            self.bar.advance(elapsed - shown)
            shown = elapsed
        return load.result()


def measure(args: argparse.Namespace, dep: deploy.Deployment, bar: Any) -> dict[str, Any]:
    tokens = asyncio.run(seed(dep.database_url, dep.work / "keys.json", args.users))
    port = deploy.free_port()
    url = f"http://127.0.0.1:{port}"
    bar.describe("starting the server")
    server = deploy.start(
        ["-m", "assistant", "serve", "--port", str(port)], dep.env(), dep.work / "server.log"
    )
    try:
        deploy.wait_until(deploy.http_ready(f"{url}/readyz"), [server], timeout=300)
        with Sampler(server.pid) as memory:
            idle = memory.now()
            if args.warmup:
                asyncio.run(Phase(bar, "warm-up", args.warmup).run(url, tokens, args))
            start = memory.now()
            started_at = memory.samples[-1][0]
            phase = Phase(bar, f"{args.streams} streams", args.duration)
            elapsed = asyncio.run(phase.run(url, tokens, args))
            end = memory.now()
        alive = server.popen.poll() is None
    finally:
        server.stop()
        args.out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(server.log, args.out / "concurrency_server.log")
    return {
        "records": phase.records,
        "elapsed": elapsed,
        "rss": {"idle": idle, "start": start, "end": end},
        "samples": [(t - started_at, b) for t, b in memory.samples],
        "server_alive": alive,
        "server_log": server.output() if not alive else "",
    }


def stream_metrics(records: list[StreamRecord], elapsed: float) -> dict[str, Any]:
    done = [r for r in records if r.status == "done"]
    failures = Counter(f"{r.status}: {r.error}" for r in records if r.status != "done")
    return {
        "streams": len(records),
        "completed": len(done),
        "errors": sum(r.status == "error" for r in records),
        "lost": sum(r.status == "lost" for r in records),
        "streams_per_s": len(done) / elapsed if elapsed > 0 else None,
        "ttft_ms": summarize([r.ttft_s for r in done if r.ttft_s is not None], 1000),
        "first_event_ms": summarize([r.first_event_s for r in done if r.first_event_s], 1000),
        "stream_ms": summarize([r.duration_s for r in done], 1000),
        "failures": dict(failures),
    }


def second_half_growth(samples: list[tuple[float, int]], end: int) -> float | None:
    """End RSS against RSS halfway through the measured part: a leak grows in both halves, a
    one-time allocation (a first long prompt, a new thread arena) shows in one only."""
    measured = [(t, b) for t, b in samples if t >= 0]
    if len(measured) < 2:
        return None
    middle = measured[-1][0] / 2
    halfway = min(measured, key=lambda s: abs(s[0] - middle))[1]
    return end / halfway - 1


def build_report(args: argparse.Namespace, found: dict[str, Any]) -> Report:
    records: list[StreamRecord] = found["records"]
    rss = found["rss"]
    growth = rss["end"] / rss["start"] - 1
    overall = stream_metrics(records, found["elapsed"])
    overall.update(
        rss_idle_mb=rss["idle"] / MB,
        rss_start_mb=rss["start"] / MB,
        rss_end_mb=rss["end"] / MB,
        rss_peak_mb=max(b for _, b in found["samples"]) / MB,
        rss_growth=growth,
        rss_growth_second_half=second_half_growth(found["samples"], rss["end"]),
        memory_flat=abs(growth) <= MEMORY_TOLERANCE,
        server_alive=found["server_alive"],
    )
    overall["target_met"] = (
        overall["errors"] == 0
        and overall["lost"] == 0
        and overall["memory_flat"]
        and found["server_alive"]
    )
    settings = {
        **server_settings(args),
        "database": args.database_url or "sqlite (new file)",
        "redis": args.redis_url,
    }
    report = Report(
        "concurrency",
        f"Concurrency: {args.streams} chat streams for {args.duration:g} s (/api/chat)",
        env.capture(engine="llamacpp", model=args.model, settings=settings),
        parameters={
            "streams": args.streams,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "users": args.users,
            "max_tokens": args.max_tokens,
            "mix": "commands and free chat, alternating (benchmarks/concurrency/load.py)",
            "target": "no error, no lost stream, end RSS within 10% of start",
        },
        columns=[
            Column("run", "label"),
            Column("streams", "streams", "{:d}"),
            Column("completed", "completed", "{:d}"),
            Column("errors", "errors", "{:d}"),
            Column("lost", "lost", "{:d}"),
            Column("TTFT p50 ms", "ttft_ms.p50", "{:.0f}"),
            Column("TTFT p90 ms", "ttft_ms.p90", "{:.0f}"),
            Column("TTFT p99 ms", "ttft_ms.p99", "{:.0f}"),
            Column("RSS start MB", "rss_start_mb", "{:.0f}"),
            Column("RSS end MB", "rss_end_mb", "{:.0f}"),
            Column("target met", "target_met"),
        ],
    )
    report.add("all", params={"kind": "all"}, metrics=overall)
    for kind in ("command", "chat"):
        subset = [r for r in records if r.kind == kind]
        if subset:
            report.add(
                kind, params={"kind": kind}, metrics=stream_metrics(subset, found["elapsed"])
            )
    report.notes.append(
        f"RSS of the server process: {rss['idle'] / MB:.0f} MB idle, {rss['start'] / MB:.0f} MB "
        f"after warm-up, {rss['end'] / MB:.0f} MB at the end ({100 * growth:+.1f}%)."
    )
    if overall["failures"]:
        report.notes.append(
            "Failures: " + ", ".join(f"{k} x{v}" for k, v in overall["failures"].items())
        )
    if not found["server_alive"]:
        report.notes.append("The server exited during the run: " + found["server_log"][-500:])
    return report


def charts(report: Report, found: dict[str, Any]) -> list[Plot]:
    samples = [(t, b / MB) for t, b in found["samples"]]
    records: list[StreamRecord] = found["records"]
    ttft = {
        kind: [1000 * r.ttft_s for r in records if r.kind == kind and r.ttft_s is not None]
        for kind in ("command", "chat")
    }
    render_rss: Callable[[Path], None] = lambda p: plots.lines(  # noqa: E731
        p, "Server RSS (0 s: measured part starts)", "s", "MB", {"RSS": samples}
    )
    render_ttft: Callable[[Path], None] = lambda p: plots.cdf(  # noqa: E731
        p, "TTFT of completed streams", "ms", ttft
    )
    return [Plot("concurrency_rss.png", render_rss), Plot("concurrency_ttft.png", render_ttft)]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with (
        deploy.deployment(args.redis_url, args.database_url, **server_settings(args)) as dep,
        progress.live(args.duration, "setting up") as bar,
    ):
        found = measure(args, dep, bar)
    report = build_report(args, found)
    report.print()
    paths = report.write(args.out, plots=charts(report, found))
    print(f"wrote {paths['json']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
