"""`assistant bench serve` end to end on the tiny GGUF: in process and against a real
OpenAI-compatible server, with exact prompt lengths and every reply run to --output-len."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.benchmarks.bench_cli import run_bench
from tests.integration.inference.engines import llama_server

pytestmark = pytest.mark.slow
pytest.importorskip("llama_cpp", reason="the llamacpp engine needs llama-cpp-python")


def test_engine_in_process_at_two_concurrencies(tiny_gguf: Path, tmp_path: Path) -> None:
    doc = run_bench(
        "serve", tmp_path, "--target", "engine:llamacpp", "--model", str(tiny_gguf),
        "--threads", "1", "--n-ctx", "1024", "--concurrency", "1,2", "--requests", "3",
        "--prompt-len", "48", "--output-len", "8", "--slo", "ttft:60000,tpot:60000",
    )  # fmt: skip
    assert [r["label"] for r in doc["results"]] == ["concurrency 1", "concurrency 2"]
    assert doc["parameters"]["prompt_len_min"] == doc["parameters"]["prompt_len_max"] == 48
    for result in doc["results"]:
        metrics = result["metrics"]
        assert metrics["completed"] == 3 and metrics["errors"] == 0
        assert metrics["output_tokens"] == 3 * 8  # ignore_eos: no reply ends early
        assert metrics["prompt_tokens"] == 3 * 48
        assert metrics["short_replies"] == 0
        assert metrics["ttft_ms"]["n"] == 3
        assert metrics["goodput"] == pytest.approx(metrics["request_throughput"])
    assert doc["environment"]["model"]["size_bytes"] == tiny_gguf.stat().st_size
    assert doc["random_weights"] is False  # the tiny test model carries no make-random mark


def test_url_target_sizes_prompts_with_the_gguf_tokenizer(tiny_gguf: Path, tmp_path: Path) -> None:
    with llama_server(tiny_gguf, tmp_path / "server.log") as url:
        doc = run_bench(
            "serve", tmp_path / "out", "--target", url, "--model", "tiny",
            "--tokenizer", str(tiny_gguf), "--requests", "2", "--warmup", "0",
            "--prompt-len", "40", "--output-len", "6", "--concurrency", "2",
        )  # fmt: skip
    metrics = doc["results"][0]["metrics"]
    assert metrics["errors"] == 0
    # llama_cpp.server has no ignore_eos, and the tiny model's bytes may render as nothing:
    # a reply can end early or stream no visible text (counted, not failed).
    assert metrics["completed"] + metrics["empty_replies"] == 2
    assert doc["parameters"]["prompt_len_min"] == doc["parameters"]["prompt_len_max"] == 40
    assert doc["parameters"]["target"] == url


def test_a_bad_target_is_one_line_and_exit_1(tmp_path: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "assistant", "bench", "serve", "--", "--target", "ftp://x",
         "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("error: --target")
