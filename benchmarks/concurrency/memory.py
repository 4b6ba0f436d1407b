"""The server's resident memory over time, sampled in a thread (psutil)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field


def rss_bytes(pid: int) -> int:
    """The process's RSS plus its children's (none unless it started a Redis itself)."""
    import psutil

    process = psutil.Process(pid)
    total = int(process.memory_info().rss)
    for child in process.children(recursive=True):
        try:
            total += int(child.memory_info().rss)
        except psutil.NoSuchProcess:
            continue  # exited between listing and reading
    return total


@dataclass
class Sampler:
    """`with Sampler(pid) as s: ...`; `s.samples` holds (seconds since start, bytes)."""

    pid: int
    every: float = 0.5
    samples: list[tuple[float, int]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _origin: float = 0.0

    def __enter__(self) -> Sampler:
        self._origin = time.perf_counter()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def now(self) -> int:
        value = rss_bytes(self.pid)
        self.samples.append((time.perf_counter() - self._origin, value))
        return value

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.now()
