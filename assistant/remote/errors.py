"""Typed failures of hosted providers; the router decides what each one means."""

from __future__ import annotations

from datetime import datetime

from inference.base import InferenceError


class ProviderError(InferenceError):
    """A hosted provider failed. `retryable`: 5xx, timeouts, dropped connections, 429;
    `retry_after`: seconds the provider asked us to wait (a 429's Retry-After)."""

    def __init__(
        self,
        provider: str,
        message: str,
        *,
        status: int | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{provider}: {message}")
        self.provider = provider
        self.status = status
        self.retryable = retryable
        self.retry_after = retry_after


class HostedUnavailable(InferenceError):
    """No hosted provider (and no local engine) could answer; or one stopped mid-reply."""


class QuotaExceeded(InferenceError):
    """The user's daily hosted-token quota is spent; `reset_at` is when it starts again."""

    def __init__(self, used: int, quota: int, reset_at: datetime) -> None:
        super().__init__(
            f"your daily allowance of hosted-model tokens ({quota}) is used up; "
            f"it resets at {reset_at:%Y-%m-%d %H:%M} UTC"
        )
        self.used = used
        self.quota = quota
        self.reset_at = reset_at
