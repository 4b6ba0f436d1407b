"""Clinic recognizers for Presidio, and the registry that names them.

The small spaCy model misses all-caps names and labels numbers as people (see FACTS), so the
identifiers a clinic actually handles (record numbers, insurance ids, dates of birth,
addresses) are found by patterns anchored on the words that introduce them, and the people
we know about (contacts in the DB) by a deny-list refreshed at runtime. Importing this module
imports Presidio: only the scrubber does, lazily, when it loads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

import tldextract
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    IpRecognizer,
    NhsRecognizer,
    SpacyRecognizer,
    UsSsnRecognizer,
)

from assistant.privacy import dates, hl7, identifiers, name_context, phones, places
from assistant.privacy.name_lists import common_english, words
from assistant.privacy.names import (
    ORGANISATION_WORDS,
    FirstNameRecognizer,
    KnownValuesRecognizer,
)

RecognizerFactory = Callable[[], EntityRecognizer]

# Separators between a keyword and its value: "MRN 00123", "MRN: 00123", "mrn=00123",
# '"mrn": "00123"', "MRN# 00123", "member ID no. 123", "Key (mrn)=(00123)".
_SEP = r"""[\s"'()]{0,3}(?:(?:[:#=]|no\.?|number|num|is|id)[\s"'()]{0,3}){0,3}"""

_MRN_KEYS = (
    r"mrn|mr\#|med(?:ical)?[\s_-]*rec(?:ord)?s?(?:[\s_-]*(?:number|no\.?|num|\#))?"
    r"|chart(?:[\s_-]*(?:number|no\.?|\#))?|patient[\s_-]*(?:id|number|no\.?|\#|ref)"
    r"|hospital[\s_-]*(?:number|no\.?|id)|hosp[\s_-]*no\.?|(?-i:PID)|prontu[aá]rio|ur[\s_-]*(?:number|no\.?)"
    r"|record[\s_-]*(?:number|no\.?|id|\#)|health[\s_-]*record[\s_-]*(?:number|no\.?|id)"
    r"|clinic[\s_-]*(?:number|no\.?|id)|emr[\s_-]*(?:number|no\.?|id|\#)?|ehr[\s_-]*(?:id|\#)"
    r"|hn|h\.?n\.?|file[\s_-]*(?:number|no\.?)|dossier(?:[\s_-]*(?:n[°o]\.?|nr\.?))?"
    r"|krankenblatt(?:nummer)?|historia[\s_-]*cl[ií]nica|cartella[\s_-]*clinica|n[°º]\s*de\s*historia"
    r"|unit[\s_-]*(?:number|no\.?)|nhi|case[\s_-]*(?:number|no\.?)|numéro[\s_-]*de[\s_-]*dossier"
    r"|patientennummer|fallnummer|pid-3"
)
# "00123", "RH-00917", "PT-2026-004417", "MRN-0038812/B", "K4471902".
_MRN_VALUE = r"(?:[A-Z]{1,4}[-/]?)?\d{3,12}(?:[-/.](?:\d{2,12}|[A-Z]{1,2}\b))*(?:\b|(?<=[A-Z]))"

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
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS},?\s+\d{{4}}"
    rf"|\d{{1,2}}[-/ ]{_MONTHS}[-/ ]\d{{2,4}}|(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01]))\b"
)
# What a date of birth may be besides a date: partial or unknown in part ("Jan 1958",
# "12/1975", "?/?/1971", a year alone), or written the East Asian way (1988年3月5日).
_DOB_VALUE = (
    rf"(?:{_DATE_VALUE}|\d{{4}}\s?年\s?\d{{1,2}}\s?月(?:\s?\d{{1,2}}\s?日)?"
    rf"|(?:{_MONTHS}\s+|(?:0?[1-9]|1[0-2])[/.-]|\?{{1,2}}[/.-]\?{{1,2}}[/.-])(?:19|20)\d\d\b"
    rf"|(?:19|20)\d\d\b(?![/.-]\d))"
)
_DOB_KEYS = (
    r"dob|d\.o\.b\.?|date[\s_-]*of[\s_-]*birth|birth[\s_-]*date|birthdate|birthday"
    r"|born(?:\s+on)?|b\.d\.|birth|geb\.|geboren(?:\s+am)?|geburtsdatum|n[ée]e?\s+le"
    r"|date\s+de\s+naissance|fecha\s+de\s+nacimiento|f\.\s?nac\.?|nacid[oa]\s+el"
    r"|data\s+de\s+nascimento|data\s+di\s+nascita|nat[oa]\s+il|geboortedatum|geb\.\s?datum"
    r"|fødselsdato|födelsedatum|data\s+urodzenia|ur\."
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

_TITLES = (
    r"mr|mrs|ms|miss|mx|dr|prof|sr|sra|srta|mme|mlle|m|herr|frau|pastor|rev|sister|brother"
    r"|sig|sig\.ra|dott|dott\.ssa|dr\.ssa|prof\.ssa|pan|pani|say\u0131n|bay|bayan|monsieur"
    r"|madame|mademoiselle|señor|señora|señorita|senhor|senhora|signor|signora|signore|dra|dona"
    r"|doña|dhr|mevr|mevrouw|meneer|fru|sir|dame|lady|lord|father|imam|rabbi"
    r"|nurse|matron|sgt|capt|cllr|doctor|docteur|doktor|professor"
)
# Family words used as titles: "Aunty Mere", "Grandma Rose", "Tita Baby", "Nonna Pina".
_KIN_TITLES = (
    r"aunty|auntie|uncle|grandma|grandpa|granny|nana|nanna|koro|kuia|tita|tito|lola|lolo"
    r"|tante|onkel|tía|tío|tia|tio|nonna|nonno|oma|opa"
)
_RELATIVES = (
    r"mum|mom|mother|dad|father|daughter|son|wife|husband|partner|sister|brother|grandmother"
    r"|grandfather|granddaughter|grandson|niece|nephew|cousin|carer|fianc[ée]e?|stepson"
    r"|stepdaughter|stepmother|stepfather"
)
_ROLE_WORDS = (
    r"patient|client|contact|caller|guardian|spouse|husband|wife|mother|father|daughter|son"
    r"|partner|name|full[\s_-]*name|first[\s_-]*name|last[\s_-]*name|surname|emergency contact"
)
_NAME_TOKEN = rf"(?:[A-Z][a-zà-ÿ{_APOS}-]+|[A-Z]{{2,}}|[A-Z][a-z]+[A-Z][a-z]+)"


def _keyed(
    name: str, entity: str, keys: str, value: str, score: float, extra: Sequence[Pattern] = ()
) -> PatternRecognizer:
    """A value introduced by a keyword: only the value is reported, so logs keep the keyword.
    `extra`: patterns of the same entity that need no keyword."""
    # The keyword may end a longer key: src_mrn=, subject_mrn= (Presidio's regex module allows
    # the variable-width look-behind).
    pattern = Pattern(name, rf"(?<=(?:\b|_)(?:{keys}){_SEP})(?-i:{value})", score)
    return PatternRecognizer(supported_entity=entity, patterns=[pattern, *extra], name=name)


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
    # An Australian or New Zealand unit record number carries its own prefix: "UR 2231456".
    ur_number = Pattern("ur_number", r"(?-i:\bUR[ -]?\d{5,8}\b)", 0.7)
    return _keyed(
        "medical_record_number",
        "MEDICAL_RECORD_NUMBER",
        _MRN_KEYS,
        _MRN_VALUE,
        0.9,
        extra=(ur_number,),
    )


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
    pattern = Pattern("date_of_birth", rf"(?<=\b(?:{_DOB_KEYS}){_SEP}(?:on\s+)?){_DOB_VALUE}", 0.9)
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
    field = Pattern(
        "field",
        rf"""(?<=\b(?i:surname|last[\s_-]*name|family[\s_-]*name|forenames?|first[\s_-]*names?|given[\s_-]*names?)(?:\(s\))?[\s:="']{{1,4}}){_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,2}}""",
        0.6,
    )
    role = Pattern(
        "role",
        rf"""(?<=\b(?i:{_ROLE_WORDS})[\s:="']{{1,4}}){_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{1,2}}""",
        0.5,
    )
    kin = Pattern(
        "kin", rf"(?<=\b(?i:{_KIN_TITLES})[ \t]){_NAME_TOKEN}(?:[ \t]+{_NAME_TOKEN}){{0,1}}", 0.6
    )
    # "her daughter Dimitra", "Mum (Nkem)", "wife Aroha Ngata": a relative's name.
    relative = Pattern(
        "relative",
        rf"(?<=\b(?i:{_RELATIVES})[ \t]\(?){_NAME_TOKEN}(?:[ \t]+{_NAME_TOKEN}){{0,1}}",
        0.5,
    )
    return PatternRecognizer(
        supported_entity="PERSON",
        patterns=[titled, field, role, kin, relative],
        name="titled_person",
        global_regex_flags=re.DOTALL | re.MULTILINE,
    )


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's e-mail recognizer with tldextract on its bundled suffix list, never the network.

    The stock recognizer's first call fetches the public suffix list (a stall offline); a
    snapshot-only extractor behaves the same without it.
    """

    # An address in a query string: "?email=thu.nguyen%40gmail.com".
    URL_ENCODED = Pattern(
        "email_url_encoded", r"(?<![\w.%+-])[\w.+-]+%40[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b", 0.5
    )
    # Reserved names (RFC 2606 and 6761) that no public suffix list holds, common in test and
    # internal mail: "claims.desk@axa-health.example", "ops@clinic.local".
    RESERVED = frozenset(["example", "test", "invalid", "localhost", "local", "internal", "lan"])

    def __init__(self) -> None:
        super().__init__(name="email", patterns=[*EmailRecognizer.PATTERNS, self.URL_ENCODED])
        self._extract = tldextract.TLDExtract(
            cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True
        )

    def validate_result(self, pattern_text: str) -> bool:
        # The domain alone: the stock check reads "api/contacts/jo@x.com" (the pattern allows
        # "/" in the local part) as a URL with no domain and lets the address through.
        domain = re.split(r"@|%40", pattern_text)[-1]
        if domain.rsplit(".", 1)[-1].lower() in self.RESERVED and "." in domain:
            return True
        return self._extract(domain).fqdn != ""


class NerRecognizer(SpacyRecognizer):
    """spaCy's people and places, less what the small model gets wrong in logs.

    It reads "EUR card=", "GB" or an arrow as entities; a name or place has letters, no "=" and
    no digits, and is not two or three capitals.
    """

    def __init__(self, supported_entities: list[str], name: str) -> None:
        super().__init__(supported_entities=supported_entities, name=name)
        from assistant.privacy.names import faker_surnames, gazetteer_first_names

        self._name_words = gazetteer_first_names() | faker_surnames()
        self._first_names = gazetteer_first_names()

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        kept: list[RecognizerResult | None] = []
        for result in super().analyze(text, entities, nlp_artifacts):
            value = text[result.start : result.end]
            if re.search(r"[=\d{}<>/\\]", value) or re.fullmatch(r"[A-Z]{1,3}", value.strip()):
                continue
            if not any(c.isalpha() for c in value):
                continue  # "←" in arq's log lines: a name has letters
            if not self._plausible(value, text[max(0, result.start - 6) : result.start]):
                continue
            if self._heading_word(text, result, nlp_artifacts):
                continue
            kept.append(self._without_common_opener(text, result))
        return [r for r in kept if r is not None]

    def _without_common_opener(
        self, text: str, result: RecognizerResult
    ) -> RecognizerResult | None:
        """A person that opens with a common word no name list holds ("Hip OA", "Daughter
        Eilidh", "Mrs McAllister") is the rest, if the rest is a name, else nothing."""
        words = text[result.start : result.end].split()
        if (
            result.entity_type != "PERSON"
            or len(words) < 2
            or words[0].lower() in self._name_words
            or not common_english(words[0])
        ):
            return result
        rest = words[1:]
        if all(
            (w.lower() in self._name_words or not common_english(w))
            and not re.fullmatch(r"[A-Z]{1,3}", w)
            for w in rest
        ):
            start = text.index(rest[0], result.start + len(words[0]))
            return RecognizerResult(result.entity_type, start, result.end, result.score)
        return None

    def _heading_word(
        self, text: str, result: RecognizerResult, nlp_artifacts: NlpArtifacts | None
    ) -> bool:
        """One capitalised word opening a line or sentence and followed by a noun, a number or a
        colon is a heading or a clinical term ("Chiro: ...", "Knee effusion", "Grip strength
        R 22 kg", "Agenda:"), not a name, unless it is a first name that is no common word."""
        value = text[result.start : result.end]
        words = value.split()
        if words[0].lower() in _FOREIGN_OPENERS:
            return True  # "Ihre Rechnung", "Sie den Betrag", "Suite à votre séance"
        known = words[0].lower() in self._name_words or (
            result.entity_type == "LOCATION" and value.lower() in places.place_names()[1]
        )
        if len(words) > 1:
            return False
        if not re.search(r"(?:\A|\n|[.!?:;|(\u2014])[ \t]*\Z", text[: result.start]):
            return False
        if not known and common_english(value, 50000):
            return True  # "Knee", "Splints", "Postpartum" opening a sentence
        if value.lower() in self._first_names and not common_english(value, 30000):
            return False
        if text[result.end : result.end + 1] == ":":
            return True
        tokens = nlp_artifacts.tokens if nlp_artifacts is not None else None
        if tokens is None:
            return False
        following = next((t for t in tokens if t.idx >= result.end), None)
        return following is not None and following.pos_ in ("NOUN", "ADJ", "NUM")

    def _plausible(self, value: str, head: str) -> bool:
        """What the small model tags in logs and foreign text that is no one's name or place."""
        words = value.split()
        if value.upper() in _LOG_WORDS or re.search(r"[a-z][A-Z]", value.replace("Mc", "")
                                                           .replace("Mac", "")):  # fmt: skip
            return False  # "DEBUG", "ContactIn": a log level, a class name
        if re.search(r"\b(?:St|Saint|Ste)\.?\s$", head) or re.match(r"(?:St|Saint)\.?\s", value):
            return False  # "St. Vincent's": a church or a hospital
        if any(w.strip(".,").lower() in ORGANISATION_WORDS for w in words):
            return False  # "Patient Services", "Riverside Surgery", "Praxis Hofmann"
        if len(words) == 1 and (value.lower() in _NOT_NAMES_ALONE or _DRUG.search(value)):
            return False  # "Contact", "Lisinopril"
        if all(w.strip(".,").lower() in _SALUTATIONS for w in words):
            return False  # "Cher Monsieur", "Dear Sir"
        lower = [w for w in words if w.islower() and w not in _PARTICLES_LOWER]
        # "votre appel", "lookup mrn": lower-case words are a name only when they are names
        return all(all(part in self._name_words for part in w.split("-")) for w in lower)


# Capitalised words opening sentences of letters in other languages, which the English model
# takes for names.
_FOREIGN_OPENERS = words(
    """ihre ihr sie wir bitte mit der die das den dem vielen herzliche votre vos nous vous suite
    merci veuillez su sus le la les el los las estimada estimado atentamente saludos met uw
    graag hartelijke"""
)
_LOG_WORDS = frozenset(
    ["DEBUG", "INFO", "WARN", "WARNING", "ERROR", "TRACE", "FATAL", "CRITICAL", "NOTICE", "ALERT"]
)
_NOT_NAMES_ALONE = words(
    """contact contacts patient client user admin front reception morada rechnung behandlung
    sie ihre votre vous nous instagram facebook whatsapp zoom teams google outlook gmail
    redis valkey postgres postgresql sqlite nginx uvicorn litestar arq alembic vllm llama
    presidio spacy python docker kubernetes"""
)  # the last line: the stack's own names, in its logs ("Redis is unreachable")
# Endings of drug names (the model tags "Lisinopril" or "Atorvastatin" as a person).
_DRUG = re.compile(
    r"(?i)(?:pril|olol|sartan|statin|mab|cillin|azole|mycin|formin|dipine|oxetine|tidine|parin"
    r"|floxacin|cycline|profen|fenac|thiazide|gliptin|gliflozin|semide|caine|triptan|azepam"
    r"|setron|lukast|dronate|tropium|terol|vudine|navir|previr)$"
)
_SALUTATIONS = words(
    """dear cher chère chers liebe lieber sehr geehrte geehrter estimado estimada caro cara
    monsieur madame mademoiselle herr frau señor señora senhor senhora signor signora sir madam
    mr mrs ms miss dr doctor"""
)
_PARTICLES_LOWER = words(
    "van von de del della da di der den la le du bin binti al el dos das ter ten y"
)


class PublicIpRecognizer(IpRecognizer):
    """Presidio's IP recognizer, without loopback and unspecified addresses (never a person's)."""

    def validate_result(self, pattern_text: str) -> bool | None:
        if pattern_text.startswith(("127.", "0.0.0.0")) or pattern_text in ("::1", "::"):
            return False
        return super().validate_result(pattern_text)


register("email")(OfflineEmailRecognizer)
register("phone")(phones.PhoneRecognizer)
register("credit_card")(lambda: CreditCardRecognizer(name="credit_card"))
register("card_shape")(lambda: identifiers.CardShapeRecognizer("card_shape"))
register("us_ssn")(lambda: UsSsnRecognizer(name="us_ssn"))
register("iban")(lambda: IbanRecognizer(name="iban"))
register("iban_shape")(lambda: identifiers.IbanShapeRecognizer("iban_shape"))
register("ip_address")(lambda: PublicIpRecognizer(name="ip_address"))
register("nhs_number")(lambda: NhsRecognizer(name="nhs_number"))
register("national_id")(lambda: identifiers.NationalIdRecognizer("national_id"))
register("insurance_keyed")(lambda: identifiers.InsuranceIdRecognizer("insurance_keyed"))
register("other_id")(lambda: identifiers.OtherIdRecognizer("other_id"))
register("url")(lambda: identifiers.UrlRecognizer("url"))
register("date")(lambda: dates.DateRecognizer("date"))
register("age")(lambda: dates.AgeRecognizer("age"))
register("postcode")(lambda: places.PostcodeRecognizer("postcode"))
register("location")(lambda: places.LocationRecognizer("location"))
register("street_address_intl")(lambda: places.StreetAddressRecognizer("street_address_intl"))
register("address_field")(places.AddressFieldRecognizer)
register("hl7")(hl7.Hl7Recognizer)


register("known_contacts")(KnownValuesRecognizer)
register("name_gazetteer")(FirstNameRecognizer)
register("name_context")(name_context.NameContextRecognizer)

DEFAULT_RECOGNIZERS: tuple[str, ...] = (
    "email",
    "phone",
    "credit_card",
    "card_shape",
    "us_ssn",
    "iban",
    "iban_shape",
    "ip_address",
    "nhs_number",
    "national_id",
    "insurance_keyed",
    "other_id",
    "url",
    "date",
    "age",
    "postcode",
    "location",
    "street_address_intl",
    "address_field",
    "hl7",
    "medical_record_number",
    "insurance_id",
    "date_of_birth",
    "street_address",
    "titled_person",
    "name_gazetteer",
    "name_context",
    "known_contacts",
)
