"""Serving metrics from per-request timings, named as `vllm bench serve` names them.

All times are seconds in, milliseconds out. A request's timeline: `start` (sent), one
timestamp per streamed output token (`token_times`), `end` (last byte). Then
TTFT = first token - start; E2EL = end - start; TPOT = (last token - first token) / (output
tokens - 1), the mean time per output token after the first; ITL = the gaps between successive
tokens (pooled over requests); goodput = requests per second that met every SLO bound.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

PERCENTILES = (50, 90, 99)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile with linear interpolation between closest ranks (numpy's default)."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError("q must lie in [0, 100]")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(values: Iterable[float], scale: float = 1.0) -> dict[str, float | int | None]:
    """n, mean, p50, p90, p99, min, max of `values` times `scale` (1000: seconds -> ms).
    With no values every figure is None (n is 0), so a report still has the row."""
    data = [v * scale for v in values]
    if not data:
        return {"n": 0, "mean": None, **{f"p{q}": None for q in PERCENTILES},
                "min": None, "max": None}  # fmt: skip
    return {
        "n": len(data),
        "mean": sum(data) / len(data),
        **{f"p{q}": percentile(data, q) for q in PERCENTILES},
        "min": min(data),
        "max": max(data),
    }


@dataclass(slots=True)
class RequestTiming:
    """One request as a client saw it. `output_tokens` is the server's count when it reported
    one (usage), else the number of streamed deltas; `error` is set when the request failed."""

    start: float
    end: float = 0.0
    token_times: list[float] = field(default_factory=list)
    output_tokens: int = 0
    prompt_tokens: int = 0
    error: str | None = None
    extra: dict[str, float] = field(default_factory=dict)
    """What the server reported of its own timings (e.g. the co-pilot's parse_ms)."""

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.token_times)

    @property
    def ttft(self) -> float:
        return self.token_times[0] - self.start

    @property
    def e2el(self) -> float:
        return self.end - self.start

    @property
    def tpot(self) -> float | None:
        """Mean time per output token after the first, up to the last streamed token (the
        stream's tail, a [DONE] or a co-pilot's bookkeeping, is E2EL's, not TPOT's); None for
        a one-token reply."""
        tokens = self.output_tokens or len(self.token_times)
        if tokens < 2:
            return None
        return (self.token_times[-1] - self.token_times[0]) / (tokens - 1)

    @property
    def itls(self) -> list[float]:
        times = self.token_times
        return [b - a for a, b in itertools.pairwise(times)]


@dataclass(frozen=True, slots=True)
class SLO:
    """Upper bounds in milliseconds; None: not bounded. Parsed from "ttft:500,tpot:50"."""

    ttft_ms: float | None = None
    tpot_ms: float | None = None
    e2el_ms: float | None = None

    KEYS = ("ttft", "tpot", "e2el")

    @classmethod
    def parse(cls, text: str | None) -> SLO:
        if not text:
            return cls()
        bounds: dict[str, float] = {}
        for part in text.split(","):
            key, sep, value = part.strip().partition(":")
            if not sep or key not in cls.KEYS:
                raise ValueError(f"bad SLO part {part!r}: use ttft:MS,tpot:MS,e2el:MS")
            try:
                bounds[f"{key}_ms"] = float(value)
            except ValueError:
                raise ValueError(f"bad SLO value {value!r} for {key}: milliseconds") from None
        return cls(**bounds)

    @property
    def bounded(self) -> bool:
        return any(v is not None for v in (self.ttft_ms, self.tpot_ms, self.e2el_ms))

    def met(self, timing: RequestTiming) -> bool:
        if not timing.ok:
            return False
        checks = (
            (self.ttft_ms, timing.ttft),
            (self.tpot_ms, timing.tpot),
            (self.e2el_ms, timing.e2el),
        )
        return all(bound is None or value is None or value * 1000 <= bound
                   for bound, value in checks)  # fmt: skip

    def as_dict(self) -> dict[str, float | None]:
        return {"ttft_ms": self.ttft_ms, "tpot_ms": self.tpot_ms, "e2el_ms": self.e2el_ms}


def serving_metrics(
    timings: Sequence[RequestTiming], duration: float, slo: SLO | None = None
) -> dict[str, Any]:
    """The figures of one run: counts, throughputs, latency summaries (ms), goodput."""
    if duration <= 0:
        raise ValueError("duration must be positive")
    ok = [t for t in timings if t.ok]
    output = sum(t.output_tokens or len(t.token_times) for t in ok)
    prompt = sum(t.prompt_tokens for t in ok)
    slo = slo or SLO()
    good = sum(1 for t in ok if slo.met(t))
    return {
        "requests": len(timings),
        "completed": len(ok),
        "errors": sum(1 for t in timings if t.error is not None),
        "empty_replies": sum(1 for t in timings if t.error is None and not t.token_times),
        "duration_s": duration,
        "prompt_tokens": prompt,
        "output_tokens": output,
        "request_throughput": len(ok) / duration,
        "output_throughput": output / duration,
        "total_token_throughput": (prompt + output) / duration,
        "ttft_ms": summarize((t.ttft for t in ok), 1000),
        "tpot_ms": summarize((v for t in ok if (v := t.tpot) is not None), 1000),
        "itl_ms": summarize((gap for t in ok for gap in t.itls), 1000),
        "e2el_ms": summarize((t.e2el for t in ok), 1000),
        "goodput": good / duration if slo.bounded else None,
        "good_fraction": good / len(timings) if slo.bounded and timings else None,
    }


def paired_difference(
    base: Sequence[float], other: Sequence[float]
) -> dict[str, float | int | None]:
    """Summary of other[i] - base[i] for paired (interleaved) measurements."""
    if len(base) != len(other):
        raise ValueError("paired samples must have equal lengths")
    return summarize(b - a for a, b in zip(base, other, strict=True))


def median_interval(values: Sequence[float], confidence: float = 0.9) -> tuple[float, float] | None:
    """A distribution-free interval that holds the true median with at least `confidence`:
    the k-th smallest and k-th largest value, k the largest with P(Binomial(n, 1/2) < k) at
    most (1 - confidence) / 2. None when there are too few values for that confidence (5 at
    90%). The paired differences of a run are noisy; this says whether a run resolved a bound
    or only its point estimate did."""
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie in (0, 1)")
    n = len(values)
    tail, k, below = (1 - confidence) / 2, 0, 0.0
    while k < n // 2:
        below += math.comb(n, k) / 2**n  # P(Binomial(n, 1/2) <= k)
        if below > tail:
            break
        k += 1
    if k == 0:
        return None
    ordered = sorted(values)
    return ordered[k - 1], ordered[n - k]


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def count_errors(timings: Sequence[RequestTiming]) -> Mapping[str, int]:
    counts: dict[str, int] = {}
    for t in timings:
        if not t.ok:
            key = t.error or "no output"
            counts[key] = counts.get(key, 0) + 1
    return counts
