"""Labelled examples and their JSONL form, validated strictly so a bad file fails on its line.

The format carries its own labels: any intent name, any entity label. A `LabelSet` narrows
what a file may use; `crm_labels()` is the co-pilot's own set, checked only when building
its model (someone else's data, `nlu train --data`, brings whatever labels it has).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

# The label of the out-of-scope class in anyone's data: `nlu eval` reports its recall.
OOS = "oos"


class DataError(ValueError):
    """A training or evaluation file that cannot be used; the message names file and line."""


@dataclass(frozen=True, slots=True)
class LabelSet:
    """The intents and entity labels a data file may use."""

    intents: frozenset[str]
    entities: frozenset[str]


@cache
def crm_labels() -> LabelSet:
    """The co-pilot's own labels: its procedures' intents (and chat) and their slot labels."""
    from assistant.nlu.labels import ENTITY_LABELS, INTENTS

    return LabelSet(frozenset(INTENTS), frozenset(ENTITY_LABELS))


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    label: str


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    intent: str
    entities: tuple[Span, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "intent": self.intent,
            "entities": [{"start": s.start, "end": s.end, "label": s.label} for s in self.entities],
        }


def _label(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise ValueError(f"{what} must be a non-empty string without surrounding spaces")
    return value


def _check_span(raw: Any, text: str, labels: LabelSet | None) -> Span:
    if not isinstance(raw, dict):
        raise ValueError("each entity must be an object with start, end, label")
    start, end, label = raw.get("start"), raw.get("end"), raw.get("label")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(text):
        raise ValueError(f"entity offsets {start!r}..{end!r} are outside the text")
    label = _label(label, "'label'")
    if labels is not None and label not in labels.entities:
        known = ", ".join(sorted(labels.entities))
        raise ValueError(f"unknown entity label {label!r} (known: {known})")
    if text[start:end] != text[start:end].strip():
        raise ValueError(f"entity {text[start:end]!r} starts or ends with whitespace")
    return Span(start, end, label)


def parse_example(raw: Any, labels: LabelSet | None = None) -> Example:
    """Validate one decoded JSON value (labels: any, or those of `labels`); ValueError says why."""
    if not isinstance(raw, dict):
        raise ValueError("a line must be a JSON object")
    text, intent = raw.get("text"), raw.get("intent")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("'text' must be a non-empty string")
    intent = _label(intent, "'intent'")
    if labels is not None and intent not in labels.intents:
        raise ValueError(f"unknown intent {intent!r}")
    raw_entities = raw.get("entities", [])
    if not isinstance(raw_entities, list):
        raise ValueError("'entities' must be a list")
    spans = sorted(
        (_check_span(e, text, labels) for e in raw_entities), key=lambda s: (s.start, s.end)
    )
    for left, right in pairwise(spans):
        if right.start < left.end:
            raise ValueError(f"entities overlap at characters {right.start}..{left.end}")
    return Example(text, intent, tuple(spans))


def read_jsonl(path: Path, labels: LabelSet | None = None) -> list[Example]:
    """Read and validate a JSONL file; the first bad line raises DataError naming it."""
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    examples: list[Example] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                examples.append(parse_example(json.loads(line), labels))
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}:{number}: invalid JSON ({exc.msg})") from None
            except ValueError as exc:
                raise DataError(f"{path}:{number}: {exc}") from None
    if not examples:
        raise DataError(f"{path}: no examples")
    return examples


def dumps_jsonl(examples: Iterable[Example]) -> str:
    return "".join(json.dumps(e.to_json(), ensure_ascii=False) + "\n" for e in examples)


def write_jsonl(path: Path, examples: Iterable[Example]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps_jsonl(examples), encoding="utf-8")
