"""`bench concurrency` end to end: a real `assistant serve` process on the tiny GGUF, a few
streams for a few seconds, a valid result that counts every stream."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.common.report import validate
from benchmarks.concurrency import run

pytestmark = pytest.mark.slow


def test_a_few_streams_all_complete_and_are_reported(
    tiny_gguf: Path, redis_url: str, tmp_path: Path
) -> None:
    url = redis_url.rsplit("/", 1)[0] + "/11"
    argv = [
        "--model",
        str(tiny_gguf),
        "--streams",
        "3",
        "--duration",
        "3",
        "--warmup",
        "1",
        "--users",
        "2",
        "--max-tokens",
        "8",
        "--redis-url",
        url,
        "--out",
        str(tmp_path),
    ]
    assert run.main(argv) == 0

    document = json.loads((tmp_path / "concurrency.json").read_text())
    validate(document)
    rows = {r["label"]: r["metrics"] for r in document["results"]}
    overall = rows["all"]
    assert overall["streams"] >= 3
    assert overall["errors"] == overall["lost"] == 0, overall["failures"]
    assert overall["completed"] == overall["streams"]
    assert rows["command"]["streams"] + rows["chat"]["streams"] == overall["streams"]
    assert overall["ttft_ms"]["n"] > 0 and overall["server_alive"] is True
    assert overall["rss_start_mb"] > 0 and overall["rss_end_mb"] > 0
    for name in ("concurrency_rss.png", "concurrency_ttft.png"):
        assert (tmp_path / name).read_bytes().startswith(b"\x89PNG")
