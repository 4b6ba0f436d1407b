"""The overhead benchmark's verdicts against the issue's targets: met or missed by the p50,
and whether the run's 90% interval of the median resolved the bound."""

from __future__ import annotations

from typing import Any

from benchmarks.common import env
from benchmarks.common.report import Report
from benchmarks.overhead.run import verdicts


def _v1(p50: float, interval: list[float] | None) -> dict[str, Any]:
    return {
        "added_ttft_ms": {"p50": 1.0},
        "added_ttft_ms_p50_ci90": [-3.0, 4.0],
        "added_tpot_ms": {"p50": p50},
        "added_tpot_ms_p50_ci90": interval,
        "ttft_ms": {"p50": 100.0},
        "tpot_ms": {"p50": 40.0},
    }


def _notes(p50: float, interval: list[float] | None) -> list[str]:
    report = Report("overhead", "Overhead", env.capture(engine="scripted"))
    report.add("/v1", params={}, metrics=_v1(p50, interval))
    return [n for n in verdicts(report) if "added TPOT" in n]


def test_a_bound_inside_the_interval_is_not_resolved() -> None:
    (note,) = _notes(0.45, [0.30, 0.62])
    assert note == (
        "target /v1 added TPOT p50 <= 0.5 ms: 0.45 ms, met; 90% interval of the median "
        "0.30 to 0.62 ms, not resolved: the interval holds the bound"
    )


def test_an_interval_below_the_bound_resolves_it_met() -> None:
    (note,) = _notes(0.20, [0.05, 0.41])
    assert note.endswith("0.20 ms, met; 90% interval of the median 0.05 to 0.41 ms, resolved")


def test_an_interval_above_the_bound_resolves_it_missed() -> None:
    (note,) = _notes(0.80, [0.61, 0.95])
    assert note.endswith(
        "0.80 ms, missed by 0.30 ms; 90% interval of the median 0.61 to 0.95 ms, resolved"
    )


def test_too_few_pairs_say_so() -> None:
    (note,) = _notes(0.1, None)
    assert note.endswith("met (too few pairs for an interval)")


def test_the_ttft_target_gets_its_verdict_too() -> None:
    report = Report("overhead", "Overhead", env.capture(engine="scripted"))
    report.add("/v1", params={}, metrics=_v1(0.1, [0.0, 0.2]))
    (note,) = [n for n in verdicts(report) if "added TTFT" in n]
    assert note.endswith("1.00 ms, met; 90% interval of the median -3.00 to 4.00 ms, resolved")
