"""Recognizers for people's names that the small spaCy model misses.

Two sources: the contacts actually in the DB (a deny-list refreshed at runtime, which also
covers their e-mails and phones), and a gazetteer of first names of many origins (Faker's
person lists, ~20k Latin-script names) that marks "First Last" sequences.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

APOS = "'\u2019"
_WORD = re.compile(rf"[^\W\d_]+(?:[{APOS}-][^\W\d_]+)*")
_EMAIL_CANDIDATE = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE_CANDIDATE = re.compile(r"\+?\d[\d\s().-]{5,}\d")
_MIN_PHONE_DIGITS = 7


@dataclass(frozen=True)
class KnownValues:
    """One immutable snapshot of the deny-list; replaced whole, so readers never lock."""

    name_sequences: frozenset[tuple[str, ...]] = frozenset()
    name_parts: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    longest_name: int = 0
    stop_words: frozenset[str] = field(default_factory=frozenset)


def _digits(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    return digits[-10:] if len(digits) >= 10 else digits


class KnownValuesRecognizer(EntityRecognizer):
    """The contacts actually in the DB: names (any case), e-mails and phones (any formatting).

    Full names match in any case; a single part of a name (a surname alone, "DOE") matches
    when it is capitalised or all-caps and not a common word, so "will" and "may" survive.
    """

    ENTITIES = ("PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER")

    def __init__(self, stop_words: Iterable[str] | None = None) -> None:
        super().__init__(
            supported_entities=list(self.ENTITIES), name="known_contacts", supported_language="en"
        )
        self._stop_words = _stop_words() if stop_words is None else frozenset(stop_words)
        self._values = KnownValues(stop_words=self._stop_words)
        self._lock = threading.Lock()

    def load(self) -> None:
        """Nothing to load: values arrive through ``update``."""

    def update(
        self, names: Iterable[str] = (), emails: Iterable[str] = (), phones: Iterable[str] = ()
    ) -> None:
        sequences: set[tuple[str, ...]] = set()
        parts: set[str] = set()
        for name in names:
            words = tuple(word.lower() for word in _WORD.findall(name))
            if not words:
                continue
            sequences.add(words)
            if len(words) > 1:
                sequences.add((words[-1], *words[:-1]))  # "Doe, Jane"
            parts.update(w for w in words if len(w) >= 3 and w not in self._stop_words)
        values = KnownValues(
            name_sequences=frozenset(sequences),
            name_parts=frozenset(parts),
            emails=frozenset(e.strip().lower() for e in emails if e.strip()),
            phones=frozenset(d for p in phones if len(d := _digits(p)) >= _MIN_PHONE_DIGITS),
            longest_name=max((len(s) for s in sequences), default=0),
            stop_words=self._stop_words,
        )
        with self._lock:
            self._values = values

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        values = self._values
        results: list[RecognizerResult] = []
        if values.emails and "EMAIL_ADDRESS" in entities:
            for match in _EMAIL_CANDIDATE.finditer(text):
                if match.group().lower() in values.emails:
                    results.append(self._result("EMAIL_ADDRESS", match.start(), match.end()))
        if values.phones and "PHONE_NUMBER" in entities:
            for match in _PHONE_CANDIDATE.finditer(text):
                if _digits(match.group()) in values.phones:
                    results.append(self._result("PHONE_NUMBER", match.start(), match.end()))
        if values.name_sequences and "PERSON" in entities:
            results.extend(self._names(text, values))
        return results

    def _names(self, text: str, values: KnownValues) -> list[RecognizerResult]:
        words = list(_WORD.finditer(text))
        found: list[RecognizerResult] = []
        i = 0
        while i < len(words):
            matched = 0
            for size in range(min(values.longest_name, len(words) - i), 0, -1):
                key = tuple(w.group().lower() for w in words[i : i + size])
                if key in values.name_sequences:
                    matched = size
                    break
            if not matched:
                word = words[i].group()
                if word.lower() in values.name_parts and not word.islower():
                    matched = 1
            if matched:
                found.append(self._result("PERSON", words[i].start(), words[i + matched - 1].end()))
                i += matched
            else:
                i += 1
        return found

    def _result(self, entity: str, start: int, end: int) -> RecognizerResult:
        return RecognizerResult(entity_type=entity, start=start, end=end, score=1.0)


# Capitalised words that follow a first name without making it a person's name.
_NOT_SURNAMES = frozenset(
    {
        *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        *("january", "february", "march", "april", "may", "june", "july", "august"),
        *("september", "october", "november", "december"),
        *("street", "avenue", "road", "clinic", "hospital", "mrn", "dob", "id"),
    }
)
_PARTICLES = r"(?:van|von|de|del|della|da|di|der|den|la|le|du|bin|binti|al|el|dos|das|ter|ten)"
_CAP = (
    rf"(?:[A-Z][a-zà-ÿ{APOS}-]*[a-zà-ÿ]|[A-Z][a-z]*[{APOS}][A-Z][a-z]+"
    rf"|[A-Z]{{2,}}(?:-[A-Z]{{2,}})?)"
)
_CAP_RE = re.compile(rf"\b{_CAP}\b")
_REST = re.compile(rf"(?:[ \t]+(?:{_PARTICLES}[ \t]+)*{_CAP}){{1,2}}\b")
_REVERSED = re.compile(rf"\b{_CAP},[ \t]+({_CAP})\b")


def faker_first_names() -> frozenset[str]:
    """First names from every Faker locale, Latin script only, lower-cased."""
    import faker.providers.person as person

    names: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attr in ("first_names", "first_names_male", "first_names_female",
                     "first_romanized_names", "first_names_nonbinary"):  # fmt: skip
            values = provider.__dict__.get(attr)
            if not isinstance(values, list | tuple | dict | set | frozenset):
                continue
            names.update(n.lower() for n in values if isinstance(n, str) and _latin(n))
    return frozenset(names)


def _stop_words() -> frozenset[str]:
    """spaCy's English stop words: a name part that is one ("will", "may") never matches alone."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _latin(word: str) -> bool:
    return word.isalpha() and all(unicodedata.name(c, "").startswith("LATIN") for c in word)


class FirstNameRecognizer(EntityRecognizer):
    """A known first name followed by one or two capitalised words: "Priya Raghunathan".

    A first name alone is left to spaCy and the deny-list: "Will", "May" and "Grace" are
    words too, and a following capitalised surname is what makes them a name.
    """

    def __init__(self, first_names: Iterable[str] | None = None) -> None:
        super().__init__(supported_entities=["PERSON"], name="name_gazetteer")
        names = frozenset(first_names) if first_names is not None else faker_first_names()
        self._names = names - _stop_words()

    def load(self) -> None:
        """The names are read in ``__init__``."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = []
        for first in _CAP_RE.finditer(text):
            if first.group().lower() not in self._names:
                continue
            rest = _REST.match(text, first.end())
            if rest is None:
                continue
            end = first.end()
            for word in _CAP_RE.finditer(rest.group()):
                if word.group().lower() in _NOT_SURNAMES:
                    break
                end = rest.start() + word.end()
            if end > first.end():
                results.append(RecognizerResult("PERSON", first.start(), end, 0.6))
        for match in _REVERSED.finditer(text):
            if match.group(1).lower() in self._names:
                results.append(RecognizerResult("PERSON", match.start(), match.end(), 0.5))
        return results
