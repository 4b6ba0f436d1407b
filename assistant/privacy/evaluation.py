"""Scoring span detection on labelled text (the presidio-research JSON format).

Matching, chosen for what a scrubber is for (nothing may leak):
- a gold span is found (true positive) when predicted spans of the same type together cover
  every non-space character of it; half a record number replaced is still a leak;
- a predicted span is correct when it overlaps a gold span of the same type; one that
  overlaps none is a false positive (over-scrubbing: it costs readability, not privacy);
- types are compared after mapping labels through ``LABEL_ALIASES`` (PER -> PERSON...).
Recall and precision are computed from those two counts; F2 weights recall four times.

Type-agnostic figures answer the question logs and prompts care about (a name replaced as a
location is still replaced): a gold span is found with *any overlap* when some prediction of
any type touches it, and with *full coverage* when predictions of any type together cover
every non-space character of it; a prediction is correct when it overlaps any gold span.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.privacy.scrubber import Span

LABEL_ALIASES = {
    "PER": "PERSON",
    "NAME": "PERSON",
    "FIRST_NAME": "PERSON",
    "LAST_NAME": "PERSON",
    "EMAIL": "EMAIL_ADDRESS",
    "PHONE": "PHONE_NUMBER",
    "PHONE_NUM": "PHONE_NUMBER",
    "MRN": "MEDICAL_RECORD_NUMBER",
    "DOB": "DATE_OF_BIRTH",
    "BIRTHDATE": "DATE_OF_BIRTH",
    "ADDRESS": "STREET_ADDRESS",
    "GPE": "LOCATION",
    "LOC": "LOCATION",
    "INSURANCE": "INSURANCE_ID",
    "MEMBER_ID": "INSURANCE_ID",
    "US_SSN": "NATIONAL_ID",
    "UK_NHS": "NATIONAL_ID",
    "SSN": "NATIONAL_ID",
    "ZIP": "POSTCODE",
    "ZIPCODE": "POSTCODE",
    "DATE_TIME": "DATE",
}


class DatasetError(ValueError):
    """The labelled file is missing or malformed; the message names the problem."""


@dataclass(frozen=True)
class Example:
    text: str
    spans: tuple[Span, ...]
    kind: str = ""


@dataclass
class Counts:
    gold: int = 0
    found: int = 0
    predicted: int = 0
    correct: int = 0

    def add(self, other: Counts) -> None:
        self.gold += other.gold
        self.found += other.found
        self.predicted += other.predicted
        self.correct += other.correct

    def scores(self, beta: float = 2.0) -> dict[str, float]:
        recall = self.found / self.gold if self.gold else 1.0
        precision = self.correct / self.predicted if self.predicted else 1.0
        b2 = beta * beta
        denom = b2 * precision + recall
        f = (1 + b2) * precision * recall / denom if denom else 0.0
        return {"precision": round(precision, 4), "recall": round(recall, 4),
                "f2": round(f, 4), "support": self.gold, "predicted": self.predicted}  # fmt: skip


@dataclass
class AgnosticCounts:
    """Counts that ignore the entity type (see the module docstring)."""

    gold: int = 0
    overlapped: int = 0
    covered: int = 0
    predicted: int = 0
    correct: int = 0

    def scores(self) -> dict[str, float]:
        def ratio(num: int, den: int) -> float:
            return round(num / den, 4) if den else 1.0

        return {"recall_any_overlap": ratio(self.overlapped, self.gold),
                "recall_full_coverage": ratio(self.covered, self.gold),
                "precision": ratio(self.correct, self.predicted),
                "support": self.gold, "predicted": self.predicted}  # fmt: skip


@dataclass
class Report:
    per_type: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    agnostic: AgnosticCounts = field(default_factory=AgnosticCounts)
    per_kind: dict[str, AgnosticCounts] = field(default_factory=lambda: defaultdict(AgnosticCounts))

    @property
    def overall(self) -> Counts:
        total = Counts()
        for counts in self.per_type.values():
            total.add(counts)
        return total

    def as_dict(self) -> dict[str, Any]:
        return {
            "matching": "gold found when same-type predictions cover all its characters; "
            "prediction correct when it overlaps a same-type gold span",
            "per_type": {k: self.per_type[k].scores() for k in sorted(self.per_type)},
            "overall": self.overall.scores(),
            "type_agnostic": self.agnostic.scores(),
            "per_kind": {k: self.per_kind[k].scores() for k in sorted(self.per_kind)},
        }


def normalise_label(label: str) -> str:
    upper = label.strip().upper()
    return LABEL_ALIASES.get(upper, upper)


def load_dataset(path: Path) -> list[Example]:
    if not path.is_file():
        raise DatasetError(f"no such file: {path}")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{path} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except UnicodeDecodeError:
        raise DatasetError(f"{path} is not UTF-8 text") from None
    if not isinstance(raw, list):
        raise DatasetError(f"{path}: expected a JSON list of examples")
    return [_example(item, i, path) for i, item in enumerate(raw)]


def _example(item: Any, index: int, path: Path) -> Example:
    where = f"{path}: example {index}"
    if not isinstance(item, dict) or not isinstance(item.get("full_text"), str):
        raise DatasetError(f"{where}: needs a string 'full_text'")
    text: str = item["full_text"]
    spans = item.get("spans", [])
    if not isinstance(spans, list):
        raise DatasetError(f"{where}: 'spans' must be a list")
    parsed = []
    for j, span in enumerate(spans):
        try:
            start, end = int(span["start_position"]), int(span["end_position"])
            label = normalise_label(str(span["entity_type"]))
        except (KeyError, TypeError, ValueError):
            raise DatasetError(
                f"{where}, span {j}: needs entity_type, start_position and end_position"
            ) from None
        if not 0 <= start < end <= len(text):
            raise DatasetError(f"{where}, span {j}: positions {start}..{end} outside the text")
        parsed.append(Span(start, end, label, 1.0))
    kind = item.get("kind", "")
    return Example(text, tuple(parsed), kind if isinstance(kind, str) else "")


def _covered(gold: Span, predicted: Sequence[Span], text: str, *, typed: bool = True) -> bool:
    covered = [False] * (gold.end - gold.start)
    for p in predicted:
        if typed and p.entity_type != gold.entity_type:
            continue
        for i in range(max(p.start, gold.start), min(p.end, gold.end)):
            covered[i - gold.start] = True
    return all(c or text[gold.start + i].isspace() for i, c in enumerate(covered))


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def score_example(example: Example, predicted: Sequence[Span], report: Report) -> None:
    predicted = [Span(p.start, p.end, normalise_label(p.entity_type), p.score) for p in predicted]
    for agnostic in (report.agnostic, report.per_kind[example.kind or "all"]):
        for gold in example.spans:
            agnostic.gold += 1
            agnostic.overlapped += any(_overlaps(gold, p) for p in predicted)
            agnostic.covered += _covered(gold, predicted, example.text, typed=False)
        for p in predicted:
            agnostic.predicted += 1
            agnostic.correct += any(_overlaps(g, p) for g in example.spans)
    for gold in example.spans:
        counts = report.per_type[gold.entity_type]
        counts.gold += 1
        counts.found += _covered(gold, predicted, example.text)
    for p in predicted:
        counts = report.per_type[p.entity_type]
        counts.predicted += 1
        counts.correct += any(
            g.entity_type == p.entity_type and g.start < p.end and p.start < g.end
            for g in example.spans
        )


def evaluate(examples: Iterable[Example], analyze: Callable[[str], Sequence[Span]]) -> Report:
    report = Report()
    for example in examples:
        score_example(example, analyze(example.text), report)
    return report


def format_table(report: Report) -> str:
    rows = [f"{'entity_type':<24} {'precision':>9} {'recall':>7} {'f2':>7} {'support':>8}"]
    data = report.as_dict()
    for name, s in [*data["per_type"].items(), ("OVERALL", data["overall"])]:
        rows.append(
            f"{name:<24} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f2']:>7.3f} "
            f"{s['support']:>8}"
        )
    rows += ["", f"{'type-agnostic':<24} {'precision':>9} {'any-overlap':>11} "
                 f"{'full-coverage':>13} {'support':>8}"]  # fmt: skip
    kinds = data["per_kind"] if len(data["per_kind"]) > 1 else {}
    for name, a in [("ALL", data["type_agnostic"]), *kinds.items()]:
        rows.append(
            f"{name:<24} {a['precision']:>9.3f} {a['recall_any_overlap']:>11.3f} "
            f"{a['recall_full_coverage']:>13.3f} {a['support']:>8}"
        )
    return "\n".join(rows)
