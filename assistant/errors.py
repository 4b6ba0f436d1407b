"""Typed errors of the application core; server/errors.py maps them to HTTP in one place."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """Base of every error a user may see; `code` is stable, `message` is for people."""

    code = "error"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields
        self.extra = extra


class InvalidInput(AppError):
    code = "invalid_input"


class NotFound(AppError):
    code = "not_found"


class Conflict(AppError):
    code = "conflict"


class Stale(Conflict):
    """What was approved can no longer run as approved (its target changed or is gone)."""

    code = "stale"


class Unreadable(Conflict):
    """A stored row holds a value no writer of ours stores (tampered with, or damaged)."""

    code = "unreadable"


class Unauthenticated(AppError):
    code = "unauthenticated"


class PermissionDenied(AppError):
    code = "forbidden"


class RateLimited(AppError):
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ServiceUnavailable(AppError):
    code = "unavailable"


class Draining(ServiceUnavailable):
    """This process is shutting down: nothing was done, so the request may be sent again
    (another replica takes it) after `retry_after` seconds."""

    code = "draining"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
