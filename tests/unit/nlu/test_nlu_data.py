"""Reading labelled JSONL: good files load, bad lines fail with the file and line number; any
labels are welcome unless a label set (the co-pilot's own, for its model) narrows them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.nlu.data import DataError, Example, Span, crm_labels, read_jsonl, write_jsonl

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
        (json.dumps({**GOOD, "intent": ""}), "'intent' must be a non-empty string"),
        (json.dumps({**GOOD, "intent": 7}), "'intent' must be a non-empty string"),
        (
            json.dumps({**GOOD, "entities": [{"start": 0, "end": 3, "label": " TAG"}]}),
            "'label' must be a non-empty string without surrounding spaces",
        ),
        ("[1, 2]", "must be a JSON object"),
    ],
)
def test_bad_line_is_named_with_its_number(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(GOOD) + "\n\n" + line + "\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_jsonl(path, crm_labels())
    assert f"{path}:3: " in str(info.value)
    assert message in str(info.value)


def test_missing_and_empty_files_are_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        read_jsonl(tmp_path / "nope.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    with pytest.raises(DataError, match="no examples"):
        read_jsonl(tmp_path / "empty.jsonl")


def test_without_a_label_set_any_intent_and_entity_label_is_welcome(tmp_path: Path) -> None:
    path = tmp_path / "bank.jsonl"
    rows = [
        {
            "text": "send 20 dollars to Ann",
            "intent": "transfer",
            "entities": [{"start": 5, "end": 15, "label": "amount"}],
        },
        {"text": "tell me a joke", "intent": "oos"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert read_jsonl(path) == [
        Example("send 20 dollars to Ann", "transfer", (Span(5, 15, "amount"),)),
        Example("tell me a joke", "oos"),
    ]
    with pytest.raises(DataError, match=r"bank\.jsonl:1: unknown intent 'transfer'"):
        read_jsonl(path, crm_labels())
