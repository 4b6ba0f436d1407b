"""The shared report writer: JSON that validates, Markdown, PNG plots, the random-weights note."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.common import env, plots
from benchmarks.common.report import (
    RANDOM_NOTE,
    Column,
    InvalidResult,
    Plot,
    Report,
    validate,
)
from benchmarks.common.stats import RequestTiming, serving_metrics


def _report(random: bool) -> Report:
    environment = env.capture(engine="scripted", settings={"n_threads": 2})
    environment["model"] = {"name": "m", "path": None, "size_bytes": 10, "random_weights": random}
    report = Report(
        "serve",
        "Serving",
        environment,
        parameters={"requests": 1},
        columns=[Column("run", "label"), Column("TTFT p50 ms", "ttft_ms.p50")],
    )
    timing = RequestTiming(start=0.0, end=0.3, token_times=[0.1, 0.2, 0.3], output_tokens=3)
    report.add("c=1", params={"concurrency": 1}, metrics=serving_metrics([timing], 1.0))
    return report


def test_writes_valid_json_markdown_and_plots(tmp_path: Path) -> None:
    report = _report(random=True)
    chart = Plot("ttft.png", lambda p: plots.bars(p, "TTFT", "ms", {"c=1": {"p50": 100.0}}))
    paths = report.write(tmp_path, plots=[chart])
    document = json.loads(paths["json"].read_text())
    validate(document)
    assert document["random_weights"] is True
    assert RANDOM_NOTE in document["notes"]
    assert document["environment"]["cpu"]["logical_cores"] >= 1
    assert document["results"][0]["metrics"]["ttft_ms"]["p50"] == pytest.approx(100.0)
    markdown = paths["markdown"].read_text()
    assert "| c=1 | 100.0 |" in markdown
    assert "Weights were random" in markdown
    assert paths["ttft.png"].read_bytes().startswith(b"\x89PNG")


def test_real_weights_carry_no_random_note(tmp_path: Path) -> None:
    document = _report(random=False).to_json()
    validate(document)
    assert RANDOM_NOTE not in document["notes"]


def test_a_result_without_metrics_is_refused() -> None:
    document = _report(random=False).to_json()
    del document["results"][0]["metrics"]
    with pytest.raises(InvalidResult, match="metrics"):
        validate(document)


def test_environment_names_the_commit_and_libraries() -> None:
    captured = env.capture()
    assert captured["git"]["commit"] is None or len(captured["git"]["commit"]) == 40
    assert "llama-cpp-python" in captured["libraries"]


def test_a_column_shows_an_interval_as_its_two_ends() -> None:
    report = _report(random=False)
    result = report.add("run", params={}, metrics={"ci": [0.1234, 0.5], "none": None, "ok": True})
    assert Column("ci", "ci", "{:.2f}").cell(result) == "0.12 to 0.50"
    assert Column("none", "none").cell(result) == "-"
    assert Column("ok", "ok").cell(result) == "True"
