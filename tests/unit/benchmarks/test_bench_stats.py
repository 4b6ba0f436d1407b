"""The metric arithmetic on synthetic timings whose answers are known by hand."""

from __future__ import annotations

import random

import pytest

from benchmarks.common.stats import (
    SLO,
    RequestTiming,
    median_interval,
    paired_difference,
    percentile,
    ratio,
    serving_metrics,
    summarize,
)


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([1, 2, 3, 4, 5], 50, 3),
        ([1, 2, 3, 4], 50, 2.5),
        ([0, 10], 90, 9),
        ([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 99, 99),
        ([7], 99, 7),
        ([5, 1, 3], 0, 1),
        ([5, 1, 3], 100, 5),
    ],
)
def test_percentile_interpolates_between_ranks(
    values: list[float], q: float, expected: float
) -> None:
    assert percentile(values, q) == pytest.approx(expected)


def test_percentile_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


def test_summary_scales_seconds_to_milliseconds() -> None:
    got = summarize([0.001, 0.002, 0.003, 0.004], scale=1000)
    assert got == pytest.approx(
        {"n": 4, "mean": 2.5, "p50": 2.5, "p90": 3.7, "p99": 3.97, "min": 1.0, "max": 4.0}
    )


def test_summary_of_nothing_keeps_the_row() -> None:
    assert summarize([]) == {
        "n": 0, "mean": None, "p50": None, "p90": None, "p99": None, "min": None, "max": None
    }  # fmt: skip


def _request(start: float, tokens: list[float], end: float | None = None) -> RequestTiming:
    return RequestTiming(
        start=start, end=end or tokens[-1], token_times=tokens, output_tokens=len(tokens),
        prompt_tokens=10,
    )  # fmt: skip


def test_one_request_ttft_tpot_itl_e2el() -> None:
    # Sent at 0, tokens at 0.5, 0.6, 0.8, 0.9; done at 1.0.
    t = _request(0.0, [0.5, 0.6, 0.8, 0.9], end=1.0)
    assert t.ttft == pytest.approx(0.5)
    assert t.e2el == pytest.approx(1.0)
    assert t.tpot == pytest.approx((0.9 - 0.5) / 3)  # the tail after the last token is E2EL's
    assert t.itls == pytest.approx([0.1, 0.2, 0.1])


def test_tpot_counts_the_servers_tokens_when_deltas_carry_several() -> None:
    t = RequestTiming(start=0.0, end=1.1, token_times=[0.1, 1.1], output_tokens=11)
    assert t.tpot == pytest.approx(0.1)


def test_one_token_reply_has_no_tpot() -> None:
    assert _request(0.0, [0.3]).tpot is None


def test_run_metrics_throughput_and_goodput() -> None:
    fast = _request(0.0, [0.1, 0.2, 0.3])  # ttft 100 ms, tpot 100 ms
    slow = _request(0.0, [0.9, 1.0, 1.1])  # ttft 900 ms, tpot 100 ms
    failed = RequestTiming(start=0.0, end=0.5, error="HTTP 500")
    got = serving_metrics([fast, slow, failed], duration=2.0, slo=SLO.parse("ttft:500,tpot:150"))
    assert got["requests"] == 3
    assert got["completed"] == 2
    assert got["errors"] == 1
    assert got["empty_replies"] == 0
    assert got["output_tokens"] == 6
    assert got["request_throughput"] == pytest.approx(1.0)
    assert got["output_throughput"] == pytest.approx(3.0)
    assert got["total_token_throughput"] == pytest.approx(13.0)
    assert got["ttft_ms"]["p50"] == pytest.approx(500.0)
    assert got["ttft_ms"]["max"] == pytest.approx(900.0)
    assert got["tpot_ms"]["mean"] == pytest.approx(100.0)
    assert got["itl_ms"]["n"] == 4
    assert got["e2el_ms"]["mean"] == pytest.approx(700.0)
    assert got["goodput"] == pytest.approx(0.5)  # only `fast` met both bounds, in 2 s
    assert got["good_fraction"] == pytest.approx(1 / 3)


def test_no_slo_means_no_goodput() -> None:
    got = serving_metrics([_request(0.0, [0.1, 0.2])], duration=1.0)
    assert got["goodput"] is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ttft:500,tpot:50", SLO(ttft_ms=500, tpot_ms=50)),
        ("e2el:2000", SLO(e2el_ms=2000)),
        ("", SLO()),
    ],
)
def test_slo_parses(text: str, expected: SLO) -> None:
    assert SLO.parse(text) == expected


@pytest.mark.parametrize("text", ["ttft=5", "latency:5", "ttft:fast"])
def test_slo_rejects_bad_text(text: str) -> None:
    with pytest.raises(ValueError, match="SLO"):
        SLO.parse(text)


def test_paired_difference_and_ratio() -> None:
    got = paired_difference([1.0, 2.0, 3.0], [1.5, 2.5, 4.0])
    assert got["p50"] == pytest.approx(0.5)
    assert got["mean"] == pytest.approx(2 / 3)
    assert ratio(3.0, 2.0) == pytest.approx(1.5)
    assert ratio(None, 2.0) is None
    assert ratio(1.0, 0.0) is None


@pytest.mark.parametrize(
    ("n", "ranks"),
    # 1-based ranks of the order statistics; coverage 1 - 2 P(Binomial(n, 1/2) < k) >= 90%
    [(5, (1, 5)), (10, (2, 9)), (40, (15, 26)), (41, (15, 27))],
)
def test_median_interval_uses_the_binomial_order_statistics(n: int, ranks: tuple[int, int]) -> None:
    values = [float(v) for v in range(n, 0, -1)]  # unsorted on purpose: value v has rank v
    assert median_interval(values) == (float(ranks[0]), float(ranks[1]))


def test_median_interval_needs_enough_values_and_a_sane_confidence() -> None:
    assert median_interval([1.0, 2.0, 3.0, 4.0]) is None  # 1 - 2/16 < 90%
    assert median_interval([]) is None
    assert median_interval([float(v) for v in range(4)], confidence=0.8) == (0.0, 3.0)
    with pytest.raises(ValueError, match="confidence"):
        median_interval([1.0], confidence=1.0)


def test_median_interval_holds_the_median_at_its_stated_rate() -> None:
    rng = random.Random(7)
    trials, held = 2000, 0
    for _ in range(trials):
        sample = [rng.gauss(0.3, 1.0) for _ in range(40)]
        low, high = median_interval(sample) or (0.0, 0.0)
        held += low <= 0.3 <= high
    assert 0.9 <= held / trials <= 0.97  # the exact coverage at n=40, k=15 is 91.9%
