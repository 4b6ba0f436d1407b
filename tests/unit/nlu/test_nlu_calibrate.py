"""The threshold is the lowest confidence whose accepted decisions keep the target precision."""

from __future__ import annotations

import pytest

from assistant.nlu.calibrate import calibrate


def test_threshold_stops_before_precision_falls_below_target() -> None:
    # 10 right at high confidence, then wrong answers start at 0.5
    scored = [(0.99 - i * 0.01, True) for i in range(10)] + [(0.5, False), (0.4, True)]
    result = calibrate(scored, target=0.95, min_support=5)
    assert result.threshold == pytest.approx(0.90)
    assert result.precision == 1.0
    assert result.coverage == pytest.approx(10 / 12)


def test_lower_threshold_accepted_when_precision_recovers() -> None:
    scored = [(0.9, True)] * 19 + [(0.8, False)] + [(0.7, True)] * 20
    assert calibrate(scored, target=0.97, min_support=5).threshold == pytest.approx(0.7)


def test_nothing_accepted_when_the_target_is_never_reached() -> None:
    scored = [(0.9, False), (0.8, True)] * 20
    result = calibrate(scored, target=0.97)
    assert result.threshold == 1.0 and result.coverage == 0.0


def test_ties_are_accepted_or_rejected_together() -> None:
    scored = [(0.9, True)] * 30 + [(0.6, True)] * 5 + [(0.6, False)] * 5
    assert calibrate(scored, target=0.97, min_support=5).threshold == pytest.approx(0.9)
