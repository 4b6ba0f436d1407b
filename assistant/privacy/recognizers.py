"""Clinic recognizers for Presidio, and the registry that names them.

The small spaCy model misses all-caps names and labels numbers as people (see FACTS), so the
identifiers a clinic actually handles (record numbers, insurance ids, dates of birth,
addresses) are found by patterns anchored on the words that introduce them, and the people
we know about (contacts in the DB) by a deny-list refreshed at runtime. Importing this module
imports Presidio: only the scrubber does, lazily, when it loads.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import regex
import tldextract
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    IpRecognizer,
    NhsRecognizer,
    PhoneRecognizer,
    UsSsnRecognizer,
)

RecognizerFactory = Callable[[], EntityRecognizer]

# Separators between a keyword and its value: "MRN 00123", "MRN: 00123", "mrn=00123",
# '"mrn": "00123"', "MRN# 00123", "member ID no. 123".
_SEP = r"""(?:\s*(?:[:#=]|\bno\.?|\bnumber\b|\bis\b|\bid\b)?\s*["']?\s*){1,3}"""

_MRN_KEYS = (
    r"mrn|mr\#|med(?:ical)?[\s_-]*rec(?:ord)?s?(?:[\s_-]*(?:number|no\.?|num|\#))?"
    r"|chart(?:[\s_-]*(?:number|no\.?|\#))|patient[\s_-]*(?:id|number|no\.?|\#)"
    r"|hospital[\s_-]*(?:number|no\.?)"
)
_MRN_VALUE = r"(?:[A-Z]{1,3}[-]?)?\d{4,12}\b"

_INSURANCE_KEYS = (
    r"member(?:ship)?[\s_-]*(?:id|\#|no\.?|number)|subscriber[\s_-]*(?:id|\#|no\.?|number)"
    r"|policy(?:[\s_-]*(?:id|\#|no\.?|number|num))?|insurance[\s_-]*(?:id|\#|no\.?|number)"
    r"|medicaid(?:[\s_-]*(?:id|\#|no\.?|number))?|medicare(?:[\s_-]*(?:id|\#|no\.?|number))?"
    r"|mbi|group[\s_-]*(?:id|\#|no\.?|number)|plan[\s_-]*(?:id|\#|no\.?|number)"
    r"|insured[\s_-]*id|health[\s_-]*card(?:[\s_-]*(?:id|\#|no\.?|number))?"
)
_INSURANCE_VALUE = r"(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{4,22}[A-Z0-9]\b"

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE_VALUE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}"
    rf"|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS},?\s+\d{{4}})\b"
)
_DOB_KEYS = (
    r"dob|d\.o\.b\.?|date[\s_-]*of[\s_-]*birth|birth[\s_-]*date|birthdate|birthday"
    r"|born(?:\s+on)?|b\.d\."
)

_STREET_TYPES = (
    r"street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|way"
    r"|terrace|ter|circle|cir|highway|hwy|parkway|pkwy|square|sq|crescent|close|row|trail"
    r"|grove|gardens|walk|hill|mews"
)
_POSTCODE = (
    r"(?:\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}|[A-Z]\d[A-Z]\s?\d[A-Z]\d)"
)
_CAP_WORD = r"[A-Z][a-zA-Z'’-]+"
_ADDRESS = (
    rf"(?:(?:apt|apartment|flat|unit|suite)\.?\s*\#?\w+,?\s+)?"
    rf"\b\d{{1,6}}[A-Za-z]?\s+(?:{_CAP_WORD}\.?\s+){{1,4}}(?i:{_STREET_TYPES})\b\.?"
    rf"(?:,?\s+(?i:apt|apartment|suite|ste|unit|flat|\#)\.?\s*\#?\w+)?"
    rf"(?:,\s*{_CAP_WORD}(?:\s+{_CAP_WORD}){{0,2}})?"
    rf"(?:,?\s*(?:[A-Z]{{2}}\b|{_CAP_WORD}))??"
    rf"(?:,?\s+{_POSTCODE})?"
)

_TITLES = r"mr|mrs|ms|miss|mx|dr|prof|sr|sra|mme|herr|frau"
_ROLE_WORDS = (
    r"patient|client|contact|caller|guardian|spouse|husband|wife|mother|father|daughter|son"
    r"|partner|name|full[\s_-]*name|first[\s_-]*name|last[\s_-]*name|surname|emergency contact"
)
_NAME_TOKEN = r"(?:[A-Z][a-zà-ÿ'’-]+|[A-Z]{2,}|[A-Z][a-z]+[A-Z][a-z]+)"


def _keyed(name: str, entity: str, keys: str, value: str, score: float) -> PatternRecognizer:
    """A value introduced by a keyword: only the value is reported, so logs keep the keyword."""
    pattern = Pattern(name, rf"(?<=\b(?:{keys}){_SEP})(?-i:{value})", score)
    return PatternRecognizer(supported_entity=entity, patterns=[pattern], name=name)


_FACTORIES: dict[str, RecognizerFactory] = {}


def register(name: str) -> Callable[[RecognizerFactory], RecognizerFactory]:
    """Add a recognizer factory under ``name``; a name registered twice is a bug."""

    def add(factory: RecognizerFactory) -> RecognizerFactory:
        if name in _FACTORIES:
            raise ValueError(f"recognizer {name!r} is already registered")
        _FACTORIES[name] = factory
        return factory

    return add


def available() -> list[str]:
    return sorted(_FACTORIES)


def build(names: Iterable[str]) -> list[EntityRecognizer]:
    """Fresh recognizer instances (the known-values one holds per-scrubber state)."""
    built = []
    for name in names:
        factory = _FACTORIES.get(name)
        if factory is None:
            raise KeyError(f"unknown recognizer {name!r}; known: {', '.join(available())}")
        built.append(factory())
    return built


@register("medical_record_number")
def medical_record_number() -> EntityRecognizer:
    return _keyed("medical_record_number", "MEDICAL_RECORD_NUMBER", _MRN_KEYS, _MRN_VALUE, 0.9)


@register("insurance_id")
def insurance_id() -> EntityRecognizer:
    keyed = Pattern(
        "insurance_id", rf"(?<=\b(?:{_INSURANCE_KEYS}){_SEP})(?-i:{_INSURANCE_VALUE})", 0.9
    )
    # Medicare Beneficiary Identifier, e.g. 1EG4-TE5-MK73: distinctive enough alone.
    mbi = Pattern("mbi", r"(?-i:\b[1-9][A-Z][A-Z0-9]\d-?[A-Z][A-Z0-9]\d-?[A-Z]{2}\d\d\b)", 0.6)
    return PatternRecognizer(
        supported_entity="INSURANCE_ID", patterns=[keyed, mbi], name="insurance_id"
    )


@register("date_of_birth")
def date_of_birth() -> EntityRecognizer:
    pattern = Pattern(
        "date_of_birth", rf"(?<=\b(?:{_DOB_KEYS}){_SEP}(?:on\s+)?){_DATE_VALUE}", 0.9
    )
    return PatternRecognizer(
        supported_entity="DATE_OF_BIRTH", patterns=[pattern], name="date_of_birth"
    )


@register("street_address")
def street_address() -> EntityRecognizer:
    return PatternRecognizer(
        supported_entity="STREET_ADDRESS",
        patterns=[Pattern("street_address", _ADDRESS, 0.75)],
        name="street_address",
        global_regex_flags=regex.DOTALL | regex.MULTILINE,
    )


@register("titled_person")
def titled_person() -> EntityRecognizer:
    """Names after a title or a role word, which the small model misses when all-caps."""
    titled = Pattern(
        "titled", rf"(?<=\b(?i:{_TITLES})\.?\s+){_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,2}}", 0.7
    )
    role = Pattern(
        "role",
        rf"(?<=\b(?i:{_ROLE_WORDS})\s*[:=]?\s*[\"']?){_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{1,2}}",
        0.5,
    )
    return PatternRecognizer(
        supported_entity="PERSON",
        patterns=[titled, role],
        name="titled_person",
        global_regex_flags=regex.DOTALL | regex.MULTILINE,
    )


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's e-mail recognizer with tldextract on its bundled suffix list, never the network.

    The stock recognizer's first call fetches the public suffix list (a stall offline); a
    snapshot-only extractor behaves the same without it.
    """

    def __init__(self) -> None:
        super().__init__(name="email")
        self._extract = tldextract.TLDExtract(
            cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True
        )

    def validate_result(self, pattern_text: str) -> bool:
        return self._extract(pattern_text).fqdn != ""


register("email")(OfflineEmailRecognizer)
register("phone")(lambda: PhoneRecognizer(name="phone"))
register("credit_card")(lambda: CreditCardRecognizer(name="credit_card"))
register("us_ssn")(lambda: UsSsnRecognizer(name="us_ssn"))
register("iban")(lambda: IbanRecognizer(name="iban"))
register("ip_address")(lambda: IpRecognizer(name="ip_address"))
register("nhs_number")(lambda: NhsRecognizer(name="nhs_number"))


_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
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

    def __init__(self, stop_words: Iterable[str] = ()) -> None:
        super().__init__(
            supported_entities=list(self.ENTITIES), name="known_contacts", supported_language="en"
        )
        self._stop_words = frozenset(word.lower() for word in stop_words)
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


register("known_contacts")(KnownValuesRecognizer)

DEFAULT_RECOGNIZERS: tuple[str, ...] = (
    "email",
    "phone",
    "credit_card",
    "us_ssn",
    "iban",
    "ip_address",
    "nhs_number",
    "medical_record_number",
    "insurance_id",
    "date_of_birth",
    "street_address",
    "titled_person",
    "known_contacts",
)
