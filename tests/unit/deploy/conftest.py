"""What the deploy files may set: the ASSISTANT_* names the settings know, parsed as the app
parses its environment (Settings ignores unknown names, so a misspelt one would pass
silently)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

import pytest
from pydantic import BaseModel

from assistant.settings import Settings


def _names(model: type[BaseModel], prefix: str) -> set[str]:
    names = set()
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names |= _names(annotation, f"{prefix}{name.upper()}_")
        else:
            names.add(f"{prefix}{name.upper()}")
    return names


@pytest.fixture(scope="session")
def setting_names() -> set[str]:
    return _names(Settings, "ASSISTANT_")


@pytest.fixture
def settings_from(monkeypatch: pytest.MonkeyPatch) -> Callable[[Mapping[str, str]], Settings]:
    """Settings built from exactly these ASSISTANT_* variables."""

    def build(env: Mapping[str, str]) -> Settings:
        for key in list(os.environ):
            if key.startswith("ASSISTANT_"):
                monkeypatch.delenv(key)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        return Settings()

    return build
