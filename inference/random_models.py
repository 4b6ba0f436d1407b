"""Random-weight models with the real architecture and size of named models (`assistant models
make-random`): speed and memory measured at real scale without a model hub.

The weights are random, so replies are noise: a table made from such a model must say so. The
marker below goes into the GGUF's general.description and the HF config's `_benchmark_note`,
where the benchmarks read it. The vocabulary's unused rows get printable texts, so each
sampled token streams as one visible delta.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inference.tiny import QWEN25_05B, ModelShape, build_gguf, build_hf, parameter_count

RANDOM_MARK = "random-weights"
NOTE = f"{RANDOM_MARK}: built by `assistant models make-random`; for speed figures, never answers"


@dataclass(frozen=True, slots=True)
class Architecture:
    """A named model's shape; `reference` is the checkpoint whose config it copies."""

    name: str
    shape: ModelShape
    reference: str
    hf_extra: dict[str, Any] = field(default_factory=dict)

    @property
    def parameters(self) -> int:
        return parameter_count(self.shape)


ARCHITECTURES: dict[str, Architecture] = {
    a.name: a
    for a in (
        Architecture("qwen2.5-0.5b", QWEN25_05B, "Qwen/Qwen2.5-0.5B-Instruct"),
        Architecture(
            "qwen2.5-1.5b",
            ModelShape(arch="qwen2", hidden=1536, layers=28, heads=12, kv_heads=2, ffn=8960,
                       context=32768, vocab_size=151936, rope_theta=1e6, tied=True),
            "Qwen/Qwen2.5-1.5B-Instruct",
        ),
        Architecture(
            "qwen2.5-7b",
            ModelShape(arch="qwen2", hidden=3584, layers=28, heads=28, kv_heads=4, ffn=18944,
                       context=32768, vocab_size=152064, rope_theta=1e6, tied=False),
            "Qwen/Qwen2.5-7B-Instruct",
        ),
        Architecture(
            "llama-3.1-8b",
            ModelShape(arch="llama", hidden=4096, layers=32, heads=32, kv_heads=8, ffn=14336,
                       context=131072, vocab_size=128256, rope_theta=500000.0, tied=False),
            "meta-llama/Llama-3.1-8B-Instruct",
            {"rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                              "high_freq_factor": 4.0,
                              "original_max_position_embeddings": 8192}},
        ),
    )
}  # fmt: skip
FORMATS = ("gguf", "hf")
QUANTS = {"gguf": ("q8_0", "f16", "f32"), "hf": ("f16", "f32")}
DEFAULT_QUANT = {"gguf": "q8_0", "hf": "f16"}


def architecture(name: str) -> Architecture:
    try:
        return ARCHITECTURES[name]
    except KeyError:
        known = ", ".join(ARCHITECTURES)
        raise ValueError(f"unknown architecture {name!r}; known: {known}") from None


def output_path(directory: Path, like: str, fmt: str, quant: str) -> Path:
    return directory / (f"{like}-random-{quant}.gguf" if fmt == "gguf" else f"{like}-random-hf")


def make_random(
    like: str,
    directory: Path,
    *,
    fmt: str = "gguf",
    quant: str | None = None,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Build the model; returns the GGUF file or the HF directory. ValueError names a bad
    architecture, format or quantisation."""
    arch = architecture(like)
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: one of {', '.join(FORMATS)}")
    quant = quant or DEFAULT_QUANT[fmt]
    if quant not in QUANTS[fmt]:
        raise ValueError(f"quant {quant!r} for {fmt}: one of {', '.join(QUANTS[fmt])}")
    path = output_path(directory, like, fmt, quant)
    if fmt == "gguf":
        return build_gguf(path, arch.shape, seed, quant, printable=True, description=NOTE,
                          progress=progress)  # fmt: skip
    dtype = "float16" if quant == "f16" else "float32"
    extra = {**arch.hf_extra, "_benchmark_note": NOTE}
    return build_hf(path, arch.shape, seed, dtype=dtype, printable=True, config_extra=extra,
                    progress=progress)  # fmt: skip
