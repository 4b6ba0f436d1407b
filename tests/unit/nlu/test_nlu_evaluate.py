"""Metrics on a hand-made prediction set, with the expected figures worked out by hand."""

from __future__ import annotations

import pytest

from assistant.nlu.data import Example, Span
from assistant.nlu.evaluate import PRF, Prediction, score

C = "CONTACT"
GOLD = [
    Example("tag Ann as vip", "tags.add", (Span(4, 7, C), Span(11, 14, "TAG"))),
    Example("show Bo", "contacts.get", (Span(5, 7, C),)),
    Example("hi", "chat"),
    Example("thanks", "chat"),
    Example("merge Jo into Joe", "contacts.merge", (Span(6, 8, "DUPLICATE"), Span(14, 17, C))),
]
PRED = [
    # right intent, TAG span wrong (11..13): not exact
    Prediction("tags.add", 0.99, (Span(4, 7, C), Span(11, 13, "TAG"))),
    # wrong intent (chat), contact right
    Prediction("chat", 0.95, (Span(5, 7, C),)),
    Prediction("chat", 0.90),
    # chat taken for a command, with a spurious contact
    Prediction("contacts.get", 0.40, (Span(0, 6, C),)),
    Prediction("contacts.merge", 0.97, (Span(6, 8, "DUPLICATE"), Span(14, 17, C))),
]


@pytest.fixture
def report():  # type: ignore[no-untyped-def]
    return score(GOLD, PRED, threshold=0.9)


def test_intent_accuracy_and_per_intent_figures(report) -> None:  # type: ignore[no-untyped-def]
    assert report.intent_accuracy == pytest.approx(3 / 5)
    assert report.per_intent["chat"] == PRF(0.5, 0.5, 0.5, 2)
    assert report.per_intent["contacts.get"] == PRF(0.0, 0.0, 0.0, 1)
    assert report.per_intent["tags.add"] == PRF(1.0, 1.0, 1.0, 1)
    # macro over gold intents: tags.add 1, contacts.get 0, chat 0.5, merge 1
    assert report.intent_macro_f1 == pytest.approx(2.5 / 4)
    assert report.chat_recall == pytest.approx(0.5)


def test_confusions_count_gold_then_predicted(report) -> None:  # type: ignore[no-untyped-def]
    assert sorted(report.confusions) == [("chat", "contacts.get", 1), ("contacts.get", "chat", 1)]


def test_entities_need_the_exact_span(report) -> None:  # type: ignore[no-untyped-def]
    # CONTACT: tp 3 (Ann, Bo, Joe), fp 1 (thanks), fn 0; TAG: tp 0 fp 1 fn 1; DUPLICATE: tp 1
    assert report.per_entity[C] == PRF(0.75, 1.0, pytest.approx(6 / 7), 3)
    assert report.per_entity["TAG"] == PRF(0.0, 0.0, 0.0, 1)
    assert report.per_entity["DUPLICATE"] == PRF(1.0, 1.0, 1.0, 1)
    assert report.entities_micro.precision == pytest.approx(4 / 6)
    assert report.entities_micro.recall == pytest.approx(4 / 5)


def test_exact_call_and_contact_mentions(report) -> None:  # type: ignore[no-untyped-def]
    # exact: "hi" and the merge only
    assert report.exact_match == pytest.approx(2 / 5)
    # gold with mentions: tag (right), show Bo (right), merge (right)
    assert report.contact_exact == pytest.approx(1.0)


def test_accepted_decisions_at_the_threshold(report) -> None:  # type: ignore[no-untyped-def]
    # accepted (>= 0.9): tag right, show Bo wrong, hi right, merge right
    assert report.accepted_coverage == pytest.approx(4 / 5)
    assert report.accepted_precision == pytest.approx(3 / 4)


def test_lengths_must_match() -> None:
    with pytest.raises(ValueError, match="2 gold examples but 1 predictions"):
        score(GOLD[:2], PRED[:1])


def test_out_of_scope_figures_when_the_data_has_an_oos_class() -> None:
    gold = [
        Example("what is my balance", "balance"),
        Example("move money to savings", "transfer"),
        Example("tell me a joke", "oos"),
        Example("how tall is everest", "oos"),
        Example("is it raining", "oos"),
    ]
    predicted = [
        Prediction("balance", 0.9),
        Prediction("oos", 0.6),  # in scope taken for out of scope
        Prediction("oos", 0.8),
        Prediction("transfer", 0.7),  # out of scope taken for an intent
        Prediction("oos", 0.9),
    ]
    report = score(gold, predicted)
    assert report.in_scope_accuracy == pytest.approx(1 / 2)
    assert report.oos_recall == pytest.approx(2 / 3)
    assert report.intent_accuracy == pytest.approx(3 / 5)
    # no chat class and no people in this data: those figures are not measured
    assert report.chat_recall is None and report.contact_exact is None
    assert report.as_dict()["oos_recall"] == pytest.approx(2 / 3)


def test_no_out_of_scope_figures_without_an_oos_class(report) -> None:  # type: ignore[no-untyped-def]
    assert report.in_scope_accuracy is None and report.oos_recall is None
