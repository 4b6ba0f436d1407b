"""Staleness: the model is retrained when config or data change, and only then."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.nlu.build import ensure_model, recorded_fingerprint
from assistant.nlu.train import FAST_CONFIG, META_FILE

pytestmark = pytest.mark.slow

ROWS = [
    {
        "text": f"tag {n} as vip",
        "intent": "tags.add",
        "entities": [{"start": 4, "end": 4 + len(n), "label": "CONTACT"}],
    }
    for n in ("Ann", "Bob", "Cy", "Dee", "Eve", "Fay")
] + [{"text": t, "intent": "chat", "entities": []} for t in ("hi", "thanks", "hello", "ok")]


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_retrains_only_when_inputs_change(tmp_path: Path) -> None:
    config = tmp_path / "tiny.cfg"
    config.write_text(re.sub(r"max_steps = \d+", "max_steps = 20", FAST_CONFIG.read_text()))
    train = _write(tmp_path / "train.jsonl", ROWS)
    dev = _write(tmp_path / "dev.jsonl", ROWS[:3] + ROWS[-2:])
    out = tmp_path / "model"

    first = ensure_model(out, config, train_path=train, dev_path=dev)
    assert first.trained and recorded_fingerprint(out) == first.fingerprint
    assert json.loads((out / META_FILE).read_text())["fingerprint"] == first.fingerprint

    again = ensure_model(out, config, train_path=train, dev_path=dev)
    assert not again.trained and again.fingerprint == first.fingerprint

    _write(train, [*ROWS, {"text": "cheers", "intent": "chat", "entities": []}])
    changed_data = ensure_model(out, config, train_path=train, dev_path=dev)
    assert changed_data.trained and changed_data.fingerprint != first.fingerprint

    config.write_text(config.read_text().replace("dropout = 0.2", "dropout = 0.1"))
    assert ensure_model(out, config, train_path=train, dev_path=dev).trained


def test_a_directory_without_fingerprint_is_stale(tmp_path: Path) -> None:
    (tmp_path / "config.cfg").write_text("")
    assert recorded_fingerprint(tmp_path) is None
    (tmp_path / META_FILE).write_text("not json")
    assert recorded_fingerprint(tmp_path) is None
