"""The trainer on someone else's labels: 60 intents, two entity labels of their own and an
out-of-scope class, trained and scored through `nlu train --data` and `nlu eval`.

The set is generated here from templates; eval uses wordings and fillers that training never
saw. The config is the fast one, shortened, so this trains in well under a minute.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant.cli.nlu import app
from assistant.nlu.train import FAST_CONFIG

pytestmark = pytest.mark.slow

VERBS = (
    "cancel", "book", "change", "check", "pay", "renew", "report", "track",
    "order", "return", "reset", "upgrade", "transfer", "schedule", "block",
)  # fmt: skip
OBJECTS = ("flight", "hotel", "card", "subscription")
INTENTS = [f"{obj}_{verb}" for obj, verb in itertools.product(OBJECTS, VERBS)]

TRAIN_TEMPLATES = (
    "please {verb} my {obj}",
    "can you {verb} the {obj}",
    "i need to {verb} my {obj} {day}",
    "{verb} {obj} for {city}",
    "help me {verb} my {obj}",
    "i'd like to {verb} the {obj} in {city} {day}",
)
EVAL_TEMPLATES = (
    "could you {verb} my {obj} please",
    "i want to {verb} the {obj} for {city}",
    "{verb} the {obj} {day}",
)
TRAIN_CITIES = ("Paris", "Lagos", "Lima", "Oslo", "Hanoi", "Quito")
EVAL_CITIES = ("Nairobi", "Porto", "Kyoto")
DAYS = ("tomorrow", "today", "next week", "on friday")

OOS_TRAIN = [
    f"{q} {topic}"
    for q in ("what is", "tell me about", "who invented", "explain")
    for topic in ("the moon", "jazz music", "photosynthesis", "the roman empire", "chess")
]
OOS_EVAL = [
    "how do i bake bread",
    "what is the tallest mountain",
    "tell me a joke about cats",
    "who wrote hamlet",
    "explain quantum physics",
    "sing me a song",
]

_SLOT = re.compile(r"\{(verb|obj|day|city)\}")
_LABELS = {"day": "day", "city": "city"}


def _row(template: str, intent: str, rng: random.Random, cities: tuple[str, ...]) -> dict[str, Any]:
    obj, verb = intent.split("_")
    values = {"verb": verb, "obj": obj, "day": rng.choice(DAYS), "city": rng.choice(cities)}
    text, entities, cursor = "", [], 0
    for match in _SLOT.finditer(template):
        text += template[cursor : match.start()]
        value, slot = values[match.group(1)], match.group(1)
        if slot in _LABELS:
            entities.append({"start": len(text), "end": len(text) + len(value), "label": slot})
        text += value
        cursor = match.end()
    return {"text": text + template[cursor:], "intent": intent, "entities": entities}


def _rows(templates: tuple[str, ...], cities: tuple[str, ...], copies: int, seed: int) -> list:
    rng = random.Random(seed)
    rows = [
        _row(template, intent, rng, cities)
        for intent in INTENTS
        for template in templates
        for _ in range(copies)
    ]
    return rows


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("generic")
    oos = [{"text": t, "intent": "oos", "entities": []} for t in OOS_TRAIN]
    train = _rows(TRAIN_TEMPLATES, TRAIN_CITIES, 2, seed=1) + oos * 2
    dev = _rows(TRAIN_TEMPLATES[:2], TRAIN_CITIES, 1, seed=2) + oos[:5]
    test = _rows(EVAL_TEMPLATES, EVAL_CITIES, 1, seed=3) + [
        {"text": t, "intent": "oos", "entities": []} for t in OOS_EVAL
    ]
    config = root / "short.cfg"
    text = re.sub(r"max_steps = \d+", "max_steps = 300", FAST_CONFIG.read_text())
    config.write_text(re.sub(r"eval_frequency = \d+", "eval_frequency = 100", text))
    return {
        "train": _write(root / "train.jsonl", train),
        "dev": _write(root / "dev.jsonl", dev),
        "test": _write(root / "test.jsonl", test),
        "config": config,
        "model": root / "model",
    }


@pytest.fixture(scope="module")
def model(data: dict[str, Path]) -> Path:
    args = ["train", "--data", str(data["train"]), "--dev", str(data["dev"])]
    args += ["--out", str(data["model"]), "--config", str(data["config"])]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return data["model"]


def test_the_set_has_sixty_intents_and_an_out_of_scope_class(data: dict[str, Path]) -> None:
    rows = [json.loads(line) for line in data["train"].read_text().splitlines()]
    intents = {r["intent"] for r in rows}
    assert len(intents - {"oos"}) == 60 and "oos" in intents
    assert {e["label"] for r in rows for e in r["entities"]} == {"city", "day"}


def test_train_then_eval_reports_in_scope_accuracy_and_oos_recall(
    model: Path, data: dict[str, Path]
) -> None:
    meta = json.loads((model / "meta_assistant.json").read_text())
    assert len(meta["intents"]) == 61 and meta["entity_labels"] == ["city", "day"]
    assert meta["postprocess"] is None

    args = ["eval", "--model", str(model), "--data", str(data["test"]), "--json", "--no-timing"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["examples"] == 60 * len(EVAL_TEMPLATES) + len(OOS_EVAL)
    assert report["in_scope_accuracy"] > 0.8
    assert report["oos_recall"] > 0.3
    assert set(report["per_intent"]) == {*INTENTS, "oos"}
    assert set(report["per_entity"]) <= {"city", "day"}
    # the co-pilot's own figures do not apply to this data
    assert report["chat_recall"] is None and report["contact_exact"] is None


def test_eval_table_shows_the_out_of_scope_figures(model: Path, data: dict[str, Path]) -> None:
    args = ["eval", "--model", str(model), "--data", str(data["test"]), "--no-timing"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "in-scope accuracy %" in result.stdout and "out-of-scope recall %" in result.stdout
