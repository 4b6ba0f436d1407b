"""Training is reproducible: the shipped model must be what a training run here produces.

Each run is its own process with its own hash seed, as two machines' runs would be; spaCy
would otherwise add the sourced NER's new labels in set order, which follows the hash seed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.nlu.markup import parse_line
from assistant.nlu.train import FAST_CONFIG

pytestmark = pytest.mark.slow

LINES = (
    "notes.add | note for [Ann Lee](CONTACT): [knee better](BODY), tag [vip](TAG)",
    "notes.add | note for [Bo Chen](CONTACT): [wants refund](BODY), tag [new](TAG)",
    "notes.add | note for [Cy Diaz](CONTACT): [allergic to latex](BODY), tag [athlete](TAG)",
    "chat | hi",
    "chat | thanks",
    "chat | hello",
    "chat | ok",
)


def _train(root: Path, data: Path, config: Path, hash_seed: str) -> Path:
    out = root / f"model-{hash_seed}"
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    command = [sys.executable, "-m", "assistant", "nlu", "train", "--data", str(data)]
    command += ["--dev", str(data), "--out", str(out), "--config", str(config)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    return out


def test_two_trainings_with_different_hash_seeds_give_identical_weights(tmp_path: Path) -> None:
    data = tmp_path / "data.jsonl"
    rows = [parse_line(line).to_json() for line in LINES]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    config = tmp_path / "tiny.cfg"
    config.write_text(re.sub(r"max_steps = \d+", "max_steps = 20", FAST_CONFIG.read_text()))
    first = _train(tmp_path, data, config, "1")
    second = _train(tmp_path, data, config, "2")
    for part in ("ner/model", "ner/moves", "textcat/model", "meta_assistant.json"):
        assert (first / part).read_bytes() == (second / part).read_bytes(), part
