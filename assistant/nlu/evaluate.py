"""Metrics for a trained pipeline on labelled data: what the benchmark and `nlu eval` report.

Entities count only on exact span and label. "Exact call" means the intent and every entity
are right, which is what a classifier-only call needs. Timing is per utterance, one at a
time, as the chat path runs it. Data with an out-of-scope class (`oos`, as in the public
intent benchmarks) also gets in-scope accuracy (gold intent not `oos`) and out-of-scope
recall (gold `oos` predicted `oos`); data with the co-pilot's labels also gets how often it
finds the people a command names exactly and its chat recall. A figure the data cannot
measure is None.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.nlu.data import OOS, Example, Span
from assistant.nlu.labels import CHAT, PERSON_LABELS

if TYPE_CHECKING:
    from assistant.nlu.contacts import ContactIndex
    from assistant.nlu.model import NLUModel


@dataclass(frozen=True, slots=True)
class Prediction:
    intent: str
    confidence: float
    entities: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class PRF:
    precision: float
    recall: float
    f1: float
    support: int

    @classmethod
    def of(cls, tp: int, fp: int, fn: int) -> PRF:
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return cls(p, r, 2 * p * r / (p + r) if p + r else 0.0, tp + fn)


@dataclass(slots=True)
class Report:
    examples: int
    intent_accuracy: float
    intent_macro_f1: float
    per_intent: dict[str, PRF]
    confusions: list[tuple[str, str, int]]
    entities_micro: PRF
    per_entity: dict[str, PRF]
    exact_match: float
    contact_exact: float | None
    chat_recall: float | None
    in_scope_accuracy: float | None = None
    oos_recall: float | None = None
    threshold: float | None = None
    accepted_precision: float | None = None
    accepted_coverage: float | None = None
    timing: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        def prf(m: PRF) -> dict[str, float | int]:
            return {"precision": m.precision, "recall": m.recall, "f1": m.f1, "support": m.support}

        return {
            "examples": self.examples,
            "intent_accuracy": self.intent_accuracy,
            "intent_macro_f1": self.intent_macro_f1,
            "exact_match": self.exact_match,
            "contact_exact": self.contact_exact,
            "chat_recall": self.chat_recall,
            "in_scope_accuracy": self.in_scope_accuracy,
            "oos_recall": self.oos_recall,
            "threshold": self.threshold,
            "accepted_precision": self.accepted_precision,
            "accepted_coverage": self.accepted_coverage,
            "entities_micro": prf(self.entities_micro),
            "per_intent": {k: prf(v) for k, v in self.per_intent.items()},
            "per_entity": {k: prf(v) for k, v in self.per_entity.items()},
            "confusions": [{"gold": g, "predicted": p, "count": n} for g, p, n in self.confusions],
            "timing": self.timing,
        }


def _spanset(spans: Sequence[Span], labels: frozenset[str] | None = None) -> set[Span]:
    return {s for s in spans if labels is None or s.label in labels}


def score(
    gold: Sequence[Example],
    predicted: Sequence[Prediction],
    threshold: float | None = None,
    top_confusions: int = 10,
) -> Report:
    """Compare predictions with gold labels, example by example (same order)."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold examples but {len(predicted)} predictions")
    intents = sorted({g.intent for g in gold} | {p.intent for p in predicted})
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    etp: Counter[str] = Counter()
    efp: Counter[str] = Counter()
    efn: Counter[str] = Counter()
    confusions: Counter[tuple[str, str]] = Counter()
    exact = mention_total = mention_right = accepted = accepted_right = 0
    in_scope = in_scope_right = 0
    for g, p in zip(gold, predicted, strict=True):
        if g.intent == p.intent:
            tp[g.intent] += 1
        else:
            fn[g.intent] += 1
            fp[p.intent] += 1
            confusions[(g.intent, p.intent)] += 1
        gs, ps = _spanset(g.entities), _spanset(p.entities)
        for s in gs & ps:
            etp[s.label] += 1
        for s in ps - gs:
            efp[s.label] += 1
        for s in gs - ps:
            efn[s.label] += 1
        exact += g.intent == p.intent and gs == ps
        if g.intent != OOS:
            in_scope += 1
            in_scope_right += g.intent == p.intent
        if _spanset(g.entities, PERSON_LABELS):
            mention_total += 1
            mention_right += _spanset(g.entities, PERSON_LABELS) == _spanset(
                p.entities, PERSON_LABELS
            )
        if threshold is not None and p.confidence >= threshold:
            accepted += 1
            accepted_right += g.intent == p.intent
    per_intent = {i: PRF.of(tp[i], fp[i], fn[i]) for i in intents}
    gold_intents = {g.intent for g in gold}
    macro = statistics.fmean(per_intent[i].f1 for i in gold_intents) if gold_intents else 0.0
    labels = sorted(set(etp) | set(efp) | set(efn))
    n = len(gold)
    return Report(
        examples=n,
        intent_accuracy=sum(tp.values()) / n if n else 0.0,
        intent_macro_f1=macro,
        per_intent=per_intent,
        confusions=[(g, p, c) for (g, p), c in confusions.most_common(top_confusions)],
        entities_micro=PRF.of(sum(etp.values()), sum(efp.values()), sum(efn.values())),
        per_entity={label: PRF.of(etp[label], efp[label], efn[label]) for label in labels},
        exact_match=exact / n if n else 0.0,
        contact_exact=mention_right / mention_total if mention_total else None,
        chat_recall=per_intent[CHAT].recall if CHAT in gold_intents else None,
        in_scope_accuracy=in_scope_right / in_scope if OOS in gold_intents and in_scope else None,
        oos_recall=per_intent[OOS].recall if OOS in gold_intents else None,
        threshold=threshold,
        accepted_precision=accepted_right / accepted
        if threshold is not None and accepted
        else None,
        accepted_coverage=accepted / n if threshold is not None and n else None,
    )


