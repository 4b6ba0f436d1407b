"""`assistant bench prefix-cache`: TTFT of a co-pilot turn whose prefix is cached vs a cold one.

One engine in process (llama.cpp on a GGUF, one slot), the co-pilot's real prompts (see
workload.py): for each scenario, a cold turn (the cache holds another prompt) and the next
turn that shares its system prompt and tool schemas (command) or its conversation (chat).
Target (issue #23): warm TTFT <= 0.2x cold, at p50.

Run: assistant bench prefix-cache -- --model M.gguf [--rounds 5] [--threads 2] [--out DIR]
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks.common import env, plots, progress
from benchmarks.common.report import Column, Plot, Report
from benchmarks.common.stats import ratio, summarize
from benchmarks.prefix_cache import workload
from benchmarks.prefix_cache.measure import Plan, Timed, run_rounds

TARGET = 0.2
HERE = Path(__file__).resolve().parent


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="assistant bench prefix-cache", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--model", type=Path, required=True, help="GGUF file")
    parser.add_argument("--engine", default="llamacpp", help="an in-process engine (llamacpp)")
    parser.add_argument("--rounds", type=int, default=5, help="cold+warm pairs per scenario")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (all cores)")
    parser.add_argument("--n-ctx", type=int, default=8192, help="context window")
    parser.add_argument(
        "--scenarios", default=",".join(workload.SCENARIOS), help="comma-separated: command, chat"
    )
    parser.add_argument(
        "--candidates",
        default=",".join(workload.DEFAULT_CANDIDATES),
        help="the procedures offered as tools in the command scenario",
    )
    parser.add_argument(
        "--gap-minutes", type=float, default=3.0, help="clock time between a command and the next"
    )
    parser.add_argument("--chat-tokens", type=int, default=32, help="reply length in chat")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    scenarios = tuple(s for s in args.scenarios.split(",") if s)
    unknown = set(scenarios) - set(workload.SCENARIOS)
    if unknown or not scenarios:
        parser.error(f"--scenarios: choose from {', '.join(workload.SCENARIOS)}")
    if not args.model.is_file():
        parser.error(f"--model: no such file {args.model}")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    args.scenarios = scenarios
    return args


async def measure(args: argparse.Namespace, advance: Any) -> list[Timed]:
    from assistant import compose
    from inference.config import EngineConfig
    from inference.registry import create_engine

    config = EngineConfig(
        engine=args.engine,
        model=str(args.model),
        n_ctx=args.n_ctx,
        n_threads=args.threads,
        parallel_slots=1,
    )
    engine = create_engine(config)
    if engine is None:
        raise SystemExit(f"--engine {args.engine}: not available here")
    plan = Plan(
        rounds=args.rounds,
        candidates=tuple(c for c in args.candidates.split(",") if c),
        gap=timedelta(minutes=args.gap_minutes),
        chat_tokens=args.chat_tokens,
        seed=args.seed,
        scenarios=args.scenarios,
    )
    await engine.start()
    try:
        warmup = workload.chat_first(0, 2, args.seed, workload.Staff(email="warm-up@example.com"))
        from benchmarks.prefix_cache.measure import timed

        await timed(engine, warmup, "warm-up", "cold", -1)  # pages the weights in
        budget = args.n_ctx - max(args.chat_tokens, 1)
        return await run_rounds(engine, compose.procedures(), plan, budget, advance)
    finally:
        await engine.close()


def summarise(timings: list[Timed], scenario: str) -> dict[str, Any]:
    cold = [t for t in timings if t.scenario == scenario and t.phase == "cold"]
    warm = [t for t in timings if t.scenario == scenario and t.phase == "warm"]
    cold_ms = summarize([t.ttft_s for t in cold], 1000)
    warm_ms = summarize([t.ttft_s for t in warm], 1000)
    share = ratio(warm_ms["p50"], cold_ms["p50"])
    return {
        "ttft_cold_ms": cold_ms,
        "ttft_warm_ms": warm_ms,
        "warm_over_cold": share,
        "prompt_tokens_cold": summarize([t.prompt_tokens for t in cold])["mean"],
        "prompt_tokens_warm": summarize([t.prompt_tokens for t in warm])["mean"],
        "cached_tokens_cold": summarize([t.cached_tokens for t in cold])["mean"],
        "cached_tokens_warm": summarize([t.cached_tokens for t in warm])["mean"],
        "target_met": share is not None and share <= TARGET,
    }


def build_report(args: argparse.Namespace, timings: list[Timed]) -> Report:
    settings = {
        "engine": args.engine,
        "n_threads": args.threads,
        "n_ctx": args.n_ctx,
        "parallel_slots": 1,
    }
    report = Report(
        "prefix-cache",
        "Prefix cache: co-pilot turn TTFT, cached prefix vs cold",
        env.capture(engine=args.engine, model=args.model, settings=settings),
        parameters={
            "rounds": args.rounds,
            "scenarios": list(args.scenarios),
            "candidates": args.candidates.split(","),
            "gap_minutes": args.gap_minutes,
            "chat_tokens": args.chat_tokens,
            "seed": args.seed,
            "target": f"warm TTFT p50 <= {TARGET}x cold",
        },
        columns=[
            Column("scenario", "label"),
            Column("prompt tokens", "prompt_tokens_warm", "{:.0f}"),
            Column("cold TTFT p50 ms", "ttft_cold_ms.p50"),
            Column("warm TTFT p50 ms", "ttft_warm_ms.p50"),
            Column("cached tokens (warm)", "cached_tokens_warm", "{:.0f}"),
            Column("warm / cold", "warm_over_cold", "{:.3f}"),
            Column(f"<= {TARGET}", "target_met"),
        ],
    )
    for scenario in args.scenarios:
        report.add(scenario, params={"scenario": scenario}, metrics=summarise(timings, scenario))
    report.notes.append(
        "TTFT: from the engine call to the first generated token (rendering, tokenizing, "
        "grammar and prefill included). Cold: the cache holds another prompt; warm: the next "
        f"turn sharing the prefix (commands {args.gap_minutes:g} minutes apart)."
    )
    return report


def plot(report: Report) -> Plot:
    groups = {
        r.label: {
            "cold": r.metrics["ttft_cold_ms"]["p50"],
            "warm": r.metrics["ttft_warm_ms"]["p50"],
        }
        for r in report.results
    }
    return Plot(
        "prefix_cache.png",
        lambda path: plots.bars(path, "TTFT p50, cold vs cached prefix", "ms", groups),
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    total = args.rounds * len(args.scenarios)
    with progress.live(total, "prefix-cache rounds") as bar:
        timings = asyncio.run(measure(args, bar.advance))
    report = build_report(args, timings)
    report.print()
    paths = report.write(args.out, plots=[plot(report)])
    print(f"wrote {paths['json']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
