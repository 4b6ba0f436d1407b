"""inference/random_models.py: each named architecture has the real model's tensor shapes and
parameter count (the counts are the published checkpoints', written out by hand); nothing big
is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from inference.random_models import ARCHITECTURES, make_random
from inference.tiny import tensor_shapes, vocabulary

# Parameter counts of the published checkpoints (safetensors metadata on the model pages).
KNOWN_PARAMETERS = {
    "qwen2.5-0.5b": 494_032_768,
    "qwen2.5-1.5b": 1_543_714_304,
    "qwen2.5-7b": 7_615_616_512,
    "llama-3.1-8b": 8_030_261_248,
}
# (embedding, one layer's q, k, gate and down projection, output head or None when tied)
KNOWN_SHAPES = {
    "qwen2.5-0.5b": ((151936, 896), (896, 896), (128, 896), (4864, 896), (896, 4864), None),
    "qwen2.5-1.5b": ((151936, 1536), (1536, 1536), (256, 1536), (8960, 1536), (1536, 8960), None),
    "qwen2.5-7b": (
        (152064, 3584), (3584, 3584), (512, 3584), (18944, 3584), (3584, 18944), (152064, 3584)
    ),
    "llama-3.1-8b": (
        (128256, 4096), (4096, 4096), (1024, 4096), (14336, 4096), (4096, 14336), (128256, 4096)
    ),
}  # fmt: skip
LAYERS = {"qwen2.5-0.5b": 24, "qwen2.5-1.5b": 28, "qwen2.5-7b": 28, "llama-3.1-8b": 32}


@pytest.mark.parametrize("name", sorted(KNOWN_PARAMETERS))
def test_parameter_count_matches_the_published_model(name: str) -> None:
    assert ARCHITECTURES[name].parameters == KNOWN_PARAMETERS[name]


@pytest.mark.parametrize("name", sorted(KNOWN_SHAPES))
def test_tensor_shapes_match_the_published_model(name: str) -> None:
    dims = tensor_shapes(ARCHITECTURES[name].shape)
    embed, q, k, gate, down, head = KNOWN_SHAPES[name]
    layer = "model.layers.3."
    assert dims["model.embed_tokens.weight"] == embed
    assert dims[layer + "self_attn.q_proj.weight"] == q
    assert dims[layer + "self_attn.k_proj.weight"] == k
    assert dims[layer + "mlp.gate_proj.weight"] == gate
    assert dims[layer + "mlp.down_proj.weight"] == down
    assert dims.get("lm_head.weight") == head
    assert sum(1 for n in dims if n.endswith("self_attn.q_proj.weight")) == LAYERS[name]
    assert (layer + "self_attn.q_proj.bias" in dims) is name.startswith("qwen")


def test_padding_rows_are_printable_normal_tokens() -> None:
    tokens, types = vocabulary(151936, printable=True)
    assert len(tokens) == len(set(tokens)) == 151936
    assert tokens[-1].startswith("Ġw") and types[-1] == 1  # streams as " w..."
    unused = vocabulary(151936)[1]
    assert unused[-1] == 5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"like": "gpt-5"}, "unknown architecture"),
        ({"like": "qwen2.5-0.5b", "fmt": "onnx"}, "format"),
        ({"like": "qwen2.5-0.5b", "quant": "q4_k_m"}, "quant"),
        ({"like": "qwen2.5-0.5b", "fmt": "hf", "quant": "q8_0"}, "quant"),
    ],
)
def test_bad_choices_are_refused_before_anything_is_written(
    tmp_path: Path, kwargs: dict[str, str], message: str
) -> None:
    like = kwargs.pop("like")
    with pytest.raises(ValueError, match=message):
        make_random(like, tmp_path, **kwargs)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []
