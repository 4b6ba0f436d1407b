"""Random-weight models built offline: a tiny Llama for tests (GGUF and HF directory) and a
GGUF with Qwen2.5-0.5B's real shape for honest speed figures (weights random, say so).

Nothing here can be downloaded on the development machines, so tests exercise the real
loading, tokenizing, streaming and grammar code on these. Needs numpy + gguf (GGUF) or
tokenizers + safetensors (HF), imported inside the functions.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inference.templates import CHATML_TEMPLATE

MERGES = (("Ġ", "t"), ("h", "e"), ("i", "n"))
SPECIALS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")


@dataclass(frozen=True, slots=True)
class ModelShape:
    arch: str
    hidden: int
    layers: int
    heads: int
    kv_heads: int
    ffn: int
    context: int
    vocab_size: int | None = None
    """Total rows of the embedding; None: exactly the byte-level vocabulary. Extra rows are
    unused padding tokens (Qwen pads its 151,665 tokens to 151,936)."""
    rope_theta: float = 10000.0
    tied: bool = False


TINY = ModelShape(arch="llama", hidden=64, layers=2, heads=4, kv_heads=2, ffn=128, context=2048)
QWEN25_05B = ModelShape(
    arch="qwen2",
    hidden=896,
    layers=24,
    heads=14,
    kv_heads=2,
    ffn=4864,
    context=32768,
    vocab_size=151936,
    rope_theta=1_000_000.0,
    tied=True,
)


def byte_tokens() -> list[str]:
    """GPT-2's printable stand-ins for the 256 byte values, in byte order."""
    printable = [*range(33, 127), *range(161, 173), *range(174, 256)]
    extra = iter(range(256, 512))
    return [chr(b) if b in printable else chr(next(extra)) for b in range(256)]


PADDING_TEXT = "Ġw{:x}"
"""Unused rows of a padded vocabulary, made printable (" w1f"): a random model samples them
nearly always, and each then streams as one visible delta rather than as nothing."""


def vocabulary(size: int | None = None, printable: bool = False) -> tuple[list[str], list[int]]:
    """Tokens and GGUF token types: bytes, merges, control tokens, then padding rows: unused
    (type 5) or, with `printable`, normal tokens with visible texts."""
    tokens = [*byte_tokens(), *("".join(m) for m in MERGES), *SPECIALS]
    types = [1] * (len(tokens) - len(SPECIALS)) + [3] * len(SPECIALS)  # 1 normal, 3 control
    pad = max(0, (size or 0) - len(tokens))
    tokens += [PADDING_TEXT.format(i) if printable else f"[PAD{i}]" for i in range(pad)]
    types += [1 if printable else 5] * pad  # 5 unused
    return tokens, types


def special_id(token: str) -> int:
    return 256 + len(MERGES) + SPECIALS.index(token)


def tensor_shapes(shape: ModelShape) -> dict[str, tuple[int, ...]]:
    """HF tensor names and shapes ([out, in] like PyTorch) of a Llama/Qwen2 decoder."""
    vocab = shape.vocab_size or len(vocabulary()[0])
    h, head_dim = shape.hidden, shape.hidden // shape.heads
    kv = shape.kv_heads * head_dim
    dims: dict[str, tuple[int, ...]] = {"model.embed_tokens.weight": (vocab, h)}
    for i in range(shape.layers):
        p = f"model.layers.{i}."
        dims[p + "input_layernorm.weight"] = (h,)
        dims[p + "post_attention_layernorm.weight"] = (h,)
        dims[p + "self_attn.q_proj.weight"] = (h, h)
        dims[p + "self_attn.k_proj.weight"] = (kv, h)
        dims[p + "self_attn.v_proj.weight"] = (kv, h)
        dims[p + "self_attn.o_proj.weight"] = (h, h)
        dims[p + "mlp.gate_proj.weight"] = (shape.ffn, h)
        dims[p + "mlp.up_proj.weight"] = (shape.ffn, h)
        dims[p + "mlp.down_proj.weight"] = (h, shape.ffn)
        if shape.arch == "qwen2":  # Qwen2 has biases on q, k and v
            for name, rows in (("q", h), ("k", kv), ("v", kv)):
                dims[p + f"self_attn.{name}_proj.bias"] = (rows,)
    dims["model.norm.weight"] = (h,)
    if not shape.tied:
        dims["lm_head.weight"] = (vocab, h)
    return dims


