"""Random-weight models built offline: a tiny Llama for tests (GGUF and HF directory) and a
GGUF with Qwen2.5-0.5B's real shape for honest speed figures (weights random, say so).

Nothing here can be downloaded on the development machines, so tests exercise the real
loading, tokenizing, streaming and grammar code on these. Needs numpy + gguf (GGUF) or
tokenizers + safetensors (HF), imported inside the functions.
"""

from __future__ import annotations

import json
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


def vocabulary(size: int | None = None) -> tuple[list[str], list[int]]:
    """Tokens and GGUF token types: bytes, merges, control tokens, then unused padding."""
    tokens = [*byte_tokens(), *("".join(m) for m in MERGES), *SPECIALS]
    types = [1] * (len(tokens) - len(SPECIALS)) + [3] * len(SPECIALS)  # 1 normal, 3 control
    pad = max(0, (size or 0) - len(tokens))
    tokens += [f"[PAD{i}]" for i in range(pad)]
    types += [5] * pad  # 5 unused
    return tokens, types


def special_id(token: str) -> int:
    return 256 + len(MERGES) + SPECIALS.index(token)


def random_weights(shape: ModelShape, seed: int = 0) -> dict[str, Any]:
    """HF-named float32 tensors ([out, in] like PyTorch)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    vocab = len(vocabulary(shape.vocab_size)[0])
    head_dim = shape.hidden // shape.heads
    kv = shape.kv_heads * head_dim

    def rand(*dims: int) -> Any:
        scale = np.float32(0.5 / np.sqrt(dims[-1]))
        return rng.standard_normal(dims, dtype=np.float32) * scale

    w: dict[str, Any] = {"model.embed_tokens.weight": rand(vocab, shape.hidden)}
    for i in range(shape.layers):
        p = f"model.layers.{i}."
        w[p + "input_layernorm.weight"] = np.ones(shape.hidden, dtype=np.float32)
        w[p + "post_attention_layernorm.weight"] = np.ones(shape.hidden, dtype=np.float32)
        w[p + "self_attn.q_proj.weight"] = rand(shape.hidden, shape.hidden)
        w[p + "self_attn.k_proj.weight"] = rand(kv, shape.hidden)
        w[p + "self_attn.v_proj.weight"] = rand(kv, shape.hidden)
        w[p + "self_attn.o_proj.weight"] = rand(shape.hidden, shape.hidden)
        w[p + "mlp.gate_proj.weight"] = rand(shape.ffn, shape.hidden)
        w[p + "mlp.up_proj.weight"] = rand(shape.ffn, shape.hidden)
        w[p + "mlp.down_proj.weight"] = rand(shape.hidden, shape.ffn)
        if shape.arch == "qwen2":
            for name, rows in (("q", shape.hidden), ("k", kv), ("v", kv)):
                w[p + f"self_attn.{name}_proj.bias"] = np.zeros(rows, dtype=np.float32)
    w["model.norm.weight"] = np.ones(shape.hidden, dtype=np.float32)
    if not shape.tied:
        w["lm_head.weight"] = rand(vocab, shape.hidden)
    return w


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


def gguf_name(hf_name: str) -> str:
    if hf_name in _GGUF_TOP:
        return _GGUF_TOP[hf_name]
    _, _, layer, rest = hf_name.split(".", 3)
    return f"blk.{layer}.{_GGUF_NAMES[rest]}"


def build_gguf(path: Path, shape: ModelShape = TINY, seed: int = 0, quantize: bool = False) -> Path:
    """Write a loadable GGUF: byte-level "gpt2" BPE vocabulary (with merges: llama.cpp refuses
    an empty list), ChatML template, f32 tensors (Q8_0 matrices with `quantize`)."""
    import gguf
    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    tokens, types = vocabulary(shape.vocab_size)
    writer = gguf.GGUFWriter(str(path), shape.arch)
    writer.add_name(f"random-{shape.arch}-{shape.hidden}x{shape.layers}")
    writer.add_context_length(shape.context)
    writer.add_embedding_length(shape.hidden)
    writer.add_block_count(shape.layers)
    writer.add_feed_forward_length(shape.ffn)
    writer.add_head_count(shape.heads)
    writer.add_head_count_kv(shape.kv_heads)
    writer.add_rope_dimension_count(shape.hidden // shape.heads)
    writer.add_rope_freq_base(shape.rope_theta)
    writer.add_layer_norm_rms_eps(1e-6)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_Q8_0 if quantize else gguf.LlamaFileType.ALL_F32)
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
    q8 = gguf.GGMLQuantizationType.Q8_0
    for name, tensor in random_weights(shape, seed).items():
        matrix = tensor.ndim == 2 and tensor.shape[1] % 32 == 0
        if quantize and matrix:
            writer.add_tensor(gguf_name(name), gguf.quants.quantize(tensor, q8), raw_dtype=q8)
        else:
            writer.add_tensor(gguf_name(name), np.ascontiguousarray(tensor))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def build_tiny_gguf(path: Path, seed: int = 0) -> Path:
    return build_gguf(path, TINY, seed)


def build_qwen25_05b_shaped_gguf(path: Path, seed: int = 0) -> Path:
    """About 640 MB, Q8_0: for benchmarks (latency, throughput), never for answers."""
    return build_gguf(path, QWEN25_05B, seed, quantize=True)


def build_tiny_hf(directory: Path, seed: int = 0, shape: ModelShape = TINY) -> Path:
    """config.json + model.safetensors + tokenizer.json (made by `tokenizers`) + template."""
    from safetensors.numpy import save_file
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

    directory.mkdir(parents=True, exist_ok=True)
    tokens, _ = vocabulary(shape.vocab_size)
    bpe = models.BPE(
        vocab={tok: i for i, tok in enumerate(tokens[: 256 + len(MERGES)])}, merges=list(MERGES)
    )
    tokenizer = Tokenizer(bpe)
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in SPECIALS])
    tokenizer.save(str(directory / "tokenizer.json"))
    eos, pad = special_id("<|im_end|>"), special_id("<|endoftext|>")
    config = {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "vocab_size": len(tokens),
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
        "torch_dtype": "float32",
    }
    (directory / "config.json").write_text(json.dumps(config, indent=2))
    (directory / "generation_config.json").write_text(
        json.dumps({"bos_token_id": pad, "eos_token_id": eos, "pad_token_id": pad})
    )
    (directory / "tokenizer_config.json").write_text(
        json.dumps(
            {
                "tokenizer_class": "PreTrainedTokenizerFast",
                "eos_token": "<|im_end|>",
                "pad_token": "<|endoftext|>",
                "bos_token": None,
                "model_max_length": shape.context,
                "clean_up_tokenization_spaces": False,
                "chat_template": CHATML_TEMPLATE,
            },
            indent=2,
        )
    )
    (directory / "chat_template.jinja").write_text(CHATML_TEMPLATE)
    save_file(
        random_weights(shape, seed), str(directory / "model.safetensors"), metadata={"format": "pt"}
    )
    return directory
