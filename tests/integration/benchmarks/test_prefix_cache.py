"""`bench prefix-cache` end to end on the tiny GGUF: one round of each scenario, a valid
result, and the warm turns served from the cache (counted in tokens, never timed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.common.report import validate
from benchmarks.prefix_cache import run

pytestmark = pytest.mark.slow


def test_runs_end_to_end_and_reuses_the_cached_prefix(tiny_gguf: Path, tmp_path: Path) -> None:
    argv = [
        "--model",
        str(tiny_gguf),
        "--rounds",
        "1",
        "--threads",
        "2",
        "--chat-tokens",
        "8",
        "--out",
        str(tmp_path),
    ]
    assert run.main(argv) == 0

    document = json.loads((tmp_path / "prefix-cache.json").read_text())
    validate(document)
    rows = {r["label"]: r["metrics"] for r in document["results"]}
    assert set(rows) == {"command", "chat"}
    for metrics in rows.values():
        assert metrics["ttft_cold_ms"]["n"] == metrics["ttft_warm_ms"]["n"] == 1
        assert metrics["cached_tokens_cold"] < 0.1 * metrics["prompt_tokens_cold"]
    # the next command, minutes later, finds its system prompt and tool schemas cached
    command = rows["command"]
    assert command["cached_tokens_warm"] > 0.9 * command["prompt_tokens_warm"]
    # the next chat turn finds the conversation so far cached
    assert rows["chat"]["cached_tokens_warm"] > 0.5 * rows["chat"]["prompt_tokens_warm"]
    assert (tmp_path / "prefix_cache.png").read_bytes().startswith(b"\x89PNG")
    assert "| command |" in (tmp_path / "prefix-cache.md").read_text()


def test_refuses_an_unknown_scenario(tiny_gguf: Path, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        run.main(["--model", str(tiny_gguf), "--scenarios", "nope", "--out", str(tmp_path)])
    assert exit_.value.code == 2
