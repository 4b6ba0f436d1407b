"""`assistant bench` runs the benchmark scripts of the checkout and passes options through."""

from __future__ import annotations

import subprocess
import sys


def _bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", "bench", *args],
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_lists_the_benchmarks() -> None:
    out = _bench("--help").stdout
    for name in ("nlu", "pii", "chat-latency"):
        assert name in out


def test_options_reach_the_script() -> None:
    result = _bench("pii", "--", "--no-such-option")
    assert result.returncode == 2  # the script's own argparse refused it
    assert "--no-such-option" in result.stderr and "run.py" in result.stderr
