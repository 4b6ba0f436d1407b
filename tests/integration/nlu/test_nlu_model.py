"""The inference API on the project's fast model: shapes, offsets, rules and the threshold."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.nlu.labels import ENTITY_LABELS, INTENTS
from assistant.nlu.model import NLUModel

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def model(nlu_model_dir: Path) -> NLUModel:
    return NLUModel(nlu_model_dir)


def test_result_has_a_sorted_ranking_over_known_intents(model: NLUModel) -> None:
    result = model.parse("add a note to Jane Doe: prefers morning sessions")
    assert result.intent == result.ranking[0][0] and result.confidence == result.ranking[0][1]
    scores = [score for _, score in result.ranking]
    assert scores == sorted(scores, reverse=True) and len(result.ranking) == model.top_k
    assert set(model.intents) == set(INTENTS)


def test_entity_offsets_point_into_the_text_and_labels_are_ours(model: NLUModel) -> None:
    text = "book Sam Lee for next Tuesday at 3pm for 45 minutes, 2 kg, 3 miles, in Paris"
    for entity in model.parse(text).entities:
        assert text[entity.start : entity.end] == entity.text
        assert entity.label in ENTITY_LABELS


@pytest.mark.parametrize(
    ("text", "label", "value"),
    [
        ("change Tom Reed's phone to 415 555 0132", "PHONE", "415 555 0132"),
        ("update Ann's number: (212) 555-0199", "PHONE", "(212) 555-0199"),
        ("new client Ola Smith, ola.smith@example.org", "EMAIL", "ola.smith@example.org"),
    ],
)
def test_emails_and_phones_are_always_found(
    model: NLUModel, text: str, label: str, value: str
) -> None:
    assert (label, value) in {(e.label, e.text) for e in model.parse(text).entities}


def test_threshold_comes_from_the_model_directory(model: NLUModel, nlu_model_dir: Path) -> None:
    assert model.meta["calibration"]["target_precision"] == 0.97
    assert model.threshold == model.meta["threshold"]
    assert NLUModel(nlu_model_dir, threshold=0.5).threshold == 0.5


def test_parse_many_matches_parse(model: NLUModel) -> None:
    texts = ["thanks!", "tag Maria Garcia as vip", "what's on my schedule friday?"]
    assert model.parse_many(texts) == [model.parse(t) for t in texts]


def test_not_a_model_directory_is_a_clear_error(tmp_path: Path) -> None:
    from assistant.nlu.data import DataError

    with pytest.raises(DataError, match="not a trained NLU model"):
        NLUModel(tmp_path)
