"""`assistant privacy scrub|eval`, in-process (CliRunner) and as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.privacy import app

TEXT = "Booked Priya Raghunathan, MRN 00123456, reply to priya.r@outlook.com\n"
SCRUBBED = "Booked <PERSON>, MRN <MEDICAL_RECORD_NUMBER>, reply to <EMAIL_ADDRESS>\n"

# Hand-scored: EMAIL gold 1 found 1, predicted 2 (bob@ is unlabelled) -> P .5 R 1 F2 .8333;
# MRN gold 1 found 1 -> 1.0; PHONE written in words, never found -> R 0 F2 0, no predictions.
# Overall: gold 3 found 2, predicted 3 correct 2 -> P .6667 R .6667 F2 .6667.
EVAL_DATA = [
    {"full_text": "Contact jane.doe@gmail.com today", "spans": [
        {"entity_type": "EMAIL_ADDRESS", "start_position": 8, "end_position": 26}]},
    {"full_text": "lookup MRN 00123456 ok", "spans": [
        {"entity_type": "MRN", "start_position": 11, "end_position": 19}]},
    {"full_text": "ring six one seven today", "spans": [
        {"entity_type": "PHONE_NUMBER", "start_position": 5, "end_position": 18}]},
    {"full_text": "cc bob@example.org on it", "spans": []},
]  # fmt: skip


@pytest.fixture
def eval_file(tmp_path: Path) -> Path:
    path = tmp_path / "labelled.json"
    path.write_text(json.dumps(EVAL_DATA), encoding="utf-8")
    return path


def test_scrub_stdin() -> None:
    result = CliRunner().invoke(app, ["scrub"], input=TEXT)
    assert result.exit_code == 0, result.output
    assert result.output == SCRUBBED


def test_scrub_json_spans_from_file(tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(app, ["scrub", "--json", "--file", str(source)])
    spans = json.loads(result.output)
    assert [s["entity_type"] for s in spans] == [
        "PERSON", "MEDICAL_RECORD_NUMBER", "EMAIL_ADDRESS"]  # fmt: skip
    assert TEXT[spans[1]["start"] : spans[1]["end"]] == "00123456"
    assert set(spans[0]) == {"start", "end", "entity_type", "score"}


def test_eval_prints_hand_computed_figures(eval_file: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "--data", str(eval_file), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["per_type"]["EMAIL_ADDRESS"]["precision"] == 0.5
    assert report["per_type"]["EMAIL_ADDRESS"]["f2"] == 0.8333
    assert report["per_type"]["MEDICAL_RECORD_NUMBER"]["f2"] == 1.0
    assert report["per_type"]["PHONE_NUMBER"]["recall"] == 0.0
    expected = {"precision": 0.6667, "recall": 0.6667, "f2": 0.6667, "support": 3, "predicted": 3}
    assert report["overall"] == expected


@pytest.mark.parametrize(
    ("args", "content", "message"),
    [
        (["eval", "--data"], None, "error: --data: no such file"),
        (["eval", "--data"], "{oops", "error: --data: "),
        (["scrub", "--file"], None, "error: --file: no such file"),
    ],
)
def test_errors_are_one_line(tmp_path: Path, args: list[str], content: str | None,
                             message: str) -> None:  # fmt: skip
    path = tmp_path / "input.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(app, [*args, str(path)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message)
    assert "Traceback" not in result.output


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """As a process: `python -m assistant privacy` once mounted, the sub-app until then."""
    from assistant.cli import app as root

    mounted = any(group.name == "privacy" for group in root.registered_groups)
    command = (["-m", "assistant", "privacy"] if mounted
               else ["-c", "from assistant.cli.privacy import app; app()"])  # fmt: skip
    return subprocess.run([sys.executable, *command, *args], input=stdin,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


@pytest.mark.slow
def test_scrub_and_eval_as_a_process(eval_file: Path) -> None:
    scrubbed = _cli("scrub", stdin=TEXT)
    assert scrubbed.returncode == 0, scrubbed.stderr
    assert scrubbed.stdout == SCRUBBED
    evaluated = _cli("eval", "--data", str(eval_file))
    assert evaluated.returncode == 0, evaluated.stderr
    rows = {line.split()[0]: line.split()[1:] for line in evaluated.stdout.splitlines() if line}
    assert rows["OVERALL"] == ["0.667", "0.667", "0.667", "3"]
    assert "type-agnostic" in rows and len(rows["ALL"]) == 4  # precision, any, full, support
    missing = _cli("eval", "--data", str(eval_file.parent / "nope.json"))
    assert missing.returncode == 1 and missing.stderr.startswith("error: --data: no such file")
    assert "Traceback" not in missing.stderr
