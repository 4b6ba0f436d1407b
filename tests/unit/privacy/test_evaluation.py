from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.privacy.evaluation import DatasetError, evaluate, load_dataset
from assistant.privacy.scrubber import Span


def _write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_scores_by_coverage_and_overlap(tmp_path: Path) -> None:
    data = _write(tmp_path / "d.json", [
        {"full_text": "Jane Doe called", "spans": [
            {"entity_type": "PER", "start_position": 0, "end_position": 8}]},
        {"full_text": "MRN 12345 ok", "spans": [
            {"entity_type": "MRN", "start_position": 4, "end_position": 9}]},
    ])  # fmt: skip
    predictions = {
        "Jane Doe called": [Span(0, 4, "PERSON", 1)],  # half the name: a leak, not found
        "MRN 12345 ok": [Span(4, 9, "MEDICAL_RECORD_NUMBER", 1), Span(10, 12, "PERSON", 1)],
    }
    report = evaluate(load_dataset(data), lambda text: predictions[text]).as_dict()
    # PERSON: gold 1 found 0; predicted 2, correct 1 (overlaps Jane Doe) -> P .5 R 0 F2 0
    assert report["per_type"]["PERSON"] == {
        "precision": 0.5, "recall": 0.0, "f2": 0.0, "support": 1, "predicted": 2}  # fmt: skip
    # overall: gold 2 found 1, predicted 3 correct 2 -> P .6667 R .5, F2 = 5PR/(4P+R) = .5263
    assert report["overall"]["precision"] == 0.6667
    assert report["overall"]["recall"] == 0.5
    assert report["overall"]["f2"] == 0.5263


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"full_text": "x"}', "expected a JSON list"),
        ('[{"text": "x"}]', "example 0: needs a string 'full_text'"),
        ('[{"full_text": "ab", "spans": [{"entity_type": "X", "start_position": 0, '
         '"end_position": 9}]}]', "outside the text"),
        ('[{"full_text": "ab", "spans": [{"start_position": 0}]}]', "needs entity_type"),
    ],
)  # fmt: skip
def test_malformed_data_names_the_problem(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DatasetError, match=message):
        load_dataset(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="no such file"):
        load_dataset(tmp_path / "absent.json")
