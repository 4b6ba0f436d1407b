"""`assistant bench overhead` end to end on the tiny GGUF: it starts our server and
llama_cpp.server as real processes, interleaves every path and pairs each with its baseline."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.benchmarks.bench_cli import run_bench

pytestmark = pytest.mark.slow
pytest.importorskip("llama_cpp", reason="the llamacpp engine needs llama-cpp-python")


def test_every_path_is_measured_and_paired(tiny_gguf: Path, tmp_path: Path) -> None:
    doc = run_bench(
        "overhead", tmp_path, "--model", str(tiny_gguf), "--threads", "1", "--n-ctx", "1024",
        "--rounds", "2", "--warmup", "1", "--prompt-len", "40", "--output-len", "6",
        "--llama-cpp-server",
        timeout=600,
    )  # fmt: skip
    rows = {r["label"]: r for r in doc["results"]}
    assert list(rows) == [
        "engine in process", "/v1", "engine, co-pilot prompt", "/api/chat", "llama_cpp.server"
    ]  # fmt: skip
    assert rows["/v1"]["params"]["baseline"] == "engine in process"
    assert rows["/api/chat"]["params"]["baseline"] == "engine, co-pilot prompt"
    for label in ("engine in process", "/v1", "engine, co-pilot prompt"):
        assert rows[label]["metrics"]["errors"] == 0, rows[label]["metrics"]["error_kinds"]
        assert rows[label]["metrics"]["ttft_ms"]["n"] == 2
    for label in ("/v1", "/api/chat", "llama_cpp.server"):
        added = rows[label]["metrics"]["added_ttft_ms"]
        assert added["n"] <= 2 and rows[label]["metrics"]["ttft_ratio"] is not None
    # The co-pilot parsed each turn with its command model before asking the engine.
    assert rows["/api/chat"]["metrics"]["server_parse_ms"]["n"] >= 1
    assert any(note.startswith("target /v1 added TTFT p50") for note in doc["notes"])
    # Measured only once both servers were ready and then quiet (ours loads its scrubber).
    quiet = [n for n in doc["notes"] if n.startswith("requests began once every server")]
    assert quiet and "our server" in quiet[0] and "llama_cpp.server" in quiet[0], doc["notes"]


def test_a_cached_prompt_run_says_so(tiny_gguf: Path, tmp_path: Path) -> None:
    doc = run_bench(
        "overhead", tmp_path, "--model", str(tiny_gguf), "--threads", "1", "--n-ctx", "1024",
        "--rounds", "2", "--warmup", "1", "--prompt-len", "40", "--output-len", "6",
        "--no-chat", "--cached-prompt", "--settle-ms", "5",
        timeout=600,
    )  # fmt: skip
    assert doc["parameters"]["cached_prompt"] is True and doc["parameters"]["settle_ms"] == 5
    assert [r["label"] for r in doc["results"]] == ["engine in process", "/v1"]
    v1 = doc["results"][1]["metrics"]
    assert v1["errors"] == 0 and v1["added_ttft_ms"]["n"] == 2
    assert any(note.startswith("one prompt every round") for note in doc["notes"])
