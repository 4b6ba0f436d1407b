"""Runs `assistant bench NAME -- ...` as a user would and reads back what it wrote."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.common.report import validate


def run_bench(name: str, out: Path, *args: str, timeout: float = 300) -> dict[str, Any]:
    """Run the benchmark; return its JSON, validated against benchmarks/result.schema.json."""
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "bench", name, "--", *args, "--out", str(out)],
        capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    document: dict[str, Any] = json.loads((out / f"{name}.json").read_text())
    validate(document)
    for plot in document["files"]["plots"]:
        assert (out / plot).read_bytes().startswith(b"\x89PNG")
    assert (out / f"{name}.md").read_text().startswith("# ")
    return document
