"""Engine configuration as a plain dataclass, so `inference` never imports the app's settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from inference.base import ModelLoadError


@dataclass(slots=True)
class EngineConfig:
    """What an engine needs to start. `model` is a GGUF path, an HF directory or id, or the
    served model name for openai_compat; `api_keys[i]` belongs to `base_urls[i]`."""

    engine: str = "auto"
    model: str | None = None
    base_urls: list[str] = field(default_factory=list)
    api_keys: list[str] = field(default_factory=list)
    n_ctx: int = 4096
    n_threads: int | None = None
    parallel_slots: int = 1
    max_tokens: int = 512
    max_tokens_cap: int = 4096
    """The most tokens one reply may ask for, whatever a request says (a remote engine
    would otherwise generate, and bill, whatever a client asks)."""
    tool_call_format: str | None = None
    """hermes, llama3_json or json; None: detected from the model's chat template."""

    def __post_init__(self) -> None:
        if self.parallel_slots < 1:
            raise ValueError("parallel_slots must be at least 1")
        if self.n_ctx < 16:
            raise ValueError("n_ctx must be at least 16")
        if self.max_tokens_cap < self.max_tokens:
            raise ValueError("max_tokens_cap must be at least max_tokens")
        if len(self.api_keys) > len(self.base_urls):
            raise ValueError("more API keys than base URLs")

    def reply_tokens(self, requested: int | None) -> int:
        """The reply length to ask for: the request's, else the default; never over the cap."""
        return min(requested or self.max_tokens, self.max_tokens_cap)

    def api_key_for(self, index: int) -> str | None:
        return self.api_keys[index] if index < len(self.api_keys) and self.api_keys[index] else None

    def model_path(self, engine: str, *, inside: str | None = None) -> Path:
        """The configured model as an existing path: a file, or a directory holding `inside`.

        Raises ModelLoadError naming the path, the one error users see for a wrong path."""
        if not self.model:
            raise ModelLoadError(f"no model configured for the {engine} engine")
        path = Path(self.model).expanduser()
        if inside is not None and not (path / inside).is_file():
            raise ModelLoadError(f"model directory not found (no {inside}): {path}")
        if inside is None and not path.is_file():
            raise ModelLoadError(f"model file not found: {path}")
        return path
