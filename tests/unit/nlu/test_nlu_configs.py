"""The fast config is the full pipeline trained for fewer steps, so tests exercise what ships."""

from __future__ import annotations

from typing import Any

from thinc.api import Config

from assistant.nlu.train import FAST_CONFIG, FULL_CONFIG


def _load(path: Any) -> Config:
    return Config().from_disk(path, interpolate=False)


def test_fast_and_full_configs_build_the_same_pipeline() -> None:
    full, fast = _load(FULL_CONFIG), _load(FAST_CONFIG)
    assert full["nlp"] == fast["nlp"]
    assert full["components"] == fast["components"]
    assert full["nlp"]["pipeline"] == ["ner", "assistant_contact_rules", "textcat"]


def test_the_full_config_trains_longer() -> None:
    full, fast = _load(FULL_CONFIG), _load(FAST_CONFIG)
    assert full["training"]["max_steps"] > fast["training"]["max_steps"]
