"""Pick the confidence threshold above which the classifier's intent may be trusted alone.

Computed on held-out dev data: the lowest threshold whose accepted decisions still reach the
target precision (with a minimum number of accepted examples, so one lucky example does not
decide). Scores are poorly calibrated (FACTS.md), which is why this is measured, not assumed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True)
class Calibration:
    threshold: float
    target_precision: float
    precision: float  # of decisions at or above the threshold, on dev
    coverage: float  # share of dev decisions at or above the threshold
    examples: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def calibrate(
    scored: Sequence[tuple[float, bool]], target: float = 0.97, min_support: int = 20
) -> Calibration:
    """scored: (confidence, was the intent right) per dev example."""
    ranked = sorted(scored, key=lambda item: -item[0])
    best = Calibration(1.0, target, 1.0, 0.0, len(ranked))
    right = 0
    for index, (confidence, correct) in enumerate(ranked, start=1):
        right += correct
        next_is_tie = index < len(ranked) and ranked[index][0] == confidence
        if next_is_tie or index < min(min_support, len(ranked)):
            continue
        precision = right / index
        if precision >= target:
            best = Calibration(confidence, target, precision, index / len(ranked), len(ranked))
    return best
