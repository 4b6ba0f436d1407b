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


def test_type_agnostic_recall_and_precision(tmp_path: Path) -> None:
    data = _write(tmp_path / "d.json", [
        # Gold: a PERSON (0..8) and a LOCATION (18..24); kinds group the per-kind figures.
        {"full_text": "Jane Doe lives in Lisbon", "kind": "note", "spans": [
            {"entity_type": "PERSON", "start_position": 0, "end_position": 8},
            {"entity_type": "LOCATION", "start_position": 18, "end_position": 24}]},
        {"full_text": "call 555 0100 now", "kind": "log", "spans": [
            {"entity_type": "PHONE_NUMBER", "start_position": 5, "end_position": 13}]},
    ])  # fmt: skip
    predictions = {
        # The name as a LOCATION in two halves (covers it, wrong type), Lisbon half covered.
        "Jane Doe lives in Lisbon": [
            Span(0, 4, "LOCATION", 1), Span(5, 8, "LOCATION", 1), Span(18, 21, "PERSON", 1)],
        # The phone only partly, and one false positive.
        "call 555 0100 now": [Span(5, 8, "PHONE_NUMBER", 1), Span(14, 17, "PERSON", 1)],
    }  # fmt: skip
    report = evaluate(load_dataset(data), lambda text: predictions[text]).as_dict()
    # 3 gold spans, all overlapped; only "Jane Doe" fully covered; 5 predicted, 4 overlap gold.
    assert report["type_agnostic"] == {
        "recall_any_overlap": 1.0, "recall_full_coverage": 0.3333, "precision": 0.8,
        "support": 3, "predicted": 5}  # fmt: skip
    assert report["per_kind"]["note"]["recall_full_coverage"] == 0.5
    assert report["per_kind"]["log"] == {
        "recall_any_overlap": 1.0, "recall_full_coverage": 0.0, "precision": 0.5,
        "support": 1, "predicted": 2}  # fmt: skip
    # Typed: nothing is found as its own type.
    assert report["overall"]["recall"] == 0.0


def test_prediction_types_go_through_the_aliases(tmp_path: Path) -> None:
    data = _write(tmp_path / "d.json", [
        {"full_text": "SSN 078-05-1120", "spans": [
            {"entity_type": "NATIONAL_ID", "start_position": 4, "end_position": 15}]}])  # fmt: skip
    report = evaluate(load_dataset(data), lambda text: [Span(4, 15, "US_SSN", 1)]).as_dict()
    assert report["per_type"]["NATIONAL_ID"]["recall"] == 1.0
