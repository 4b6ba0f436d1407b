"""`assistant bench serve`: one workload against one backend, at several concurrencies or
request rates; TTFT, TPOT, ITL, end-to-end latency, throughput, goodput and errors.

The backend is any OpenAI-compatible server (`--target http://host:port/v1`: ours, vLLM,
llama_cpp.server, llama-server, Ollama) or an engine in this process (`--target
engine:llamacpp`), so two backends compare on one workload. Prompts are random words of an
exact token length (counted by the engine, or by `--tokenizer` for a URL), seeded, and every
request asks for `--output-len` tokens with the end-of-sequence token ignored.

Run: assistant bench serve -- --target engine:llamacpp --model M.gguf --concurrency 1,4 \
         --requests 32 --prompt-len 256 --output-len 64 --out results/serve
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.common import env, load, plots
from benchmarks.common.progress import live
from benchmarks.common.report import Column, Plot, Report
from benchmarks.common.stats import SLO, RequestTiming, count_errors, serving_metrics
from benchmarks.common.targets import EngineTarget, OpenAITarget, Target
from benchmarks.common.workload import (
    Counter,
    Request,
    WorkloadError,
    dataset_requests,
    engine_counter,
    lengths,
    random_requests,
    tokenizer_counter,
)
from inference.base import InferenceError

COLUMNS = [
    Column("run", "label"),
    Column("ok", "completed", "{:d}"),
    Column("err", "errors", "{:d}"),
    Column("req/s", "request_throughput", "{:.2f}"),
    Column("out tok/s", "output_throughput", "{:.1f}"),
    Column("TTFT p50", "ttft_ms.p50"),
    Column("TTFT p90", "ttft_ms.p90"),
    Column("TTFT p99", "ttft_ms.p99"),
    Column("TPOT p50", "tpot_ms.p50"),
    Column("TPOT p99", "tpot_ms.p99"),
    Column("ITL p50", "itl_ms.p50"),
    Column("ITL p99", "itl_ms.p99"),
    Column("E2EL p50", "e2el_ms.p50"),
    Column("goodput req/s", "goodput", "{:.2f}"),
]


def _ints(text: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: comma-separated integers") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: each at least 1")
    return values


def _rates(text: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: comma-separated numbers or inf") from None
    if not values or min(values) <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: each above 0")
    return values


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="assistant bench serve", description=__doc__.split("\n")[0])
    p.add_argument("--target", required=True, help="http(s)://host:port[/v1] or engine:NAME")
    p.add_argument("--model", help="model name to send (URL) or model path (engine)")
    load_group = p.add_mutually_exclusive_group()
    load_group.add_argument("--concurrency", type=_ints, help="requests in flight, e.g. 1,4,16")
    load_group.add_argument("--rate", type=_rates, help="Poisson arrivals per second, e.g. 1,4,inf")
    p.add_argument("--max-concurrency", type=int, help="cap on requests in flight with --rate")
    p.add_argument("--requests", type=int, default=32, help="measured requests per run")
    p.add_argument("--warmup", type=int, default=1, help="unmeasured requests before each run")
    p.add_argument("--prompt-len", type=int, default=256, help="prompt tokens, template included")
    p.add_argument("--output-len", type=int, default=64, help="tokens each request generates")
    p.add_argument("--dataset", type=Path, help='JSONL: {"prompt": ...} or {"messages": [...]}')
    p.add_argument("--slo", type=SLO.parse, default=SLO(), help="goodput bounds: ttft:MS,tpot:MS")
    p.add_argument("--tokenizer", type=Path, help="GGUF or HF dir counting a URL's tokens")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--temperature", type=float, default=1.0)
    p.add_argument("--no-ignore-eos", dest="ignore_eos", action="store_false",
                   help="let replies end at the end-of-sequence token")  # fmt: skip
    p.add_argument("--api-key", help="Bearer token (ours: assistant tokens create)")
    p.add_argument("--api-key-file", type=Path, help="file holding the Bearer token")
    p.add_argument("--threads", type=int, default=None, help="engine threads (engine target)")
    p.add_argument("--n-ctx", type=int, default=4096, help="context window (engine target)")
    p.add_argument("--parallel", type=int, default=1, help="engine slots (engine target)")
    p.add_argument("--label", help="name of the backend in the table")
    p.add_argument("--out", type=Path, default=Path("bench-results/serve"), help="output dir")
    return p


def build_target(args: argparse.Namespace) -> tuple[Target, Any, dict[str, Any]]:
    """(target, engine or None, settings for the report)."""
    if args.target.startswith("engine:"):
        from inference.config import EngineConfig
        from inference.registry import create_engine

        name = args.target.removeprefix("engine:")
        config = EngineConfig(
            engine=name, model=args.model, n_ctx=args.n_ctx, n_threads=args.threads,
            parallel_slots=args.parallel, max_tokens=args.output_len,
            max_tokens_cap=max(4096, args.output_len),
        )  # fmt: skip
        engine = create_engine(config)
        if engine is None:
            raise WorkloadError(f"--target {args.target}: no such engine")
        settings = {"n_threads": args.threads, "n_ctx": args.n_ctx, "parallel": args.parallel}
        target = EngineTarget(engine, args.temperature, args.ignore_eos)
        if args.label:
            target.name = args.label
        return target, engine, settings
    if not args.target.startswith(("http://", "https://")):
        raise WorkloadError(f"--target {args.target!r}: a URL or engine:NAME")
    key = args.api_key
    if args.api_key_file is not None:
        key = args.api_key_file.read_text().strip()
    model = args.model or "default"
    http = OpenAITarget(args.target, model, key, temperature=args.temperature,
                        ignore_eos=args.ignore_eos, name=args.label)  # fmt: skip
    return http, None, {}


def workload(args: argparse.Namespace, count: Counter | None, n: int) -> list[Request]:
    if args.dataset is not None:
        return dataset_requests(args.dataset, n, args.output_len, args.seed, count)
    return random_requests(n, args.prompt_len, args.output_len, args.seed, count)


async def run_level(
    target: Target, requests: Sequence[Request], warmup: Sequence[Request],
    args: argparse.Namespace, level: int | float, label: str,
) -> tuple[list[RequestTiming], float]:  # fmt: skip
    concurrency = int(level) if args.rate is None else (args.max_concurrency or len(requests))
    for req in warmup:
        await target.send(req)
    with live(len(requests), label) as bar:
        if args.rate is None:
            return await load.at_concurrency(target, requests, concurrency, lambda _: bar.advance())
        return await load.at_rate(target, requests, float(level), args.seed,
                                  args.max_concurrency, lambda _: bar.advance())  # fmt: skip


async def bench(args: argparse.Namespace) -> tuple[Report, list[Plot]]:
    target, engine, settings = build_target(args)
    await target.start()
    try:
        count = engine_counter(engine) if engine is not None else None
        notes: list[str] = []
        if count is None and args.tokenizer is not None:
            count = tokenizer_counter(args.tokenizer)
        if count is None and args.dataset is None:
            notes.append("no tokenizer: prompt lengths are estimates (see prompt_tokens)")
        requests = workload(args, count, args.requests + args.warmup)
        warmup, measured = requests[: args.warmup], requests[args.warmup :]
        levels: list[int | float] = list(args.rate or args.concurrency or [1])
        kind = "rate" if args.rate else "concurrency"
        model = args.model if engine is not None else (args.tokenizer or args.model)
        report = Report(
            "serve",
            f"Serving: {target.name}",
            env.capture(engine=target.name, model=model, settings=settings),
            parameters={
                "target": args.target,
                "model": args.model,
                "requests": args.requests,
                "warmup": args.warmup,
                "prompt_len": args.prompt_len,
                "output_len": args.output_len,
                "dataset": str(args.dataset or "") or None,
                "seed": args.seed,
                "temperature": args.temperature,
                "ignore_eos": args.ignore_eos,
                "slo": args.slo.as_dict(),
                kind: levels,
                **lengths(measured),
            },
            columns=COLUMNS,
            notes=notes,
        )
        ttfts: dict[str, list[float]] = {}
        for level in levels:
            label = f"{kind} {level:g}"
            timings, duration = await run_level(target, measured, warmup, args, level, label)
            metrics = serving_metrics(timings, duration, args.slo)
            metrics["short_replies"] = sum(
                1 for t, r in zip(timings, measured, strict=True)
                if t.ok and (t.output_tokens or len(t.token_times)) < r.output_len
            )  # fmt: skip
            metrics["error_kinds"] = dict(count_errors(timings)) or None
            report.add(label, params={kind: level}, metrics=metrics)
            ttfts[label] = [1000 * t.ttft for t in timings if t.ok]
        if any(r.metrics["short_replies"] for r in report.results):
            report.notes.append(
                "some replies ended before --output-len: the server ignored ignore_eos "
                "(TPOT still divides by the tokens received)"
            )
        return report, _plots(report, ttfts)
    finally:
        await target.close()


def _plots(report: Report, ttfts: dict[str, list[float]]) -> list[Plot]:
    latency = {r.label: {"TTFT p50": r.metrics["ttft_ms"]["p50"],
                         "TTFT p99": r.metrics["ttft_ms"]["p99"],
                         "TPOT p50 x10": _times(r.metrics["tpot_ms"]["p50"], 10)}
               for r in report.results}  # fmt: skip
    throughput = {r.label: {"output tok/s": r.metrics["output_throughput"]}
                  for r in report.results}  # fmt: skip
    return [
        Plot("latency.png", lambda p: plots.bars(p, report.title, "ms", latency)),
        Plot("throughput.png", lambda p: plots.bars(p, report.title, "tokens/s", throughput)),
        Plot("ttft_cdf.png", lambda p: plots.cdf(p, report.title, "TTFT (ms)", ttfts)),
    ]


def _times(value: float | None, factor: float) -> float | None:
    return None if value is None else value * factor


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        report, charts = asyncio.run(bench(args))
    except (WorkloadError, InferenceError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    paths = report.write(args.out, charts)
    report.print()
    print(f"wrote {paths['json']} and {paths['markdown']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
