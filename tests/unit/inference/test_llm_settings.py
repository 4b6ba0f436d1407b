"""assistant/llm.py: the app's settings map onto EngineConfig."""

from __future__ import annotations

from assistant.llm import describe_engine, engine_config
from assistant.settings import get_settings


def test_settings_map_to_engine_config() -> None:
    settings = get_settings(
        engine="openai_compat",
        model="qwen",
        openai_base_urls="http://a/v1,http://b/v1",
        llm={"api_keys": "k1,k2", "n_ctx": 8192, "parallel_slots": 3, "max_tokens": 99},
    )
    config = engine_config(settings)
    assert config.engine == "openai_compat" and config.model == "qwen"
    assert config.base_urls == ["http://a/v1", "http://b/v1"]
    assert config.api_keys == ["k1", "k2"] and config.n_ctx == 8192
    assert config.parallel_slots == 3 and config.max_tokens == 99
    assert describe_engine(settings)[0] == "openai_compat"
