"""inference/tiny.py: the tiny models are what the tests think they are."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_tiny_gguf_metadata(tiny_gguf: Path) -> None:
    gguf = pytest.importorskip("gguf")
    reader = gguf.GGUFReader(str(tiny_gguf))
    fields = reader.fields
    assert bytes(fields["general.architecture"].parts[-1]).decode() == "llama"
    assert bytes(fields["tokenizer.ggml.model"].parts[-1]).decode() == "gpt2"
    assert len(fields["tokenizer.ggml.merges"].data) >= 1
    assert "tokenizer.chat_template" in fields
    assert all(t.tensor_type == gguf.GGMLQuantizationType.F32 for t in reader.tensors)


def test_tiny_hf_tokenizer_round_trips(tiny_hf_dir: Path) -> None:
    transformers = pytest.importorskip("transformers")
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(tiny_hf_dir))
    ids = tokenizer("<|im_start|>user\nhé the<|im_end|>", add_special_tokens=False)["input_ids"]
    assert ids[0] == tokenizer.convert_tokens_to_ids("<|im_start|>")
    assert tokenizer.decode(ids) == "<|im_start|>user\nhé the<|im_end|>"
    assert tokenizer.chat_template


def test_qwen_shape_is_qwen25_05b() -> None:
    from inference.tiny import QWEN25_05B, vocabulary

    assert (
        QWEN25_05B.hidden,
        QWEN25_05B.layers,
        QWEN25_05B.heads,
        QWEN25_05B.kv_heads,
        QWEN25_05B.ffn,
    ) == (896, 24, 14, 2, 4864)
    assert len(vocabulary(QWEN25_05B.vocab_size)[0]) == 151_936
