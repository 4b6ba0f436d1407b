"""Engine names -> implementations (imported only when used) and auto-selection.

A registry, not an if-chain: engines and selection rules are data, so adding a backend is
one `register` call. Importing this module imports no runtime (llama_cpp, torch, vllm).
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from inference.base import Engine, EngineUnavailable
from inference.config import EngineConfig

log = logging.getLogger("inference")

NO_ENGINE = "none"


@dataclass(frozen=True, slots=True)
class EngineSpec:
    """`target` is "module:Class"; `requires` are the import names the engine needs and
    `extra` the pip extra that installs them."""

    name: str
    target: str
    requires: tuple[str, ...] = ()
    extra: str | None = None

    def missing(self) -> list[str]:
        return [mod for mod in self.requires if importlib.util.find_spec(mod) is None]


Rule = Callable[[EngineConfig], str | None]
"""A selection rule: the reason it picks its engine for this config, or None."""


class EngineRegistry:
    def __init__(self) -> None:
        self._specs: dict[str, EngineSpec] = {}
        self._rules: list[tuple[str, Rule]] = []

    def register(self, spec: EngineSpec, rule: Rule | None = None) -> None:
        if spec.name in self._specs or spec.name == NO_ENGINE:
            raise ValueError(f"engine {spec.name!r} is already registered")
        self._specs[spec.name] = spec
        if rule is not None:
            self._rules.append((spec.name, rule))

    def names(self) -> list[str]:
        return list(self._specs)

    def spec(self, name: str) -> EngineSpec:
        try:
            return self._specs[name]
        except KeyError:
            known = ", ".join([*self._specs, NO_ENGINE])
            raise EngineUnavailable(f"unknown engine {name!r}; known: {known}") from None

    def load(self, name: str) -> type[Engine]:
        """Import the engine's module now; a missing extra becomes EngineUnavailable."""
        spec = self.spec(name)
        missing = spec.missing()
        if missing:
            hint = f": pip install 'clinic-copilot[{spec.extra}]'" if spec.extra else ""
            raise EngineUnavailable(
                f"the {name} engine needs {', '.join(missing)}, which is not installed{hint}"
            )
        module_name, _, attr = spec.target.partition(":")
        return cast(type[Engine], getattr(importlib.import_module(module_name), attr))

    def select(self, config: EngineConfig) -> tuple[str | None, str]:
        """(engine name or None, why). An explicit name wins; "auto" tries the rules in order."""
        if config.engine == NO_ENGINE:
            return None, "the engine is disabled (engine = none); running classifier-only"
        if config.engine != "auto":
            self.spec(config.engine)
            return config.engine, f"engine {config.engine!r} configured explicitly"
        for name, rule in self._rules:
            reason = rule(config)
            if reason:
                return name, reason
        if config.model:
            return None, (
                f"model {config.model!r} is neither a .gguf file nor a model directory with "
                "config.json, and no OpenAI-compatible URL is configured; running classifier-only"
            )
        return None, (
            "no model configured (a GGUF file, an HF model directory or OpenAI-compatible "
            "URLs); running classifier-only"
        )


def cuda_available() -> bool:
    """A CUDA device is visible to torch; torch is imported only when vllm is installed."""
    if importlib.util.find_spec("vllm") is None or importlib.util.find_spec("torch") is None:
        return False
    import torch

    return bool(torch.cuda.is_available())


def _vllm_rule(config: EngineConfig) -> str | None:
    if config.model and not config.model.endswith(".gguf") and cuda_available():
        return f"a CUDA GPU and vllm are present; serving {config.model} with vLLM"
    return None


def _gguf_rule(config: EngineConfig) -> str | None:
    if config.model and config.model.endswith(".gguf"):
        return f"GGUF model {config.model} configured; llama.cpp on the CPU"
    return None


def _hf_rule(config: EngineConfig) -> str | None:
    if config.model and (Path(config.model).expanduser() / "config.json").is_file():
        return f"HF model directory {config.model} configured; transformers"
    return None


def _openai_rule(config: EngineConfig) -> str | None:
    if config.base_urls:
        return f"{len(config.base_urls)} OpenAI-compatible endpoint(s) configured"
    return None


BUILTIN: tuple[tuple[EngineSpec, Rule | None], ...] = (
    (EngineSpec("vllm", "inference.vllm:VLLMEngine", ("vllm",), "vllm"), _vllm_rule),
    (
        EngineSpec("llamacpp", "inference.llamacpp:LlamaCppEngine", ("llama_cpp",), "llamacpp"),
        _gguf_rule,
    ),
    (EngineSpec("hf", "inference.hf:HFEngine", ("torch", "transformers"), "hf"), _hf_rule),
    (
        EngineSpec("openai_compat", "inference.openai_compat:OpenAICompatEngine", ("httpx",)),
        _openai_rule,
    ),
    (EngineSpec("scripted", "inference.scripted:ScriptedEngine"), None),
)


def default_registry(extra: Iterable[tuple[EngineSpec, Rule | None]] = ()) -> EngineRegistry:
    """A fresh registry with the built-in engines (and any `extra` ones)."""
    registry = EngineRegistry()
    for spec, rule in (*BUILTIN, *extra):
        registry.register(spec, rule)
    return registry


def select_engine(
    config: EngineConfig, registry: EngineRegistry | None = None
) -> tuple[str | None, str]:
    return (registry or default_registry()).select(config)


def create_engine(config: EngineConfig, registry: EngineRegistry | None = None) -> Engine | None:
    """The configured engine, not yet started (call `await engine.start()`), or None.

    Logs the choice once, with its reason, on the "inference" logger."""
    registry = registry or default_registry()
    name, reason = registry.select(config)
    log.info("inference engine: %s (%s)", name or NO_ENGINE, reason)
    if name is None:
        return None
    engine_cls = registry.load(name)
    return engine_cls(config)  # type: ignore[call-arg]