def parameter_count(shape: ModelShape) -> int:
    return sum(math.prod(dims) for dims in tensor_shapes(shape).values())


def random_tensor(rng: Any, name: str, dims: tuple[int, ...]) -> Any:
    """Norm weights 1, biases 0, matrices normal with a scale that keeps activations finite."""
    import numpy as np

    if name.endswith("norm.weight"):
        return np.ones(dims, dtype=np.float32)
    if name.endswith(".bias"):
        return np.zeros(dims, dtype=np.float32)
    scale = np.float32(0.5 / np.sqrt(dims[-1]))
    return rng.standard_normal(dims, dtype=np.float32) * scale


def random_tensors(shape: ModelShape, seed: int = 0) -> Iterator[tuple[str, Any]]:
    """Float32 tensors one at a time, in a fixed order (a big model never sits in memory)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    for name, dims in tensor_shapes(shape).items():
        yield name, random_tensor(rng, name, dims)


def random_weights(shape: ModelShape, seed: int = 0) -> dict[str, Any]:
    """HF-named float32 tensors ([out, in] like PyTorch), all in memory: small models only."""
    return dict(random_tensors(shape, seed))


_GGUF_NAMES = {
    "input_layernorm.weight": "attn_norm.weight",
    "post_attention_layernorm.weight": "ffn_norm.weight",
    "self_attn.q_proj.weight": "attn_q.weight",
    "self_attn.k_proj.weight": "attn_k.weight",
    "self_attn.v_proj.weight": "attn_v.weight",
    "self_attn.o_proj.weight": "attn_output.weight",
    "self_attn.q_proj.bias": "attn_q.bias",
    "self_attn.k_proj.bias": "attn_k.bias",
    "self_attn.v_proj.bias": "attn_v.bias",
    "mlp.gate_proj.weight": "ffn_gate.weight",
    "mlp.up_proj.weight": "ffn_up.weight",
    "mlp.down_proj.weight": "ffn_down.weight",
}
_GGUF_TOP = {
    "model.embed_tokens.weight": "token_embd.weight",
    "model.norm.weight": "output_norm.weight",
    "lm_head.weight": "output.weight",
}
GGUF_QUANTS = ("f32", "f16", "q8_0")
"""What the `gguf` package writes by itself (it has no K-quant encoder)."""


def gguf_name(hf_name: str) -> str:
    if hf_name in _GGUF_TOP:
        return _GGUF_TOP[hf_name]
    _, _, layer, rest = hf_name.split(".", 3)
    return f"blk.{layer}.{_GGUF_NAMES[rest]}"


def _gguf_encoding(dims: tuple[int, ...], quant: str) -> tuple[Any, int]:
    """(GGML type, bytes) of one tensor: vectors stay f32; Q8_0 needs rows of 32."""
    import gguf

    types = gguf.GGMLQuantizationType
    if len(dims) == 1 or quant == "f32" or (quant == "q8_0" and dims[-1] % 32):
        return types.F32, 4 * math.prod(dims)
    if quant == "f16":
        return types.F16, 2 * math.prod(dims)
    return types.Q8_0, math.prod(gguf.quants.quant_shape_to_byte_shape(dims, types.Q8_0))


def _gguf_data(tensor: Any, ggml_type: Any) -> Any:
    import gguf
    import numpy as np

    types = gguf.GGMLQuantizationType
    if ggml_type == types.F32:
        return np.ascontiguousarray(tensor)
    if ggml_type == types.F16:
        return tensor.astype(np.float16)
    return gguf.quants.quantize(tensor, ggml_type)


def build_gguf(
    path: Path,
    shape: ModelShape = TINY,
    seed: int = 0,
    quant: str = "f32",
    *,
    printable: bool = False,
    description: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Write a loadable GGUF: byte-level "gpt2" BPE vocabulary (with merges: llama.cpp refuses
    an empty list), ChatML template, `quant` matrices. Tensors are generated and written one at
    a time, so a 7B model needs one tensor's memory, not the model's."""
    import gguf

    if quant not in GGUF_QUANTS:
        raise ValueError(f"quant {quant!r}: the gguf package writes {', '.join(GGUF_QUANTS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tokens, types = vocabulary(shape.vocab_size, printable)
    file_types = {"f32": gguf.LlamaFileType.ALL_F32, "f16": gguf.LlamaFileType.MOSTLY_F16,
                  "q8_0": gguf.LlamaFileType.MOSTLY_Q8_0}  # fmt: skip
    writer = gguf.GGUFWriter(str(path), shape.arch)
    writer.add_name(f"random-{shape.arch}-{shape.hidden}x{shape.layers}")
    if description:
        writer.add_description(description)
    writer.add_context_length(shape.context)
    writer.add_embedding_length(shape.hidden)
    writer.add_block_count(shape.layers)
    writer.add_feed_forward_length(shape.ffn)
    writer.add_head_count(shape.heads)
    writer.add_head_count_kv(shape.kv_heads)
    writer.add_rope_dimension_count(shape.hidden // shape.heads)
    writer.add_rope_freq_base(shape.rope_theta)
    writer.add_layer_norm_rms_eps(1e-6)
    writer.add_file_type(file_types[quant])
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges([" ".join(m) for m in MERGES])
    writer.add_bos_token_id(special_id("<|endoftext|>"))
    writer.add_eos_token_id(special_id("<|im_end|>"))
    writer.add_pad_token_id(special_id("<|endoftext|>"))
    writer.add_add_bos_token(False)
    writer.add_chat_template(CHATML_TEMPLATE)
    dims = tensor_shapes(shape)
    encodings = {name: _gguf_encoding(d, quant) for name, d in dims.items()}
    for name, d in dims.items():
        ggml_type, nbytes = encodings[name]
        writer.add_tensor_info(gguf_name(name), d, _float32(), nbytes, raw_dtype=ggml_type)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    for done, (name, tensor) in enumerate(random_tensors(shape, seed), 1):
        writer.write_tensor_data(_gguf_data(tensor, encodings[name][0]))
        if progress is not None:
            progress(done, len(dims))
    writer.close()
    return path


def _float32() -> Any:
    import numpy as np

    return np.dtype(np.float32)


def build_tiny_gguf(path: Path, seed: int = 0) -> Path:
    return build_gguf(path, TINY, seed)


def build_qwen25_05b_shaped_gguf(path: Path, seed: int = 0) -> Path:
    """About 640 MB, Q8_0: for benchmarks (latency, throughput), never for answers."""
    return build_gguf(path, QWEN25_05B, seed, "q8_0")


HF_ARCHITECTURES = {"llama": "LlamaForCausalLM", "qwen2": "Qwen2ForCausalLM"}
SHARD_BYTES = 2_000_000_000


def hf_config(shape: ModelShape, vocab: int, dtype: str = "float32") -> dict[str, Any]:
    eos, pad = special_id("<|im_end|>"), special_id("<|endoftext|>")
    return {
        "architectures": [HF_ARCHITECTURES[shape.arch]],
        "model_type": shape.arch,
        "vocab_size": vocab,
        "hidden_size": shape.hidden,
        "intermediate_size": shape.ffn,
        "num_hidden_layers": shape.layers,
        "num_attention_heads": shape.heads,
        "num_key_value_heads": shape.kv_heads,
        "max_position_embeddings": shape.context,
        "rms_norm_eps": 1e-6,
        "rope_theta": shape.rope_theta,
        "tie_word_embeddings": shape.tied,
        "hidden_act": "silu",
        "bos_token_id": pad,
        "eos_token_id": eos,
        "pad_token_id": pad,
        "torch_dtype": dtype,
    }


def _write_hf_tokenizer(directory: Path, tokens: list[str], context: int) -> None:
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

    bpe = models.BPE(vocab={tok: i for i, tok in enumerate(tokens)}, merges=list(MERGES))
    tokenizer = Tokenizer(bpe)
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in SPECIALS])
    tokenizer.save(str(directory / "tokenizer.json"))
    (directory / "tokenizer_config.json").write_text(
        json.dumps(
            {
                "tokenizer_class": "PreTrainedTokenizerFast",
                "eos_token": "<|im_end|>",
                "pad_token": "<|endoftext|>",
                "bos_token": None,
                "model_max_length": context,
                "clean_up_tokenization_spaces": False,
                "chat_template": CHATML_TEMPLATE,
            },
            indent=2,
        )
    )
    (directory / "chat_template.jinja").write_text(CHATML_TEMPLATE)


