"""benchmarks/nlu/run.py's report: three data sets, the honest gap, and the parser section's
scoring rule and plumbing warning. Built from fabricated figures: no model is loaded."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from assistant.commands.result import ParseResult

RUN = Path(__file__).resolve().parents[3] / "benchmarks" / "nlu" / "run.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("nlu_benchmark_run", RUN)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _set(accuracy: float) -> dict[str, Any]:
    report = {"examples": 10, "confusions": [], "per_entity": {}}
    return {"summary": {"intent_accuracy": accuracy, "p50_ms": 3.0}, "report": report}


def _results(tiny: bool) -> dict[str, Any]:
    mode = {
        "examples": 10,
        "intent_accuracy": 0.5,
        "paths": {"classifier": 0.5, "llm": 0.3, "clarify": 0.2},
        "reached_llm": 0.5,
        "llm_answered": 1.0,
        "llm_valid_calls": 0.6,
        "p50_ms": 4.0,
        "p95_ms": 200.0,
    }
    parser = {
        "engine": "llamacpp",
        "model": "tiny" if tiny else "/models/real.gguf",
        "tiny": tiny,
        "n_ctx": 16384,
        "threads": 1,
        "now": "2025-03-08T17:00:00+00:00",
        "modes": {"classifier": mode, "llm": mode, "hybrid": mode},
        "seconds": 1.0,
    }
    return {
        "model": "m",
        "config": "c",
        "threshold": 0.5,
        "machine": "x",
        "limit": None,
        "dev_templates": _set(0.99),
        "dev_hand": _set(0.90),
        "retired_v2": _set(0.97),
        "test_v4": _set(0.95),
        "parser": parser,
    }


def test_the_sets_in_order_and_the_gap_is_the_newest_test_minus_dev_hand(
    bench: ModuleType,
) -> None:
    text = bench.markdown(_results(tiny=True))
    row = next(line for line in text.splitlines() if line.startswith("| intent_accuracy"))
    assert row.split(" | ")[1:6] == ["99.0%", "90.0%", "97.0%", "95.0%", "+5.0"]
    header = "dev_templates (n=10) | dev_hand (n=10) | retired_v2 (n=10) | test_v4 (n=10)"
    assert header in text and "training figures" in text


def test_the_retired_sets_are_read_from_their_training_files(bench: ModuleType) -> None:
    sets = bench.load_sets(None, ("retired_v1", "retired_v2", "retired_v3", "test_v4"))
    assert [len(sets[f"retired_v{n}"]) for n in (1, 2, 3)] == [364, 467, 514]
    assert len(sets["test_v4"]) == 522


def test_the_tiny_model_is_reported_as_plumbing_not_quality(bench: ModuleType) -> None:
    assert "plumbing, not quality" in bench.markdown(_results(tiny=True))
    real = bench.markdown(_results(tiny=False))
    assert "plumbing, not quality" not in real and "| hybrid | 10 | 50.0% |" in real


def test_scoring_rule(bench: ModuleType) -> None:
    def judged(intent: str, path: str) -> str | None:
        judged: str | None = bench.judged(ParseResult(intent=intent, confidence=0.5, path=path))
        return judged

    assert judged("chat", "classifier") == "chat" and judged("chat", "llm") == "chat"
    assert judged("notes.add", "clarify") == "notes.add"
    assert judged("chat", "clarify") is None
