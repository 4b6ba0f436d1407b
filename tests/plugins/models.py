"""Tiny random-weight models, built once per session, for every suite that needs a model.

Register with `pytest_plugins = ["tests.plugins.models"]` in tests/conftest.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def tiny_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A loadable llama GGUF (about 0.4 MB): byte-level BPE, ChatML template, f32 weights."""
    pytest.importorskip("gguf", reason="building a GGUF needs the gguf package")
    from inference.tiny import build_tiny_gguf

    return build_tiny_gguf(tmp_path_factory.mktemp("tiny-gguf") / "tiny.gguf")


@pytest.fixture(scope="session")
def tiny_hf_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same vocabulary and template as an HF directory (config, safetensors, tokenizer)."""
    pytest.importorskip("tokenizers", reason="building the HF tokenizer needs `tokenizers`")
    pytest.importorskip("safetensors", reason="writing weights needs `safetensors`")
    from inference.tiny import build_tiny_hf

    return build_tiny_hf(tmp_path_factory.mktemp("tiny-hf") / "tiny-hf")
