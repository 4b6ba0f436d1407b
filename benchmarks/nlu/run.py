"""NLU benchmark: the full model on dev (held-out templates) and on the frozen test set.

Trains the project model with the FULL config when the model directory is missing or stale
(or uses it as is), checks the test set against its recorded sha256, evaluates both sets,
and writes benchmarks/nlu/results/nlu.json and nlu.md with the dev/test gap and targets.
Latency is measured with the process pinned to one core, one utterance at a time.

    .venv/bin/python benchmarks/nlu/run.py [--model DIR] [--no-train]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from assistant.nlu.build import ensure_model  # noqa: E402
from assistant.nlu.data import read_jsonl  # noqa: E402
from assistant.nlu.evaluate import Report, evaluate  # noqa: E402
from assistant.nlu.model import NLUModel  # noqa: E402
from assistant.nlu.train import FULL_CONFIG  # noqa: E402
from assistant.settings import get_settings  # noqa: E402

DATA = ROOT / "models" / "nlu"
RESULTS = ROOT / "benchmarks" / "nlu" / "results"
TARGETS = {  # metric -> (minimum or maximum, bound)
    "intent_accuracy": ("min", 0.95),
    "exact_match": ("min", 0.85),
    "chat_recall": ("min", 0.90),
    "contact_exact": ("min", 0.95),
    "p50_ms": ("max", 5.0),
    "cpu_p50_ms": ("max", 5.0),
}


def verify_test_set() -> str:
    recorded = (DATA / "test.sha256").read_text().split()[0]
    actual = hashlib.sha256((DATA / "test.jsonl").read_bytes()).hexdigest()
    if actual != recorded:
        raise SystemExit(f"error: test.jsonl sha256 {actual} != recorded {recorded}")
    return actual


def flat(report: Report) -> dict[str, float | None]:
    return {
        "intent_accuracy": report.intent_accuracy,
        "intent_macro_f1": report.intent_macro_f1,
        "entity_micro_f1": report.entities_micro.f1,
        "exact_match": report.exact_match,
        "chat_recall": report.chat_recall,
        "contact_exact": report.contact_exact,
        "accepted_precision": report.accepted_precision,
        "accepted_coverage": report.accepted_coverage,
        "p50_ms": report.timing.get("p50_ms"),
        "p95_ms": report.timing.get("p95_ms"),
        "cpu_p50_ms": report.timing.get("cpu_p50_ms"),
        "cpu_p95_ms": report.timing.get("cpu_p95_ms"),
        "words_per_s": report.timing.get("words_per_s"),
    }


def meets(metric: str, value: float | None) -> str:
    if value is None or metric not in TARGETS:
        return ""
    kind, bound = TARGETS[metric]
    ok = value >= bound if kind == "min" else value <= bound
    return ("pass" if ok else "FAIL") + f" ({'>=' if kind == 'min' else '<='} {bound})"


def markdown(results: dict[str, object]) -> str:
    dev, test = results["dev"], results["test"]
    assert isinstance(dev, dict) and isinstance(test, dict)
    lines = [
        "# NLU benchmark",
        "",
        f"Model: `{results['model']}` (config {results['config']}, threshold "
        f"{results['threshold']:.3f}); {results['machine']}; latency pinned to one core.",
        "",
        "| metric | dev (held-out templates) | test (hand-written) | gap | target on test |",
        "|---|---|---|---|---|",
    ]
    for metric, dev_value in dev["summary"].items():
        test_value = test["summary"].get(metric) if test else None
        fmt = (
            (lambda v: "-" if v is None else f"{v:.2f}")
            if metric.endswith(("_ms", "_s"))
            else (lambda v: "-" if v is None else f"{100 * v:.1f}%")
        )
        gap = (
            f"{100 * (test_value - dev_value):+.1f}"
            if test_value is not None
            and dev_value is not None
            and not metric.endswith(("_ms", "_s"))
            else ""
        )
        lines.append(
            f"| {metric} | {fmt(dev_value)} | {fmt(test_value)} | {gap} | "
            f"{meets(metric, test_value)} |"
        )
    lines += ["", "Top test confusions (gold -> predicted):", ""]
    lines += [
        f"- {c['gold']} -> {c['predicted']}: {c['count']}" for c in test["report"]["confusions"]
    ]
    lines += [
        "",
        "Test entity F1 per label: "
        + ", ".join(f"{k} {100 * v['f1']:.0f}%" for k, v in test["report"]["per_entity"].items()),
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="model dir (default: settings)")
    parser.add_argument("--no-train", action="store_true", help="use the model dir as it is")
    args = parser.parse_args()
    model_dir = args.model or get_settings().nlu_dir
    if not args.no_train:
        started = time.perf_counter()
        result = ensure_model(model_dir, FULL_CONFIG)
        print(
            f"model {'trained' if result.trained else 'up to date'} "
            f"({time.perf_counter() - started:.0f} s)"
        )
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    model = NLUModel(model_dir)
    sha = verify_test_set()
    sets = {"dev": read_jsonl(DATA / "dev.jsonl"), "test": read_jsonl(DATA / "test.jsonl")}
    results: dict[str, object] = {
        "model": str(model_dir),
        "config": model.meta.get("config"),
        "threshold": model.threshold,
        "test_sha256": sha,
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
    }
    for name, examples in sets.items():
        report = evaluate(model, examples)
        results[name] = {"summary": flat(report), "report": report.as_dict()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "nlu.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "nlu.md").write_text(markdown(results))
    print(markdown(results))


if __name__ == "__main__":
    main()
