"""`bench queue` end to end: real worker processes on the machine's Redis (a database number
of its own, never db 0's keys), a few jobs of each kind and mode, a valid result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.common.report import validate
from benchmarks.queue import run

pytestmark = pytest.mark.slow


def _bench_db(redis_url: str) -> str:
    return redis_url.rsplit("/", 1)[0] + "/12"


def test_two_workers_run_every_job_and_report_them(redis_url: str, tmp_path: Path) -> None:
    url = _bench_db(redis_url)
    argv = [
        "--workers",
        "2",
        "--jobs",
        "8",
        "--single-jobs",
        "2",
        "--io-ms",
        "5",
        "--redis-url",
        url,
        "--out",
        str(tmp_path),
    ]
    assert run.main(argv) == 0

    document = json.loads((tmp_path / "queue.json").read_text())
    validate(document)
    rows = {r["label"]: r for r in document["results"]}
    assert set(rows) == {f"{k} {m} w=2" for k in ("noop", "io") for m in ("single", "burst")}
    for row in rows.values():
        metrics = row["metrics"]
        expected = 8 if row["params"]["mode"] == "burst" else 2
        assert metrics["jobs"] == expected and metrics["failed"] == 0
        assert metrics["enqueue_to_start_ms"]["n"] == expected
        assert metrics["enqueue_to_start_ms"]["min"] >= 0
        assert metrics["jobs_per_s"] > 0
    assert (tmp_path / "queue_throughput.png").read_bytes().startswith(b"\x89PNG")


def test_refuses_an_unknown_job_kind(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        run.main(["--kinds", "cpu", "--out", str(tmp_path)])
    assert exit_.value.code == 2
