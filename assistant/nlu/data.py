"""Labelled examples and their JSONL form, validated strictly so a bad file fails on its line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from assistant.nlu.labels import ENTITY_LABELS, INTENTS


class DataError(ValueError):
    """A training or evaluation file that cannot be used; the message names file and line."""


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


def _check_span(raw: Any, text: str, labels: Sequence[str]) -> Span:
    if not isinstance(raw, dict):
        raise ValueError("each entity must be an object with start, end, label")
    start, end, label = raw.get("start"), raw.get("end"), raw.get("label")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(text):
        raise ValueError(f"entity offsets {start!r}..{end!r} are outside the text")
    if label not in labels:
        raise ValueError(f"unknown entity label {label!r} (known: {', '.join(labels)})")
    if text[start:end] != text[start:end].strip():
        raise ValueError(f"entity {text[start:end]!r} starts or ends with whitespace")
    return Span(start, end, str(label))


def parse_example(
    raw: Any,
    intents: Sequence[str] = INTENTS,
    entity_labels: Sequence[str] = ENTITY_LABELS,
) -> Example:
    """Validate one decoded JSON value; raises ValueError with a short reason."""
    if not isinstance(raw, dict):
        raise ValueError("a line must be a JSON object")
    text, intent = raw.get("text"), raw.get("intent")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("'text' must be a non-empty string")
    if intent not in intents:
        raise ValueError(f"unknown intent {intent!r}")
    raw_entities = raw.get("entities", [])
    if not isinstance(raw_entities, list):
        raise ValueError("'entities' must be a list")
    spans = sorted(
        (_check_span(e, text, entity_labels) for e in raw_entities), key=lambda s: (s.start, s.end)
    )
    for left, right in pairwise(spans):
        if right.start < left.end:
            raise ValueError(f"entities overlap at characters {right.start}..{left.end}")
    return Example(text, str(intent), tuple(spans))


def read_jsonl(
    path: Path,
    intents: Sequence[str] = INTENTS,
    entity_labels: Sequence[str] = ENTITY_LABELS,
) -> list[Example]:
    """Read and validate a JSONL file; the first bad line raises DataError naming it."""
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    examples: list[Example] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                examples.append(parse_example(json.loads(line), intents, entity_labels))
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
