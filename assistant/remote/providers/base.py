"""The provider interface, the name -> implementation registry and SDK error mapping.

A provider speaks the inference layer's events (TextDelta, ToolCall, Usage, Done), so the
router treats it like an engine; the SDKs are imported only when a provider is built.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar, Protocol, cast

import httpx

from assistant.remote.config import ProviderConfig
from assistant.remote.errors import ProviderError
from inference.base import ChatRequest, EngineUnavailable, Event


class Provider(Protocol):
    name: ClassVar[str]
    config: ProviderConfig

    def stream(self, req: ChatRequest) -> AsyncIterator[Event]:
        """TextDelta/ToolCall*, one Usage, Done; failures raise ProviderError."""
        ...

    async def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    name: str
    target: str  # "module:Class"
    requires: tuple[str, ...]


SPECS: dict[str, ProviderSpec] = {}


def register(spec: ProviderSpec) -> None:
    if spec.name in SPECS:
        raise ValueError(f"hosted provider {spec.name!r} is already registered")
    SPECS[spec.name] = spec


register(ProviderSpec("openai", "assistant.remote.providers.openai:OpenAIProvider", ("openai",)))
register(
    ProviderSpec(
        "anthropic", "assistant.remote.providers.anthropic:AnthropicProvider", ("anthropic",)
    )
)


def build(config: ProviderConfig) -> Provider:
    spec = SPECS.get(config.name)
    if spec is None:
        raise EngineUnavailable(f"unknown hosted provider {config.name!r}")
    missing = [m for m in spec.requires if importlib.util.find_spec(m) is None]
    if missing:
        raise EngineUnavailable(
            f"the {config.name} provider needs {', '.join(missing)}: "
            "pip install 'clinic-copilot[remote]'"
        )
    module, _, attr = spec.target.partition(":")
    cls = getattr(importlib.import_module(module), attr)
    return cast(Provider, cls(config))


def retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds from `retry-after-ms`, `retry-after` (seconds or an HTTP date)."""
    if not headers:
        return None
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    from datetime import UTC, datetime

    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def map_error(provider: str, exc: BaseException, sdk: Any) -> ProviderError | None:
    """An SDK or transport exception as a ProviderError (None: not a provider failure).

    Messages carry the status and the exception type only: a provider's error body may echo
    the request, so it is never copied into our errors or logs."""
    if isinstance(exc, sdk.APIStatusError):
        status = int(exc.status_code)
        headers = getattr(exc.response, "headers", None)
        return ProviderError(
            provider,
            f"HTTP {status}",
            status=status,
            retryable=status == 429 or status >= 500 or status == 408,
            retry_after=retry_after(headers) if status in (429, 503) else None,
        )
    if isinstance(exc, (sdk.APITimeoutError, httpx.TimeoutException)):
        return ProviderError(provider, "timed out", retryable=True)
    if isinstance(exc, (sdk.APIConnectionError, httpx.TransportError)):
        return ProviderError(provider, f"connection failed ({type(exc).__name__})", retryable=True)
    if isinstance(exc, sdk.APIError):
        return ProviderError(provider, f"API error ({type(exc).__name__})", retryable=True)
    return None