def build_hf(
    directory: Path,
    shape: ModelShape = TINY,
    seed: int = 0,
    *,
    dtype: str = "float32",
    printable: bool = False,
    config_extra: dict[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """config.json + safetensors (sharded past 2 GB, with an index) + tokenizer.json (made by
    `tokenizers`) + chat template. `dtype` float32 or float16; tensors are generated a shard at
    a time."""
    import numpy as np
    from safetensors.numpy import save_file

    if dtype not in ("float32", "float16"):
        raise ValueError(f"dtype {dtype!r}: float32 or float16")
    directory.mkdir(parents=True, exist_ok=True)
    tokens, _ = vocabulary(shape.vocab_size, printable)
    _write_hf_tokenizer(directory, tokens, shape.context)
    config = {**hf_config(shape, len(tokens), dtype), **(config_extra or {})}
    (directory / "config.json").write_text(json.dumps(config, indent=2))
    eos, pad = special_id("<|im_end|>"), special_id("<|endoftext|>")
    (directory / "generation_config.json").write_text(
        json.dumps({"bos_token_id": pad, "eos_token_id": eos, "pad_token_id": pad})
    )
    width = 2 if dtype == "float16" else 4
    dims = tensor_shapes(shape)
    shards: list[list[str]] = [[]]
    size = 0
    for name, d in dims.items():
        nbytes = width * math.prod(d)
        if shards[-1] and size + nbytes > SHARD_BYTES:
            shards.append([])
            size = 0
        shards[-1].append(name)
        size += nbytes
    files = (
        ["model.safetensors"]
        if len(shards) == 1
        else [f"model-{i + 1:05d}-of-{len(shards):05d}.safetensors" for i in range(len(shards))]
    )
    tensors = random_tensors(shape, seed)
    done = 0
    for names, filename in zip(shards, files, strict=True):
        part: dict[str, Any] = {}
        for expected in names:
            name, tensor = next(tensors)
            assert name == expected
            part[name] = tensor.astype(np.float16) if dtype == "float16" else tensor
            done += 1
            if progress is not None:
                progress(done, len(dims))
        save_file(part, str(directory / filename), metadata={"format": "pt"})
    if len(files) > 1:
        total = sum(width * math.prod(d) for d in dims.values())
        index = {
            "metadata": {"total_size": total},
            "weight_map": {n: f for names, f in zip(shards, files, strict=True) for n in names},
        }
        (directory / "model.safetensors.index.json").write_text(json.dumps(index, indent=2))
    return directory


def build_tiny_hf(directory: Path, seed: int = 0, shape: ModelShape = TINY) -> Path:
    """The tiny model as an HF directory (float32, one safetensors file)."""
    return build_hf(directory, shape, seed)
