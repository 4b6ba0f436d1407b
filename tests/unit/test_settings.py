from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.settings import Settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for key in list(os.environ):
        if key.startswith("ASSISTANT_"):
            monkeypatch.delenv(key)


def test_contract_names_map_to_nested_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {
        "ASSISTANT_DATABASE_URL": "postgresql+asyncpg://u@h/db",
        "ASSISTANT_REDIS_URL": "redis://h:1/2",
        "ASSISTANT_DATA_DIR": "/srv/clinic",
        "ASSISTANT_ENGINE": "llamacpp",
        "ASSISTANT_MODEL": "/models/q.gguf",
        "ASSISTANT_OPENAI_BASE_URLS": "http://a:8000/v1, http://b:8000/v1",
        "ASSISTANT_NLU_MODEL_DIR": "/srv/nlu",
        "ASSISTANT_KEY_FILE": "/srv/keys.json",
        "ASSISTANT_SMTP_HOST": "mail.local",
        "ASSISTANT_SMTP_PORT": "2525",
        "ASSISTANT_SMTP_USERNAME": "clinic",
        "ASSISTANT_SMTP_PASSWORD": "pw",
        "ASSISTANT_SMTP_STARTTLS": "true",
        "ASSISTANT_APPROVAL_TTL_HOURS": "6",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    s = Settings()
    assert s.database_url == "postgresql+asyncpg://u@h/db"
    assert s.redis.url == "redis://h:1/2"
    assert s.data_dir == Path("/srv/clinic")
    assert s.engine == "llamacpp"
    assert s.model == "/models/q.gguf"
    assert s.openai_base_urls == ["http://a:8000/v1", "http://b:8000/v1"]
    assert s.nlu_dir == Path("/srv/nlu")
    assert s.keys_path == Path("/srv/keys.json")
    assert (s.smtp.host, s.smtp.port, s.smtp.username, s.smtp.starttls) == (
        "mail.local",
        2525,
        "clinic",
        True,
    )
    assert s.smtp.password is not None and s.smtp.password.get_secret_value() == "pw"
    assert s.approval.ttl_hours == 6


def test_defaults_put_state_under_data_dir() -> None:
    s = Settings()
    assert s.database_url == "sqlite+aiosqlite:///var/assistant.db"
    assert s.redis.url is None
    assert s.engine == "auto"
    assert s.approval.ttl_hours == 24


def test_default_secret_refused_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="ASSISTANT_SECRET_KEY"):
        Settings()
    monkeypatch.setenv("ASSISTANT_SECRET_KEY", "a-real-secret-value-for-prod")
    assert Settings().environment == "production"


def test_bad_values_name_the_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_ENGINE", "gpt-cloud")
    with pytest.raises(ValidationError, match="engine"):
        Settings()


def test_every_field_is_described() -> None:
    def undescribed(model: type) -> list[str]:
        missing = []
        for name, field in model.model_fields.items():  # type: ignore[attr-defined]
            annotation = field.annotation
            if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
                missing += [f"{name}.{sub}" for sub in undescribed(annotation)]
            elif not field.description:
                missing.append(name)
        return missing

    assert undescribed(Settings) == []


class _Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("configured", "tty", "written"),
    [
        ("auto", True, "console"),
        ("auto", False, "json"),
        ("json", True, "json"),
        ("console", False, "console"),
    ],
)
def test_log_format_auto_follows_whether_the_output_is_a_terminal(
    configured: str, tty: bool, written: str
) -> None:
    settings = Settings(log={"format": configured})
    assert settings.log.format_for(_Stream(tty)) == written


def test_log_format_defaults_to_auto() -> None:
    assert Settings().log.format == "auto"


def test_rate_limits_are_read_from_their_names(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = Settings().rate
    assert (defaults.chat_per_minute, defaults.v1_per_minute, defaults.streams) == (20, 60, 8)
    monkeypatch.setenv("ASSISTANT_RATE_CHAT_PER_MINUTE", "0")
    monkeypatch.setenv("ASSISTANT_RATE_V1_PER_MINUTE", "500")
    monkeypatch.setenv("ASSISTANT_RATE_STREAMS", "3")
    monkeypatch.setenv("ASSISTANT_RATE_STREAM_LEASE_SECONDS", "10")
    rate = Settings().rate
    assert (rate.chat_per_minute, rate.v1_per_minute, rate.streams) == (0, 500, 3)
    assert rate.stream_lease_seconds == 10
    monkeypatch.setenv("ASSISTANT_RATE_STREAMS", "-1")
    with pytest.raises(ValidationError, match="streams"):
        Settings()
