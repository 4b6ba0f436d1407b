"""`assistant models make-random`: the real Qwen2.5-0.5B shape as a GGUF that llama.cpp loads
and streams one visible delta per token from, marked as random; an HF directory the same
way (a small Qwen2-shaped one: the suite never builds more than the 0.5B)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.common import env
from inference.base import ChatRequest, TextDelta, Usage
from inference.config import EngineConfig
from inference.random_models import NOTE
from inference.tiny import ModelShape, build_hf

pytestmark = pytest.mark.slow


async def _deltas(engine: object, tokens: int) -> tuple[list[str], Usage]:
    from inference.base import Engine

    assert isinstance(engine, Engine)
    await engine.start()
    req = ChatRequest([{"role": "user", "content": "hi"}], max_tokens=tokens, seed=3,
                      temperature=1.0, ignore_eos=True)  # fmt: skip
    deltas: list[str] = []
    usage = None
    try:
        async for event in engine.stream(req):
            if isinstance(event, TextDelta):
                deltas.append(event.text)
            elif isinstance(event, Usage):
                usage = event
    finally:
        await engine.close()
    assert usage is not None
    return deltas, usage


async def test_qwen_05b_gguf_loads_and_streams_visible_tokens(tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp", reason="loading the GGUF needs llama-cpp-python")
    from inference.llamacpp import LlamaCppEngine

    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "assistant", "models", "make-random", "--like", "qwen2.5-0.5b",
         str(tmp_path)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    path = tmp_path / "qwen2.5-0.5b-random-q8_0.gguf"
    assert "494,032,768 parameters" in result.stdout
    assert 450e6 < path.stat().st_size < 700e6  # Q8_0: about a byte a weight
    assert env.random_weights(path)
    config = EngineConfig(engine="llamacpp", model=str(path), n_ctx=256, n_threads=2)
    deltas, usage = await _deltas(LlamaCppEngine(config), 6)
    assert usage.completion_tokens == 6
    assert len(deltas) == 6 and all(d.strip() for d in deltas)  # one visible delta a token


async def test_hf_directory_is_marked_and_streams_visible_tokens(tmp_path: Path) -> None:
    pytest.importorskip("transformers", reason="the hf engine needs transformers")
    from inference.hf import HFEngine

    shape = ModelShape(arch="qwen2", hidden=64, layers=2, heads=4, kv_heads=2, ffn=128,
                       context=512, vocab_size=2048, tied=True)  # fmt: skip
    directory = build_hf(tmp_path / "m", shape, dtype="float16", printable=True,
                         config_extra={"_benchmark_note": NOTE})  # fmt: skip
    assert env.random_weights(directory)
    deltas, usage = await _deltas(HFEngine(EngineConfig(engine="hf", model=str(directory))), 6)
    assert usage.completion_tokens == 6
    assert "".join(deltas).strip()


def test_an_unknown_architecture_is_one_line_and_exit_1(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "models", "make-random", "--like", "gpt-9",
         str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "error: unknown architecture 'gpt-9'; known: qwen2.5-0.5b, qwen2.5-1.5b, qwen2.5-7b, "
        "llama-3.1-8b"
    )
