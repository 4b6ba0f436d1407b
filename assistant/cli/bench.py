"""`assistant bench ...`: run the benchmarks of a source checkout (results as JSON + Markdown)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import typer

from assistant.cli._common import fail

bench_app = typer.Typer(help="Benchmarks: figures for ML engineers, not tests.",
                        no_args_is_help=True)  # fmt: skip
BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
SCRIPTS = {
    "nlu": ("nlu/run.py", "Command model on dev and the frozen test set (trains the full model)."),
    "pii": ("pii/run.py", "Scrubber F2 per entity type, throughput and p95 per log record."),
    "chat-latency": ("pii/chat_latency.py", "Chat time to first event, logging on vs off."),
}
EXTRA = {"allow_extra_args": True, "ignore_unknown_options": True}


def _run(name: str, ctx: typer.Context) -> None:
    script = BENCHMARKS / SCRIPTS[name][0]
    if not script.is_file():
        fail(f"{script} not found: benchmarks run from a source checkout (pip install -e .)")
    result = subprocess.run([sys.executable, str(script), *ctx.args], check=False)
    raise typer.Exit(result.returncode)


def _command(name: str) -> None:
    def command(ctx: typer.Context) -> None:
        _run(name, ctx)

    command.__doc__ = SCRIPTS[name][1] + " Options after -- go to the script."
    bench_app.command(name, context_settings=EXTRA)(command)


for _name in SCRIPTS:
    _command(_name)
