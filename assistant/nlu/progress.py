"""Training progress as a rich bar with the time left, in place of spaCy's score table.

spaCy calls a training logger once per step (with the scores at each evaluation), so the
bar counts steps towards `training.max_steps` and rich estimates the time left from the pace
so far. Evaluations print one line above the bar, so a log without a terminal keeps them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language

LOGGER = "assistant.ProgressLogger.v1"
# The dev scores printed at each evaluation, as spaCy names them.
SHOWN_SCORES = (("cats_score", "intents"), ("ents_f", "entities"))

StepLogger = Callable[[dict[str, Any] | None], None]
LoggerSetup = Callable[..., tuple[StepLogger, Callable[[], None]]]


def register() -> None:
    """Make the logger known to spaCy's registry (idempotent)."""
    from spacy.util import registry

    if LOGGER not in registry.loggers.get_all():
        registry.loggers.register(LOGGER, func=progress_logger)


def progress_logger(description: str = "training") -> LoggerSetup:
    def setup(
        nlp: Language, stdout: IO[str] = sys.stdout, stderr: IO[str] = sys.stderr
    ) -> tuple[StepLogger, Callable[[], None]]:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        max_steps = int(nlp.config["training"]["max_steps"]) or None
        progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(bar_width=20),
            MofNCompleteColumn(),
            TextColumn("steps"),
            TimeElapsedColumn(),
            TextColumn("elapsed,"),
            TimeRemainingColumn(),
            TextColumn("left"),
            console=Console(file=stderr),
        )
        task = progress.add_task(description, total=max_steps)
        progress.start()
        steps = 0

        def log_step(info: dict[str, Any] | None) -> None:
            nonlocal steps
            steps = info["step"] if info is not None else steps + 1
            progress.update(task, completed=steps)
            if info is not None:
                scores = info["other_scores"]
                shown = [
                    f"{label} {100 * float(scores[key]):.1f}%"
                    for key, label in SHOWN_SCORES
                    if scores.get(key) is not None
                ]
                of = f" of {max_steps}" if max_steps else ""
                progress.console.print(f"step {steps}{of}: dev " + ", ".join(shown))

        def finalize() -> None:
            progress.stop()

        return log_step, finalize

    return setup
