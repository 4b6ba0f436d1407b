"""A live progress bar (rich) on stderr, so stdout keeps only the table.

The bar is drawn by its own calls (`advance`, `describe`, `restart`), at most every
`REDRAW_SECONDS`, and never by a timer: rich's auto-refresh thread draws ten times a second,
and each drawing holds the GIL and a core for a millisecond or more beside the engine and the
client a benchmark is timing (in `bench overhead` the engine in process shares the GIL with it).
A run calls the bar between requests, so a sequential benchmark draws outside every timing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

REDRAW_SECONDS = 0.25


class Bar:
    """One task of a live progress display; `advance()` after each request or job."""

    def __init__(
        self,
        progress: Any,
        task: Any,
        every: float = REDRAW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._progress = progress
        self._task = task
        self._every = every
        self._clock = clock
        self._drawn: float | None = None

    def advance(self, steps: int = 1) -> None:
        self._progress.advance(self._task, steps)
        self._redraw()

    def describe(self, text: str) -> None:
        self._progress.update(self._task, description=text)
        self._redraw(now=True)

    def restart(self, total: float | None, description: str) -> None:
        self._progress.reset(self._task, total=total, description=description)
        self._redraw(now=True)

    def _redraw(self, now: bool = False) -> None:
        at = self._clock()
        if now or self._drawn is None or at - self._drawn >= self._every:
            self._progress.refresh()
            self._drawn = at


@contextmanager
def live(total: float | None, description: str) -> Iterator[Bar]:
    """`with live(n, "serve c=4") as bar: ... bar.advance()`; drawn on stderr."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    console = Console(stderr=True)
    with Progress(*columns, console=console, transient=False, auto_refresh=False) as progress:
        bar = Bar(progress, progress.add_task(description, total=total))
        bar.describe(description)  # the first drawing
        yield bar
