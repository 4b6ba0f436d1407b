"""inference/registry.py: names map to engines without importing runtimes; auto-selection."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from inference.base import EngineUnavailable
from inference.config import EngineConfig
from inference.registry import EngineSpec, create_engine, default_registry, select_engine
from inference.scripted import ScriptedEngine


def test_importing_inference_loads_no_runtime() -> None:
    code = (
        "import sys, inference, inference.registry, inference.base, inference.config;"
        "heavy = {'llama_cpp', 'torch', 'transformers', 'vllm', 'xgrammar'} & set(sys.modules);"
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_duplicate_engine_names_raise() -> None:
    registry = default_registry()
    with pytest.raises(ValueError, match="already registered"):
        registry.register(EngineSpec("llamacpp", "inference.llamacpp:LlamaCppEngine"))


def test_unknown_engine_is_a_clear_error() -> None:
    with pytest.raises(EngineUnavailable, match=r"unknown engine 'tpu'.*known: vllm"):
        select_engine(EngineConfig(engine="tpu"))


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"model": "/models/qwen.gguf"}, "llamacpp"),
        ({"base_urls": ["http://gpu-1:8000/v1"]}, "openai_compat"),
        ({"model": "qwen2.5-1.5b", "base_urls": ["http://gpu-1:8000/v1"]}, "openai_compat"),
        ({"engine": "scripted"}, "scripted"),
        ({"engine": "hf", "model": "/nowhere"}, "hf"),
    ],
)
def test_auto_selection_follows_the_configuration(kwargs: dict[str, object], expected: str) -> None:
    name, reason = select_engine(EngineConfig(**kwargs))  # type: ignore[arg-type]
    assert name == expected and reason


def test_an_hf_directory_selects_hf(tiny_hf_dir: Path) -> None:
    assert select_engine(EngineConfig(model=str(tiny_hf_dir)))[0] == "hf"


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({}, "no model configured"),
        ({"engine": "none"}, "disabled"),
        ({"model": "/no/such/dir"}, "neither a .gguf file"),
    ],
)
def test_no_engine_comes_with_a_reason(
    kwargs: dict[str, object], words: str, caplog: pytest.LogCaptureFixture
) -> None:
    config = EngineConfig(**kwargs)  # type: ignore[arg-type]
    name, reason = select_engine(config)
    assert name is None and words in reason and "classifier-only" in reason
    with caplog.at_level("INFO", logger="inference"):
        assert create_engine(config) is None
    assert [r.name for r in caplog.records] == ["inference"]


def test_create_engine_builds_the_selected_class() -> None:
    assert isinstance(create_engine(EngineConfig(engine="scripted")), ScriptedEngine)


@pytest.mark.skipif(importlib.util.find_spec("vllm") is not None, reason="vllm is installed")
async def test_vllm_without_the_extra_names_it() -> None:
    hint = "pip install 'clinic-copilot[vllm]'"
    with pytest.raises(EngineUnavailable, match=r"pip install 'clinic-copilot\[vllm\]'"):
        default_registry().load("vllm")
    from inference.vllm import VLLMEngine

    with pytest.raises(EngineUnavailable) as err:
        await VLLMEngine(EngineConfig(model="Qwen/Qwen2.5-0.5B-Instruct")).start()
    assert hint in str(err.value)
    assert select_engine(EngineConfig(model="Qwen/Qwen2.5-0.5B-Instruct"))[0] != "vllm"
