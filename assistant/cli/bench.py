"""`assistant bench ...`: run the benchmarks of a source checkout (results as JSON + Markdown)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer

from assistant.cli._common import fail
from assistant.settings import get_settings

bench_app = typer.Typer(help="Benchmarks: figures for ML engineers, not tests.",
                        no_args_is_help=True)  # fmt: skip
ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "benchmarks"
SCRIPTS = {
    "nlu": ("nlu/run.py", "Command model on dev and the frozen test set (trains the full model)."),
    "pii": ("pii/run.py", "Scrubber F2 per entity type, throughput and p95 per log record."),
    "chat-latency": ("pii/chat_latency.py", "Chat time to first event, logging on vs off."),
    "abuse": ("abuse/run.py", "Largest accepted inputs, and /healthz p50/p99 meanwhile."),
    "serve": ("serve/run.py", "TTFT, TPOT, ITL, throughput, goodput of a server or engine."),
    "overhead": ("overhead/run.py", "What our /v1 and /api/chat add to the engine in process."),
    "prefix-cache": ("prefix_cache/run.py", "Co-pilot turn TTFT, cached prefix vs cold."),
    "concurrency": ("concurrency/run.py", "N chat streams on a real server: errors, TTFT, RSS."),
    "queue": ("queue/run.py", "Job enqueue-to-start latency and jobs/s, 1 and 4 workers."),
}
EXTRA = {"allow_extra_args": True, "ignore_unknown_options": True}


def _run(name: str, ctx: typer.Context) -> None:
    script = BENCHMARKS / SCRIPTS[name][0]
    if not script.is_file():
        fail(f"{script} not found: benchmarks run from a source checkout (pip install -e .)")
    # The scripts import their shared code as `benchmarks.common` from the checkout.
    env = get_settings().child_env()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    result = subprocess.run([sys.executable, str(script), *ctx.args], check=False, env=env)
    raise typer.Exit(result.returncode)


def _command(name: str) -> None:
    def command(ctx: typer.Context) -> None:
        _run(name, ctx)

    command.__doc__ = SCRIPTS[name][1] + " Options after -- go to the script."
    bench_app.command(name, context_settings=EXTRA)(command)


for _name in SCRIPTS:
    _command(_name)