def predict(
    model: NLUModel, texts: Sequence[str], known: ContactIndex | None = None
) -> list[Prediction]:
    return [
        Prediction(r.intent, r.confidence, tuple(Span(e.start, e.end, e.label) for e in r.entities))
        for r in model.parse_many(texts, known=known)
    ]


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-quantile by nearest rank below; None for no values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else None


def _ms(values: Sequence[float], q: float) -> float:
    value = percentile(values, q)
    assert value is not None
    return 1000 * value


def timing(
    model: NLUModel, texts: Sequence[str], warmup: int = 20, known: ContactIndex | None = None
) -> dict[str, float]:
    """Latency per utterance parsed alone (p50/p95, ms) and words per second.

    CPU time is reported beside wall time: on a shared machine the wall figure includes
    waiting for a core, the CPU figure is what one uncontended core would take.
    """
    for text in texts[:warmup]:
        model.parse(text, known)
    wall: list[float] = []
    cpu: list[float] = []
    for text in texts:
        start, start_cpu = time.perf_counter(), time.process_time()
        model.parse(text, known)
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start)
    if not wall:
        return {}
    words = sum(len(t.split()) for t in texts)
    return {
        "p50_ms": _ms(wall, 0.5),
        "p95_ms": _ms(wall, 0.95),
        "cpu_p50_ms": _ms(cpu, 0.5),
        "cpu_p95_ms": _ms(cpu, 0.95),
        "words_per_s": words / sum(wall),
        "utterances": float(len(wall)),
    }


def evaluate(
    model: NLUModel,
    examples: Sequence[Example],
    with_timing: bool = True,
    known: ContactIndex | None = None,
) -> Report:
    """Score `model` on `examples`; with `known`, the CRM's contacts are matched too."""
    texts = [e.text for e in examples]
    report = score(examples, predict(model, texts, known), threshold=model.threshold)
    if with_timing:
        report.timing = timing(model, texts, known=known)
    return report
