"""A started server is handed to a benchmark once it is quiet, not merely ready."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from benchmarks.common.servers import quiet

# Spins a core for `busy` seconds, then sleeps: a server still loading after its readiness.
LOADING = "import time, sys\nend = time.monotonic() + float(sys.argv[1])\nwhile time.monotonic() < end: pass\ntime.sleep(60)"  # noqa: E501


@contextmanager
def process(busy: float) -> Iterator[int]:
    child = subprocess.Popen([sys.executable, "-c", LOADING, str(busy)])
    try:
        yield child.pid
    finally:
        child.kill()
        child.wait()


async def test_a_process_still_working_is_waited_for_until_it_goes_quiet() -> None:
    with process(busy=1.5) as pid:
        waited = await quiet(pid, window=0.25, give_up_s=30)
    assert 1.5 <= waited < 10


async def test_an_idle_process_is_quiet_after_one_window() -> None:
    with process(busy=0) as pid:
        waited = await quiet(pid, window=0.25, give_up_s=30)
    assert waited < 1.0


async def test_a_process_that_never_goes_quiet_is_given_up_on_at_the_timeout() -> None:
    with process(busy=30) as pid:
        waited = await quiet(pid, window=0.25, give_up_s=1.0)
    assert 1.0 <= waited < 3
