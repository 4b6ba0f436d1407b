"""Hosted-provider settings: off by default, keys kept secret, file-only in production."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.remote.config import ProviderKeyError, provider_configs
from assistant.settings import Settings

SECRET = "sk-live-0123456789abcdef"


def test_off_unless_configured() -> None:
    settings = Settings(environment="test")
    assert settings.remote.providers == [] and provider_configs(settings.remote) == []


def test_providers_in_order_with_their_own_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_REMOTE_PROVIDERS", "anthropic, openai")
    monkeypatch.setenv("ASSISTANT_REMOTE_ANTHROPIC_API_KEY", SECRET)
    monkeypatch.setenv("ASSISTANT_REMOTE_OPENAI_API_KEY", "sk-other")
    monkeypatch.setenv("ASSISTANT_REMOTE_OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("ASSISTANT_REMOTE_OPENAI_MODEL", "local-proxy-model")
    monkeypatch.setenv("ASSISTANT_REMOTE_ANTHROPIC_TIMEOUT_SECONDS", "12")
    monkeypatch.setenv("ASSISTANT_REMOTE_USE", "drafts")
    configs = provider_configs(Settings(environment="test").remote)
    assert [(c.name, c.model, c.base_url, c.timeout_seconds) for c in configs] == [
        ("anthropic", "claude-3-5-haiku-latest", None, 12.0),
        ("openai", "local-proxy-model", "http://127.0.0.1:9/v1", 30.0),
    ]
    shown = repr(configs) + repr(Settings(environment="test")) + str(configs)
    assert SECRET not in shown  # never in a repr, and so never in a log line


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ASSISTANT_REMOTE_PROVIDERS": "gemini"}, "unknown hosted provider"),
        ({"ASSISTANT_REMOTE_PROVIDERS": "openai"}, "ASSISTANT_REMOTE_OPENAI_API_KEY"),
        ({"ASSISTANT_REMOTE_PROVIDERS": "openai,openai", "ASSISTANT_REMOTE_OPENAI_API_KEY": "k"},
         "listed twice"),
        ({"ASSISTANT_REMOTE_USE": "sometimes"}, "fallback"),
    ],
)  # fmt: skip
def test_bad_settings_are_refused_clearly(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ValidationError, match=message):
        Settings(environment="test")


def test_production_refuses_a_key_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ASSISTANT_SECRET_KEY", "a-real-secret-for-production-use")
    monkeypatch.setenv("ASSISTANT_REMOTE_PROVIDERS", "anthropic")
    monkeypatch.setenv("ASSISTANT_REMOTE_ANTHROPIC_API_KEY", SECRET)
    with pytest.raises(ValidationError, match="refused in production") as caught:
        Settings(environment="production")
    assert SECRET not in str(caught.value)
    monkeypatch.delenv("ASSISTANT_REMOTE_ANTHROPIC_API_KEY")
    key_file = tmp_path / "anthropic.key"
    key_file.write_text(SECRET + "\n")
    monkeypatch.setenv("ASSISTANT_REMOTE_ANTHROPIC_API_KEY_FILE", str(key_file))
    (config,) = provider_configs(Settings(environment="production").remote)
    assert config.api_key.get_secret_value() == SECRET


def test_an_unreadable_key_file_names_the_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ASSISTANT_REMOTE_PROVIDERS", "openai")
    monkeypatch.setenv("ASSISTANT_REMOTE_OPENAI_API_KEY_FILE", str(tmp_path / "missing.key"))
    with pytest.raises(ProviderKeyError, match=r"missing\.key"):
        provider_configs(Settings(environment="test").remote)
    (tmp_path / "empty.key").write_text("\n")
    monkeypatch.setenv("ASSISTANT_REMOTE_OPENAI_API_KEY_FILE", str(tmp_path / "empty.key"))
    with pytest.raises(ProviderKeyError, match="empty"):
        provider_configs(Settings(environment="test").remote)
