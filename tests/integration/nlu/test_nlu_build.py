"""The co-pilot's own model: retrained when config or data change and only then, installed
from the shipped copy when that matches, and built only from labels that are its procedures."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.nlu import app
from assistant.nlu.build import (
    SHIPPED_MODEL,
    ensure_model,
    fingerprint,
    project_data,
    recorded_fingerprint,
)
from assistant.nlu.data import DataError, crm_labels
from assistant.nlu.train import FAST_CONFIG, FULL_CONFIG, META_FILE

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


def _tiny_config(tmp_path: Path, name: str = "tiny.cfg") -> Path:
    config = tmp_path / name
    config.write_text(re.sub(r"max_steps = \d+", "max_steps = 20", FAST_CONFIG.read_text()))
    return config


def test_retrains_only_when_inputs_change(tmp_path: Path) -> None:
    config = _tiny_config(tmp_path)
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


def test_a_matching_shipped_model_is_installed_not_trained(tmp_path: Path) -> None:
    from assistant.nlu.model import NLUModel

    config = _tiny_config(tmp_path)
    train = _write(tmp_path / "train.jsonl", ROWS)
    dev = _write(tmp_path / "dev.jsonl", ROWS[:3] + ROWS[-2:])
    shipped = ensure_model(tmp_path / "shipped", config, train_path=train, dev_path=dev)

    out = tmp_path / "var" / "nlu-model"
    installed = ensure_model(out, config, train_path=train, dev_path=dev, shipped=shipped.path)
    assert installed.installed and not installed.trained
    assert installed.fingerprint == shipped.fingerprint == recorded_fingerprint(out)
    assert sorted(p.name for p in out.rglob("*")) == sorted(p.name for p in shipped.path.rglob("*"))
    kept = ensure_model(out, config, train_path=train, dev_path=dev, shipped=shipped.path)
    assert not kept.installed and not kept.trained

    # the co-pilot's model reports all its labels, rules included, and is tidied by the guide
    model = NLUModel(out)
    assert model.entity_labels == crm_labels().entities
    assert model.meta["postprocess"] == "crm"
    found = {(e.label, e.text) for e in model.parse("add a note: call 415-555-0132").entities}
    assert ("PHONE", "415-555-0132") in found

    other = _tiny_config(tmp_path, "other.cfg")
    other.write_text(other.read_text().replace("dropout = 0.2", "dropout = 0.1"))
    assert ensure_model(out, other, train_path=train, dev_path=dev, shipped=shipped.path).trained


def test_the_shipped_model_is_the_one_of_the_committed_config_and_data() -> None:
    assert recorded_fingerprint(SHIPPED_MODEL) == fingerprint(FULL_CONFIG, *project_data())


def test_the_copilot_build_refuses_labels_that_are_not_procedures(tmp_path: Path) -> None:
    rows = [{"text": "put my pay in savings", "intent": "direct_deposit", "entities": []}]
    train = _write(tmp_path / "train.jsonl", rows)
    with pytest.raises(DataError, match=r"train\.jsonl:1: unknown intent 'direct_deposit'"):
        ensure_model(tmp_path / "m", FAST_CONFIG, train_path=train)
    # `nlu train` without --data builds the co-pilot's model too: its dev set is checked
    result = CliRunner().invoke(
        app, ["train", "--dev", str(train), "--out", str(tmp_path / "m"), "--fast"]
    )
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {train}:1: unknown intent 'direct_deposit'"
    assert not (tmp_path / "m").exists()
