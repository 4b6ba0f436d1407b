"""`assistant nlu ...`: generate data, train, evaluate and build the command classifier."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from assistant.nlu.data import DataError

if TYPE_CHECKING:
    from assistant.nlu.evaluate import PRF, Report

app = typer.Typer(
    help="Command understanding: the spaCy intent and entity model.", no_args_is_help=True
)

DATA_DIR = Path(__file__).resolve().parents[2] / "models" / "nlu"


@contextmanager
def _one_line_errors() -> Iterator[None]:
    """Bad input ends the command with one `error: ...` line on stderr, never a traceback."""
    try:
        yield
    except (DataError, OSError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


def _config(config: Path | None, fast: bool) -> Path:
    from assistant.nlu.train import FAST_CONFIG, FULL_CONFIG

    chosen = config or (FAST_CONFIG if fast else FULL_CONFIG)
    if not chosen.is_file():
        raise DataError(f"{chosen}: no such config file")
    return chosen


@app.command("generate")
def generate_cmd(
    out: Path = typer.Option(DATA_DIR, "--out", help="Directory for train.jsonl and dev.jsonl."),
    seed: int = typer.Option(13, help="Random seed; the same seed gives the same files."),
) -> None:
    """Write the project's generated training and dev sets (held-out templates for dev)."""
    from assistant.nlu.synth.generate import write_datasets

    with _one_line_errors():
        for path in write_datasets(out, seed):
            typer.echo(str(path))


@app.command("train")
def train_cmd(
    out: Path = typer.Option(..., "--out", help="Directory for the trained model."),
    data: Path | None = typer.Option(
        None,
        "--data",
        help="Training JSONL with your own labels (any intents, entity labels, an 'oos' class);"
        " unset: the co-pilot's own data, checked against its procedures.",
    ),
    dev: Path | None = typer.Option(
        None, "--dev", help="Dev JSONL for model selection and the threshold; unset: 10% of --data."
    ),
    config: Path | None = typer.Option(None, "--config", help="spaCy config file."),
    fast: bool = typer.Option(False, "--fast", help="Use the fast config (tests, smoke runs)."),
    target_precision: float = typer.Option(0.97, help="Precision the threshold must keep."),
) -> None:
    """Train a pipeline on labelled JSONL ({"text", "intent", "entities"} per line)."""
    from assistant.nlu.build import POSTPROCESS, project_data
    from assistant.nlu.data import LabelSet, crm_labels, read_jsonl
    from assistant.nlu.train import split_dev, train_model

    with _one_line_errors():
        chosen = _config(config, fast)
        if data is None:
            train, dev_set = project_data(dev_path=dev)
            labels: LabelSet | None = crm_labels()
            postprocess: str | None = POSTPROCESS
        else:
            train = read_jsonl(data)
            train, dev_set = (train, read_jsonl(dev)) if dev is not None else split_dev(train)
            labels = postprocess = None
        path = train_model(
            train,
            dev_set,
            out,
            chosen,
            target_precision=target_precision,
            labels=labels,
            postprocess=postprocess,
        )
    typer.echo(f"model saved to {path}")


@app.command("eval")
def eval_cmd(
    model: Path = typer.Option(..., "--model", help="Trained model directory."),
    data: Path = typer.Option(..., "--data", help="Labelled JSONL to score."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    timing: bool = typer.Option(True, help="Measure latency per utterance."),
) -> None:
    """Intent accuracy and macro-F1, per-intent and per-entity P/R/F1, confusions, latency."""
    from assistant.nlu.data import read_jsonl
    from assistant.nlu.evaluate import evaluate
    from assistant.nlu.model import NLUModel

    with _one_line_errors():
        if not model.is_dir():
            raise DataError(f"{model}: no such model directory")
        examples = read_jsonl(data)
        report = evaluate(NLUModel(model), examples, with_timing=timing)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
    else:
        print_report(report)


@app.command("build")
def build_cmd(
    fast: bool = typer.Option(False, "--fast", help="Use the fast config."),
    config: Path | None = typer.Option(None, "--config", help="spaCy config file."),
) -> None:
    """Make the configured NLU directory hold the co-pilot's model: kept, shipped or trained."""
    from assistant.nlu.build import ensure_model
    from assistant.settings import get_settings

    with _one_line_errors():
        result = ensure_model(get_settings().nlu_dir, _config(config, fast))
    state = (
        "trained"
        if result.trained
        else "installed from the shipped copy"
        if result.installed
        else "up to date"
    )
    typer.echo(f"NLU model {state}: {result.path} (fingerprint {result.fingerprint[:12]})")


def print_report(report: Report) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    pct: Callable[[float | None], str] = lambda v: "-" if v is None else f"{100 * v:.1f}"  # noqa: E731
    summary = Table(title=f"NLU evaluation ({report.examples} examples)")
    summary.add_column("metric")
    summary.add_column("value", justify="right")
    rows = [
        ("intent accuracy %", pct(report.intent_accuracy)),
        ("intent macro-F1 %", pct(report.intent_macro_f1)),
        ("entity micro-F1 %", pct(report.entities_micro.f1)),
        ("exact call %", pct(report.exact_match)),
        ("contact mention exact %", pct(report.contact_exact)),
        ("chat recall %", pct(report.chat_recall)),
        ("in-scope accuracy %", pct(report.in_scope_accuracy)),
        ("out-of-scope recall %", pct(report.oos_recall)),
        ("threshold", "-" if report.threshold is None else f"{report.threshold:.3f}"),
        ("accepted precision %", pct(report.accepted_precision)),
        ("accepted coverage %", pct(report.accepted_coverage)),
    ]
    rows += [(f"latency {k}", f"{v:.2f}") for k, v in report.timing.items() if k != "utterances"]
    for row in rows:
        summary.add_row(*row)
    console.print(summary)
    console.print(_prf_table("intents", report.per_intent))
    console.print(_prf_table("entities (exact span)", report.per_entity))
    confusions = Table(title="top confusions")
    for column in ("gold", "predicted", "count"):
        confusions.add_column(column)
    for gold, predicted, count in report.confusions:
        confusions.add_row(gold, predicted, str(count))
    console.print(confusions)


def _prf_table(title: str, rows: dict[str, PRF]) -> object:
    from rich.table import Table

    table = Table(title=title)
    for column in ("label", "P %", "R %", "F1 %", "support"):
        table.add_column(column, justify="left" if column == "label" else "right")
    for label, m in sorted(rows.items()):
        table.add_row(
            label,
            f"{100 * m.precision:.1f}",
            f"{100 * m.recall:.1f}",
            f"{100 * m.f1:.1f}",
            str(m.support),
        )
    return table
