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

from assistant.nlu.contacts import (
    ContactIndex,
    KnownMention,
    NameWords,
    combine,
    fallback_people,
    not_a_person,
)
from assistant.nlu.data import DataError, crm_labels
from assistant.nlu.labels import PERSON_LABELS
from assistant.nlu.postprocess import NOT_NAMES, merge_roles, tidy
from assistant.nlu.spelling import Corrected, Speller

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
    known: tuple[KnownMention, ...] = ()
    """The CRM's contacts named in the text (when the parse was given a `ContactIndex`)."""
    corrected: str | None = None
    """The text the classifier read, when spelling correction changed it."""

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
            "corrected": self.corrected,
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
        self._crm = name == "crm"
        self.speller = Speller.load(self.path)
        self.vocabulary: frozenset[str] = self.speller.known if self.speller else frozenset()
        self.name_words = (
            NameWords(self.vocabulary, self.speller.names, self.speller.english, NOT_NAMES)
            if self.speller is not None
            else None
        )
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

    def _correct(self, text: str, known: ContactIndex | None) -> Corrected:
        if self.speller is None:
            return Corrected(text, text)
        return self.speller.correct(text, known.words() if known is not None else ())

    def _result(self, doc: Doc, fixed: Corrected, known: ContactIndex | None) -> NLUResult:
        text = fixed.original
        ranking = sorted(doc.cats.items(), key=lambda kv: -kv[1])[: self.top_k]
        intent, confidence = ranking[0] if ranking else ("chat", 0.0)
        found = []
        for e in doc.ents:
            if e.label_ not in self.entity_labels:
                continue
            start, end = fixed.original_span(e.start_char, e.end_char)
            found.append(Entity(e.label_, text[start:end], start, end))
        entities = self._postprocess(intent, text, found)
        matches: tuple[KnownMention, ...] = ()
        if self._crm:
            entities = [
                e
                for e in entities
                if e.label not in PERSON_LABELS or not not_a_person(e, self.vocabulary, text)
            ]
            if known is not None:
                matches = tuple(known.find(text, self.vocabulary))
                combined = combine(intent, text, entities, matches, self.vocabulary)
                entities = merge_roles(intent, text, combined)
            if self.name_words is not None:
                entities = fallback_people(intent, text, entities, self.name_words)
        return NLUResult(
            intent,
            float(confidence),
            [(name, float(score)) for name, score in ranking],
            entities,
            matches,
            fixed.text if fixed.changed else None,
        )

    def parse(self, text: str, known: ContactIndex | None = None) -> NLUResult:
        """Intent and entities of `text`; with `known`, the CRM's contacts are found too."""
        fixed = self._correct(text, known)
        return self._result(self._nlp(fixed.text), fixed, known)

    def parse_many(
        self, texts: Iterable[str], batch_size: int = 64, known: ContactIndex | None = None
    ) -> list[NLUResult]:
        fixed = [self._correct(text, known) for text in texts]
        docs = self._nlp.pipe((f.text for f in fixed), batch_size=batch_size)
        return [self._result(doc, f, known) for doc, f in zip(docs, fixed, strict=True)]

    def accepts(self, result: NLUResult) -> bool:
        """Whether the classifier alone may decide (calibrated on dev at training time)."""
        return result.confidence >= self.threshold
