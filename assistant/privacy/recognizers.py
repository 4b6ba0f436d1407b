"""Clinic recognizers for Presidio, and the registry that names them.

The small spaCy model misses all-caps names and labels numbers as people (see FACTS), so the
identifiers a clinic actually handles (record numbers, insurance ids, dates of birth,
addresses) are found by patterns anchored on the words that introduce them, and the people
we know about (contacts in the DB) by a deny-list refreshed at runtime. Importing this module
imports Presidio: only the scrubber does, lazily, when it loads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import tldextract
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    IpRecognizer,
    NhsRecognizer,
    PhoneRecognizer,
    UsSsnRecognizer,
)

from assistant.privacy.names import FirstNameRecognizer, KnownValuesRecognizer

RecognizerFactory = Callable[[], EntityRecognizer]

# Separators between a keyword and its value: "MRN 00123", "MRN: 00123", "mrn=00123",
# '"mrn": "00123"', "MRN# 00123", "member ID no. 123".
_SEP = r"""[\s"']{0,3}(?:(?:[:#=]|no\.?|number|num|is|id)[\s"']{0,3}){0,3}"""

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
_POSTCODE = r"(?:\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}|[A-Z]\d[A-Z]\s?\d[A-Z]\d)"
_APOS = "'\u2019"
_CAP_WORD = rf"[A-Z][a-zA-Z{_APOS}-]+\b"
_ADDRESS = (
    rf"(?:(?i:apt|apartment|flat|unit|suite)\.?\s*\#?\w+,?\s+)?"
    rf"\b\d{{1,6}}[A-Za-z]?\s+(?:{_CAP_WORD}\.?\s+){{1,4}}(?i:{_STREET_TYPES})\b\.?"
    rf"(?:,?\s+(?i:apt|apartment|suite|ste|unit|flat|\#)\.?\s*\#?\w+)?"
    rf"(?:,\s*{_CAP_WORD}(?:\s+{_CAP_WORD}){{0,2}})?"
    rf"(?:,?\s*(?:[A-Z]{{2}}\b|{_CAP_WORD}))?"
    rf"(?:,?\s+{_POSTCODE})?"
)

_TITLES = r"mr|mrs|ms|miss|mx|dr|prof|sr|sra|mme|herr|frau"
_ROLE_WORDS = (
    r"patient|client|contact|caller|guardian|spouse|husband|wife|mother|father|daughter|son"
    r"|partner|name|full[\s_-]*name|first[\s_-]*name|last[\s_-]*name|surname|emergency contact"
)
_NAME_TOKEN = rf"(?:[A-Z][a-zà-ÿ{_APOS}-]+|[A-Z]{{2,}}|[A-Z][a-z]+[A-Z][a-z]+)"


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
    pattern = Pattern("date_of_birth", rf"(?<=\b(?:{_DOB_KEYS}){_SEP}(?:on\s+)?){_DATE_VALUE}", 0.9)
    return PatternRecognizer(
        supported_entity="DATE_OF_BIRTH", patterns=[pattern], name="date_of_birth"
    )


@register("street_address")
def street_address() -> EntityRecognizer:
    return PatternRecognizer(
        supported_entity="STREET_ADDRESS",
        patterns=[Pattern("street_address", _ADDRESS, 0.75)],
        name="street_address",
        global_regex_flags=re.DOTALL | re.MULTILINE,
    )


@register("titled_person")
def titled_person() -> EntityRecognizer:
    """Names after a title or a role word, which the small model misses when all-caps."""
    titled = Pattern(
        "titled", rf"(?<=\b(?i:{_TITLES})\.?\s{{1,3}}){_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,2}}", 0.7
    )
    role = Pattern(
        "role",
        rf"""(?<=\b(?i:{_ROLE_WORDS})[\s:="']{{1,4}}){_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{1,2}}""",
        0.5,
    )
    return PatternRecognizer(
        supported_entity="PERSON",
        patterns=[titled, role],
        name="titled_person",
        global_regex_flags=re.DOTALL | re.MULTILINE,
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
        # The domain alone: the stock check reads "api/contacts/jo@x.com" (the pattern allows
        # "/" in the local part) as a URL with no domain and lets the address through.
        return self._extract(pattern_text.rsplit("@", 1)[-1]).fqdn != ""


register("email")(OfflineEmailRecognizer)
register("phone")(lambda: PhoneRecognizer(name="phone"))
register("credit_card")(lambda: CreditCardRecognizer(name="credit_card"))
register("us_ssn")(lambda: UsSsnRecognizer(name="us_ssn"))
register("iban")(lambda: IbanRecognizer(name="iban"))
register("ip_address")(lambda: IpRecognizer(name="ip_address"))
register("nhs_number")(lambda: NhsRecognizer(name="nhs_number"))


register("known_contacts")(KnownValuesRecognizer)
register("name_gazetteer")(FirstNameRecognizer)

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
    "name_gazetteer",
    "known_contacts",
)
