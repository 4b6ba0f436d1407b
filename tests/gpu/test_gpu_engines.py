"""GPU paths: transformers on CUDA and vLLM in process, on tiny random models.

Skipped with a reason on machines without CUDA; the contract suite also runs vllm there."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from inference.base import ChatRequest, Tool, collect
from inference.config import EngineConfig

pytestmark = pytest.mark.gpu


def _cuda() -> bool:
    if importlib.util.find_spec("torch") is None:
        return False
    import torch

    return bool(torch.cuda.is_available())


requires_cuda = pytest.mark.skipif(not _cuda(), reason="needs a CUDA GPU (torch sees none)")
requires_vllm = pytest.mark.skipif(
    importlib.util.find_spec("vllm") is None, reason="needs the vllm extra: pip install '.[vllm]'"
)
TOOL = Tool(
    "notes_add",
    "",
    {"type": "object", "properties": {"body": {"type": "string"}}, "required": ["body"]},
)


@pytest.fixture(scope="module")
def gpu_hf_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from inference.tiny import ModelShape, build_tiny_hf

    shape = ModelShape(
        arch="llama", hidden=256, layers=2, heads=4, kv_heads=2, ffn=512, context=2048
    )  # head size 64: every attention kernel supports it
    return build_tiny_hf(tmp_path_factory.mktemp("gpu") / "tiny", shape=shape)


@requires_cuda
async def test_hf_runs_on_cuda(gpu_hf_dir: Path) -> None:
    from inference.hf import HFEngine

    engine = HFEngine(EngineConfig(model=str(gpu_hf_dir), n_ctx=1024))
    await engine.start()
    assert engine.device == "cuda"
    req = ChatRequest(
        [{"role": "user", "content": "hi"}],
        tools=[TOOL],
        tool_choice="notes_add",
        max_tokens=300,
        seed=0,
    )
    reply = await collect(engine.stream(req))
    assert reply.tool_calls and reply.tool_calls[0].name == "notes_add"
    await engine.close()


@requires_cuda
@requires_vllm
async def test_vllm_in_process_streams_and_calls_tools(gpu_hf_dir: Path) -> None:
    from inference.vllm import VLLMEngine

    engine = VLLMEngine(EngineConfig(model=str(gpu_hf_dir), n_ctx=1024))
    await engine.start()
    text = await collect(
        engine.stream(ChatRequest([{"role": "user", "content": "hi"}], max_tokens=8, seed=0))
    )
    assert text.usage is not None and text.usage.completion_tokens > 0
    req = ChatRequest(
        [{"role": "user", "content": "note"}],
        tools=[TOOL],
        tool_choice="notes_add",
        max_tokens=300,
        seed=0,
    )
    call = await collect(engine.stream(req))
    assert call.tool_calls[0].name == "notes_add"
    await engine.close()
