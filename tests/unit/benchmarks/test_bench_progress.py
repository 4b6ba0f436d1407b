"""The benchmarks' progress bar draws only when a run calls it, never from a timer thread."""

from __future__ import annotations

import threading
from typing import Any

from rich.live import _RefreshThread

from benchmarks.common.progress import Bar, live


class Recorder:
    """Stands in for rich's Progress: counts the drawings a Bar asks for."""

    def __init__(self) -> None:
        self.drawn = 0
        self.completed = 0

    def advance(self, task: Any, steps: int) -> None:
        self.completed += steps

    def update(self, task: Any, description: str) -> None:
        pass

    def reset(self, task: Any, total: float | None, description: str) -> None:
        self.completed = 0

    def refresh(self) -> None:
        self.drawn += 1


def test_advances_draw_at_most_once_an_interval() -> None:
    now = [100.0]
    progress = Recorder()
    bar = Bar(progress, task=0, every=0.25, clock=lambda: now[0])
    for _ in range(5):
        bar.advance()
        now[0] += 0.04
    assert (progress.completed, progress.drawn) == (5, 1)
    now[0] += 0.1
    bar.advance()
    assert (progress.completed, progress.drawn) == (6, 2)


def test_describe_and_restart_draw_at_once() -> None:
    progress = Recorder()
    bar = Bar(progress, task=0, every=10.0, clock=lambda: 0.0)
    bar.advance()
    bar.describe("next phase")
    bar.restart(10, "again")
    assert progress.drawn == 3


def test_live_runs_no_refresh_thread() -> None:
    with live(3, "requests") as bar:
        bar.advance()
        assert not [t for t in threading.enumerate() if isinstance(t, _RefreshThread)]
