"""What one provider gets from the settings: its key (read from a file where configured)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import SecretStr

from assistant.settings import RemoteSettings


class ProviderKeyError(ValueError):
    """A provider's key file is missing, unreadable or empty (the message names the file)."""


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    """`api_key` is a SecretStr so no repr, log line or /readyz can show it."""

    name: str
    model: str
    api_key: SecretStr = field(repr=False)
    base_url: str | None = None
    timeout_seconds: float = 30.0


def _key(remote: RemoteSettings, name: str) -> SecretStr:
    path = getattr(remote, f"{name}_api_key_file")
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ProviderKeyError(
                f"cannot read the {name} key file {path}: {exc.strerror}"
            ) from None
        if not text:
            raise ProviderKeyError(f"the {name} key file {path} is empty")
        return SecretStr(text)
    key: SecretStr | None = getattr(remote, f"{name}_api_key")
    assert key is not None  # RemoteSettings refuses a listed provider without either
    return key


def provider_configs(remote: RemoteSettings) -> list[ProviderConfig]:
    """The configured providers, in the order they are tried."""
    return [
        ProviderConfig(
            name=name,
            model=getattr(remote, f"{name}_model"),
            api_key=_key(remote, name),
            base_url=getattr(remote, f"{name}_base_url"),
            timeout_seconds=getattr(remote, f"{name}_timeout_seconds"),
        )
        for name in remote.providers
    ]
