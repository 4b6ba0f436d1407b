"""The bridge from the app's settings to the inference layer's plain EngineConfig.

`inference` must not import `assistant`, so this is the one place that knows both.
"""

from __future__ import annotations

from assistant.settings import Settings
from inference.base import Engine
from inference.config import EngineConfig
from inference.registry import create_engine, select_engine


def engine_config(settings: Settings) -> EngineConfig:
    llm = settings.llm
    return EngineConfig(
        engine=settings.engine,
        model=settings.model,
        base_urls=list(settings.openai_base_urls),
        api_keys=list(llm.api_keys),
        n_ctx=llm.n_ctx,
        n_threads=llm.n_threads,
        parallel_slots=llm.parallel_slots,
        max_tokens=llm.max_tokens,
        max_tokens_cap=llm.max_tokens_cap,
    )


def describe_engine(settings: Settings) -> tuple[str | None, str]:
    """(engine name or None, reason): what /readyz and `assistant chat` report."""
    return select_engine(engine_config(settings))


def build_engine(settings: Settings) -> Engine | None:
    """The configured engine, not yet started; None means classifier-only."""
    return create_engine(engine_config(settings))
