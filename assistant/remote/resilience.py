"""Backoff with jitter and a circuit breaker per provider; time is injected (tests, no sleeps).

Breaker states: closed (calls pass; failures in a row are counted), open (calls are refused
until `reset_seconds` have passed), half-open (one probe is let through: success closes the
circuit, failure opens it again). A 429's Retry-After parks a provider until then.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

State = Literal["closed", "open", "half_open"]


@dataclass(slots=True)
class Backoff:
    """Exponential, full-range jitter in [delay/2, delay]: retries of many clients spread out."""

    base: float
    cap: float
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int) -> float:
        """Seconds before retry number `attempt` (0 for the first retry)."""
        ceiling = min(self.cap, self.base * (2**attempt))
        return float(ceiling * (0.5 + self.rng.random() / 2))


@dataclass(slots=True)
class CircuitBreaker:
    threshold: int
    reset_seconds: float
    now: Callable[[], float] = time.monotonic
    failures: int = 0
    opened_at: float | None = None
    parked_until: float = 0.0
    probing: bool = False

    @property
    def state(self) -> State:
        if self.opened_at is None:
            return "closed"
        if self.now() - self.opened_at >= self.reset_seconds:
            return "half_open"
        return "open"

    def allow(self) -> bool:
        """May a request go to this provider now? In half-open, only one probe at a time."""
        if self.now() < self.parked_until:
            return False
        state = self.state
        if state == "closed":
            return True
        if state == "half_open" and not self.probing:
            self.probing = True
            return True
        return False

    def success(self) -> None:
        self.failures = 0
        self.opened_at = None
        self.probing = False

    def failure(self) -> None:
        self.failures += 1
        if self.probing or self.failures >= self.threshold:
            self.opened_at = self.now()
        self.probing = False

    def park(self, seconds: float) -> None:
        """Honour a Retry-After longer than we wait inside one request."""
        self.parked_until = max(self.parked_until, self.now() + seconds)
