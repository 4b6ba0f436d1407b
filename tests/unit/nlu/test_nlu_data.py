"""Reading labelled JSONL: good files load, bad lines fail with the file and line number."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.nlu.data import DataError, Example, Span, read_jsonl, write_jsonl

GOOD = {
    "text": "tag Ann as vip",
    "intent": "tags.add",
    "entities": [
        {"start": 4, "end": 7, "label": "CONTACT"},
        {"start": 11, "end": 14, "label": "TAG"},
    ],
}


def test_write_then_read_round_trips(tmp_path: Path) -> None:
    examples = [
        Example("hi", "chat"),
        Example("tag Ann as vip", "tags.add", (Span(4, 7, "CONTACT"), Span(11, 14, "TAG"))),
    ]
    write_jsonl(tmp_path / "d.jsonl", examples)
    assert read_jsonl(tmp_path / "d.jsonl") == examples


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "invalid JSON"),
        (json.dumps({**GOOD, "intent": "notes.fly"}), "unknown intent 'notes.fly'"),
        (
            json.dumps({**GOOD, "entities": [{"start": 0, "end": 3, "label": "PET"}]}),
            "unknown entity label 'PET'",
        ),
        (
            json.dumps({**GOOD, "entities": [{"start": 4, "end": 40, "label": "CONTACT"}]}),
            "outside the text",
        ),
        (
            json.dumps({**GOOD, "entities": [{"start": 3, "end": 7, "label": "CONTACT"}]}),
            "whitespace",
        ),
        (
            json.dumps(
                {
                    **GOOD,
                    "entities": [
                        {"start": 4, "end": 7, "label": "CONTACT"},
                        {"start": 5, "end": 9, "label": "TAG"},
                    ],
                }
            ),
            "overlap",
        ),
        (json.dumps({"intent": "chat"}), "'text' must be a non-empty string"),
        ("[1, 2]", "must be a JSON object"),
    ],
)
def test_bad_line_is_named_with_its_number(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(GOOD) + "\n\n" + line + "\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_jsonl(path)
    assert f"{path}:3: " in str(info.value)
    assert message in str(info.value)


def test_missing_and_empty_files_are_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        read_jsonl(tmp_path / "nope.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    with pytest.raises(DataError, match="no examples"):
        read_jsonl(tmp_path / "empty.jsonl")
