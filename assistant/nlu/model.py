"""Inference: load a trained pipeline once and turn text into an intent and entity mentions.

This is the API the hybrid parser calls. `threshold` comes from the model directory
(calibrated on dev at training time): a `confidence` at or above it is a decision the
classifier may take alone; below it, ask the LLM with `ranking`'s top candidates.
The directory also says which entity labels the model was trained on (the sourced NER may
still emit PERSON, QUANTITY...) and which clean-up its entities get: the co-pilot's own model
("crm") gets the labelling guide's fix-ups, a model of anyone's labels gets none.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.nlu.data import DataError, crm_labels
from assistant.nlu.postprocess import tidy

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

META_FILE = "meta_assistant.json"
DEFAULT_THRESHOLD = 0.9


@dataclass(frozen=True, slots=True)
class Entity:
    label: str
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class NLUResult:
    intent: str
    confidence: float
    ranking: list[tuple[str, float]] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)

    def first(self, label: str) -> Entity | None:
        return next((e for e in self.entities if e.label == label), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "intent": self.intent,
            "confidence": self.confidence,
            "ranking": [[name, score] for name, score in self.ranking],
            "entities": [
                {"label": e.label, "text": e.text, "start": e.start, "end": e.end}
                for e in self.entities
            ],
        }


Postprocess = Callable[[str, str, list[Entity]], list[Entity]]

# What `postprocess` in a model's meta selects; a model trained before the key existed is
# the co-pilot's own.
POSTPROCESS: Mapping[str | None, Postprocess] = {
    "crm": tidy,
    None: lambda intent, text, entities: entities,
}
LEGACY_POSTPROCESS = "crm"


class NLUModel:
    """A loaded pipeline. Build one per process (it holds the spaCy model) and share it."""

    def __init__(self, path: Path, threshold: float | None = None, top_k: int = 5) -> None:
        self.path = Path(path)
        if not (self.path / "config.cfg").is_file():
            raise DataError(f"{self.path}: not a trained NLU model (no config.cfg)")
        self.meta: dict[str, Any] = {}
        meta_path = self.path / META_FILE
        if meta_path.is_file():
            self.meta = json.loads(meta_path.read_text(encoding="utf-8"))
        self.threshold = (
            threshold
            if threshold is not None
            else float(self.meta.get("threshold", DEFAULT_THRESHOLD))
        )
        self.top_k = top_k
        name = self.meta.get("postprocess", LEGACY_POSTPROCESS)
        if name not in POSTPROCESS:
            raise DataError(f"{meta_path}: unknown postprocess {name!r}")
        self._postprocess = POSTPROCESS[name]
        labels = self.meta.get("entity_labels")
        self.entity_labels = frozenset(labels) if labels is not None else crm_labels().entities
        self._nlp = self._load(self.path)

    @staticmethod
    def _load(path: Path) -> Language:
        import spacy

        from assistant.nlu import rules

        rules.register()
        return spacy.load(path)

    @property
    def intents(self) -> tuple[str, ...]:
        return tuple(self._nlp.get_pipe("textcat").labels)  # type: ignore[attr-defined]

    def _result(self, doc: Doc) -> NLUResult:
        ranking = sorted(doc.cats.items(), key=lambda kv: -kv[1])[: self.top_k]
        intent, confidence = ranking[0] if ranking else ("chat", 0.0)
        found = [
            Entity(e.label_, e.text, e.start_char, e.end_char)
            for e in doc.ents
            if e.label_ in self.entity_labels
        ]
        entities = self._postprocess(intent, doc.text, found)
        return NLUResult(
            intent, float(confidence), [(name, float(score)) for name, score in ranking], entities
        )

    def parse(self, text: str) -> NLUResult:
        return self._result(self._nlp(text))

    def parse_many(self, texts: Iterable[str], batch_size: int = 64) -> list[NLUResult]:
        return [self._result(doc) for doc in self._nlp.pipe(texts, batch_size=batch_size)]

    def accepts(self, result: NLUResult) -> bool:
        """Whether the classifier alone may decide (calibrated on dev at training time)."""
        return result.confidence >= self.threshold
