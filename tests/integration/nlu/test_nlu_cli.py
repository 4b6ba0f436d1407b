"""`assistant nlu train|eval` end to end on a tiny hand-written dataset, and bad input files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.nlu import app
from assistant.nlu.train import FAST_CONFIG

pytestmark = pytest.mark.slow

NOTES = [
    "add a note to {n}: {b}",
    "note for {n}: {b}",
    "add to {n}'s file: {b}",
    "please add a note to {n}: {b}",
]
TAGS = ["tag {n} as {t}", "tag {n} as {t} please", "add the {t} tag to {n}"]
CHAT = [
    "hi",
    "thanks!",
    "hello there",
    "thank you so much",
    "good morning",
    "cheers",
    "what can you do?",
    "ok thanks",
    "hey",
    "great, thanks",
]
NAMES = ["Jane Doe", "Sam Lee", "Tom Reed", "Ann Smith", "Omar Haddad", "Wei Chen"]
BODIES = ["prefers mornings", "knee is better", "allergic to latex", "wants a refund"]
TAG_WORDS = ["vip", "new client", "athlete"]


def _row(template: str, intent: str, **values: str) -> dict[str, object]:
    text, entities = "", []
    for part in re.split(r"(\{[a-z]\})", template):
        if part.startswith("{"):
            value, label = values[part[1]], {"n": "CONTACT", "b": "BODY", "t": "TAG"}[part[1]]
            entities.append({"start": len(text), "end": len(text) + len(value), "label": label})
            text += value
        else:
            text += part
    return {"text": text, "intent": intent, "entities": entities}


def _dataset() -> list[dict[str, object]]:
    rows = []
    for i, name in enumerate(NAMES):
        for template in NOTES:
            rows.append(_row(template, "notes.add", n=name, b=BODIES[i % len(BODIES)]))
        for template in TAGS:
            rows.append(_row(template, "tags.add", n=name, t=TAG_WORDS[i % len(TAG_WORDS)]))
    rows += [{"text": text, "intent": "chat", "entities": []} for text in CHAT] * 2
    return rows


@pytest.fixture(scope="module")
def tiny_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cfg") / "tiny.cfg"
    text = FAST_CONFIG.read_text()
    text = re.sub(r"max_steps = \d+", "max_steps = 120", text)
    path.write_text(re.sub(r"eval_frequency = \d+", "eval_frequency = 60", text))
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory, tiny_config: Path) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("tiny")
    data = root / "data.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in _dataset()))
    result = CliRunner().invoke(
        app,
        [
            "train",
            "--data",
            str(data),
            "--dev",
            str(data),
            "--out",
            str(root / "model"),
            "--config",
            str(tiny_config),
        ],
    )
    assert result.exit_code == 0, result.output
    # progress: the dev scores at each evaluation, then the bar with steps and the time left
    assert "step 60 of 120: dev intents" in result.stderr
    assert re.search(r"120/120 steps \d+:\d\d:\d\d elapsed, \d+:\d\d:\d\d left", result.stderr)
    return root / "model", data


def test_trained_model_gets_obvious_commands_right(trained: tuple[Path, Path]) -> None:
    from assistant.nlu.model import NLUModel

    model = NLUModel(trained[0])
    note = model.parse("add a note to Jane Doe: prefers mornings")
    assert note.intent == "notes.add"
    assert ("CONTACT", "Jane Doe") in {(e.label, e.text) for e in note.entities}
    assert model.parse("thanks!").intent == "chat"
    assert model.parse("tag Sam Lee as vip").intent == "tags.add"
    assert 0.0 <= model.threshold <= 1.0
    assert [r.intent for r in model.parse_many(["hi", "tag Ann Smith as vip"])] == [
        model.parse("hi").intent,
        model.parse("tag Ann Smith as vip").intent,
    ]


def test_a_model_of_your_own_labels_reports_only_those(trained: tuple[Path, Path]) -> None:
    from assistant.nlu.model import NLUModel

    model = NLUModel(trained[0])
    assert model.entity_labels == {"CONTACT", "BODY", "TAG"}
    # the pipeline's e-mail and phone rules still run, but this data never labelled them
    result = model.parse("add a note to Tom: call 415-555-0132 or tom@example.com")
    assert {e.label for e in result.entities} <= {"CONTACT", "BODY", "TAG"}


def test_eval_json_reports_the_metrics(trained: tuple[Path, Path]) -> None:
    model, data = trained
    result = CliRunner().invoke(
        app, ["eval", "--model", str(model), "--data", str(data), "--json", "--no-timing"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["examples"] == len(_dataset())
    assert report["intent_accuracy"] > 0.9
    assert set(report["per_intent"]) >= {"notes.add", "tags.add", "chat"}
    assert {"per_entity", "confusions", "exact_match", "contact_exact"} <= set(report)


def test_eval_table_output(trained: tuple[Path, Path]) -> None:
    model, data = trained
    result = CliRunner().invoke(app, ["eval", "--model", str(model), "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "intent accuracy" in result.stdout and "p50_ms" in result.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no such file"),
        ('{"text": "hi", "intent": "chat"}\n{oops\n', ":2: invalid JSON"),
        ('{"text": "hi", "intent": ""}\n', ":1: 'intent' must be a non-empty string"),
        (
            '{"text": "hi", "intent": "chat", "entities": [{"start": 0, "end": 9, '
            '"label": "PET"}]}\n',
            ":1: entity offsets 0..9 are outside the text",
        ),
    ],
)
@pytest.mark.parametrize("command", ["train", "eval"])
def test_bad_input_is_one_error_line(
    tmp_path: Path, content: str | None, expected: str, command: str
) -> None:
    data = tmp_path / "in.jsonl"
    if content is not None:
        data.write_text(content)
    args = (
        ["train", "--data", str(data), "--out", str(tmp_path / "m"), "--fast"]
        if command == "train"
        else ["eval", "--model", str(tmp_path), "--data", str(data)]
    )
    if command == "eval":
        (tmp_path / "config.cfg").write_text("")  # looks like a model dir; data fails first
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0]
    assert "Traceback" not in result.output


def test_missing_model_and_config_are_one_error_line(tmp_path: Path) -> None:
    data = tmp_path / "d.jsonl"
    data.write_text('{"text": "hi", "intent": "chat"}\n')
    result = CliRunner().invoke(
        app, ["eval", "--model", str(tmp_path / "nope"), "--data", str(data)]
    )
    assert result.exit_code == 1 and "no such model directory" in result.stderr
    result = CliRunner().invoke(
        app,
        [
            "train",
            "--data",
            str(data),
            "--out",
            str(tmp_path / "m"),
            "--config",
            str(tmp_path / "x.cfg"),
        ],
    )
    assert result.exit_code == 1 and "no such config file" in result.stderr
