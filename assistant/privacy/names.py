"""Recognizers for people's names that the small spaCy model misses.

Two sources: the contacts actually in the DB (a deny-list refreshed at runtime, which also
covers their e-mails and phones), and a gazetteer of first names of many origins (Faker's
person lists, ~20k Latin-script names) that marks "First Last" sequences.
"""

from __future__ import annotations

import functools
import importlib
import itertools
import pkgutil
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from assistant.privacy.name_lists import common_english, words

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
            if len(words) > 1:  # a full name: any case ("jane doe")
                sequences.add(words)
                sequences.add((words[-1], *words[:-1]))  # "Doe, Jane"
            # One word alone (a part, or a contact with a single name such as "A" or "May")
            # counts only as a part: capitalised, three letters or more, not a common word.
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
        if (values.name_sequences or values.name_parts) and "PERSON" in entities:
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
        *("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"),
        *("ward", "bed", "bay", "room", "unit", "floor", "suite", "wing", "block", "level"),
        *("court", "house", "lane", "way", "close", "gardens", "park", "place", "square", "hall"),
        *("lodge", "manor", "cottage", "farm", "villa", "towers", "heights", "mews", "terrace"),
        *("monsieur", "madame", "mademoiselle", "herr", "frau", "señor", "señora", "signora"),
    }
)
_PARTICLES = r"(?:van|von|de|del|della|da|di|der|den|la|le|du|bin|binti|al|el|dos|das|ter|ten)"
_UP = "A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁЇІЄҐΑ-Ω"
_LOW = "a-zß-öø-ÿā-žа-яёїієґα-ωı"
_CAP = (
    rf"(?:(?:Mac|Mc|O')[A-Z][a-zà-ÿ]+|[{_UP}][{_LOW}{APOS}-]*[{_LOW}]|[A-Z][a-z]*[{APOS}][A-Z][a-z]+"
    rf"|[{_UP}]{{2,}}(?:-[{_UP}]{{2,}})?)"
)
_CAP_RE = re.compile(rf"\b{_CAP}\b")
_REST = re.compile(rf"(?:[ \t]+(?:{_PARTICLES}[ \t]+)*{_CAP}){{1,2}}\b")
_REVERSED = re.compile(rf"\b{_CAP},[ \t]+({_CAP})\b")


_GREETING = re.compile(
    r"(?i)\b(?:dear|hi|hello|hey|morning|thanks|thank you|regards|cheers|best|love)[ ,]+$"
)
_RELATION = re.compile(
    r"(?i)\b(?:husband|wife|son|daughter|mother|father|mum|mom|dad|brother|sister|partner|carer"
    r"|friend|nurse|physio|gp|colleague|grandson|granddaughter|niece|nephew|neighbour|aunt|uncle"
    r"|forename|first name|given name|surname|last name|family name|name)\W{0,3}$"
)
# Words in the name lists that start sentences or stand capitalised in prose.
_COMMON_CAPITALISED = frozenset(
    [
        "will",
        "may",
        "june",
        "april",
        "august",
        "grace",
        "hope",
        "joy",
        "faith",
        "mark",
        "bill",
        "rose",
        "art",
        "sky",
        "summer",
        "dawn",
        "eve",
        "chase",
        "hunter",
        "page",
        "lane",
        "bay",
        "chance",
        "dean",
        "don",
        "guy",
        "jack",
        "max",
        "pat",
        "ray",
        "rich",
        "rob",
        "sue",
        "victor",
        "early",
        "patient",
        "client",
        "doctor",
        "nurse",
        "star",
        "page",
        "golden",
        "happy",
        "sunny",
        "precious",
        "lucky",
        "major",
        "king",
        "prince",
        "duke",
        "china",
        "india",
        "paris",
        "florence",
        "jordan",
        "sydney",
        "austin",
        "dallas",
        "london",
        "camden",
        "brighton",
    ]
)
_COMMON_LOWER = _COMMON_CAPITALISED | frozenset(["me", "us", "them", "him", "her", "it", "all"])
# "mrs okafor", "dr. nakashima", "mr o'neill" in chat messages typed without capitals.
_LOWER_TITLED = re.compile(
    r"(?<![\w.])(?<!\d )(?:mr|mrs|ms|miss|dr|prof|herr|frau|mme|sr|sra)\.?[ \t]+"
    r"([a-zà-ÿ](?:[a-zà-ÿ'\u2019-]*[a-zà-ÿ])?(?:[ \t]+[a-zà-ÿ][a-zà-ÿ'\u2019-]+)?)\b"
)
_LOWER_PAIR = re.compile(
    r"\b(?:if|for|with|to|from|about|and|call|book|see|saw|tell|ask|remind|email|text|message"
    r"|is|was|patient|client|contact|named|called)[ \t]+"
    r"([a-zà-ÿ][a-zà-ÿ-]+)[ \t]+([a-zà-ÿ][a-zà-ÿ'-]+)\b"
)
# "ring giorgos back", "call tunde back": whoever is to be called back.
_CALL_BACK = re.compile(r"\b(?:call|ring|phone|text)[ \t]+([a-zà-ÿ][a-zà-ÿ'-]{2,})[ \t]+back\b")
_LOWER_AFTER_VERB = re.compile(
    r"(?:\b(?:book|call|ring|text|email|e-mail|message|remind|tell|ask|find|open|cancel|update"
    r")\s+|\bdr\.\s?)"
    r"([a-zà-ÿ][a-zà-ÿ'-]+(?: [a-zà-ÿ][a-zà-ÿ'-]{2,})?)\b"
)
# A contact search or a name field in a log line holds a name whatever its case.
_LOWER_WORD = r"[a-zà-ÿ][a-zà-ÿ'-]{2,}"
_NAME_FIELD = re.compile(
    r"""(?:\bq=|\bname=|\bsearch=|\bcontacts q=)"?"""
    rf"({_LOWER_WORD}(?:(?:\s|%20|\+){_LOWER_WORD}){{0,2}})"
)
# "Dear Schneiders,", "Hi Tunde": whoever a letter or message greets.
_GREETED = re.compile(
    r"(?:^|\n|\b)(?:Dear|Hi|Hello|Hey|Good morning|Good afternoon)[ \t]+"
    rf"({_CAP}(?:[ \t]+{_CAP}){{0,2}})(?=[ \t]*[,!\n:]|[ \t]*$)"
)
_NOT_GREETED = frozenset(
    [
        "all",
        "everyone",
        "team",
        "colleagues",
        "colleague",
        "sir",
        "madam",
        "sir",
        "or",
        "madam",
        "patient",
        "patients",
        "client",
        "clients",
        "customer",
        "customers",
        "friends",
        "family",
        "there",
        "doctor",
        "nurse",
        "parents",
        "members",
    ]
)
# "given": "Reza", "family_name": "Hashemi", 'patient': 'Ana Souza' in JSON and dict reprs.
_JSON_NAME = re.compile(
    r"""(?i)["'](?:(?:first|given|last|family|full|middle|display|maiden|patient|client|contact)"""
    r"""(?:[_ -]?name)?|name|surname|forename)["']\s*[:=]\s*["']([^"'\n{}\[\]]{2,60})["']"""
)
# Verbs that open a function's name (run_job, purge_sessions): never a person's name joined.
_CODE_VERBS = words(
    """run get set send make build load save sync purge reconcile enrich draft check fetch
    create update delete remove add start stop handle process parse render read write list
    find search claim notify schedule refresh import export apply test validate"""
)
# Names joined for a file name or a URL: Hashemi_Reza.pdf, nguyen%20thi%20lan.
_JOINED = re.compile(r"(?<![\w%])[A-Za-zÀ-ÿ]{2,}(?:(?:_|%20)[A-Za-zÀ-ÿ]{2,}){1,2}(?![\w%]|\(|=)")
_CODE_WORDS = frozenset(
    [
        "id",
        "name",
        "first",
        "last",
        "full",
        "given",
        "family",
        "user",
        "contact",
        "contacts",
        "client",
        "patient",
        "email",
        "phone",
        "date",
        "time",
        "type",
        "status",
        "note",
        "notes",
        "task",
        "tasks",
        "api",
        "key",
        "value",
        "file",
        "path",
        "data",
        "log",
        "info",
        "error",
        "test",
        "new",
        "old",
        "get",
        "set",
        "list",
        "add",
        "update",
        "delete",
        "created",
        "updated",
        "at",
        "by",
        "on",
        "in",
        "to",
        "of",
        "for",
        "and",
        "or",
        "is",
    ]
)
# A run of Chinese or Korean characters starting with a common family name (王, 李, 김, 박...).
_CJK_RUN = re.compile(
    r"(?<![\u3400-\u9fff\uac00-\ud7a3])[\u3400-\u9fff\uac00-\ud7a3]{2,4}(?![\u3400-\u9fff\uac00-\ud7a3])"
)
_CJK_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용"
) | frozenset(
    [
        "佐藤",
        "鈴木",
        "高橋",
        "田中",
        "伊藤",
        "渡辺",
        "山本",
        "中村",
        "小林",
        "加藤",
        "吉田",
        "山田",
        "佐々",
        "山口",
        "松本",
        "井上",
        "木村",
        "清水",
        "斎藤",
        "山崎",
        "森田",
        "池田",
        "橋本",
        "阿部",
        "石川",
        "前田",
        "藤田",
        "小川",
        "岡田",
        "後藤",
        "長谷",
        "村上",
        "近藤",
        "石井",
        "坂本",
        "遠藤",
        "青木",
        "藤井",
        "西村",
        "福田",
        "太田",
        "三浦",
        "藤原",
        "岡本",
        "松田",
        "中川",
        "中野",
        "原田",
        "小野",
        "竹内",
    ]
)
ORGANISATION_WORDS = words(
    """services service surgery clinic clinica clínica klinik clinique praxis practice hospital
    centre center pharmacy apotheke team desk department dept ltd gmbh inc llc plc ag sa srl
    group health healthcare physio physiotherapy medical dental labs laboratory university
    school college bank insurance trust foundation council ward unit"""
)
# Identifiers joined by "_" (file names, keys): scan_Haruto_Sato_referral.pdf.
_IDENT = re.compile(r"(?<![\w%])[^\W_]+(?:_[^\W_]+){1,6}")
_TITLE_WORDS = frozenset(
    ["mr", "mrs", "ms", "miss", "dr", "prof", "herr", "frau", "mme", "sr", "sra", "sir", "madam"]
)
_FAMILY = re.compile(rf"\b(?:the|The)\s+({_CAP})(?:s|\s+family)\b|\b(?:family|Family)\s+({_CAP})\b")


_ADVERBS_BEFORE_VERB = frozenset(["just", "also", "already", "still", "never", "finally"])
# A form's field label: a word opening a line, then at most three lower-case words and a colon
# ("Reason for visit:", "Date of birth:", "Holder:").
_LABEL_TAIL = re.compile(r"(?:[ \t]+[a-z]+){0,3}[ \t]*:")


def _field_label(text: str, start: int, end: int, first_names: frozenset[str]) -> bool:
    """One word opening a line or a ``|`` cell and ending in a colon (with up to three
    lower-case words before it) labels a field; a speaker's first name ("Maria: ...") does not,
    unless it is also a common word ("Reason:")."""
    word = text[start:end]
    if " " in word or not re.search(r"(?:\A|\n|\|)[ \t]*\Z", text[:start]):
        return False
    tail = _LABEL_TAIL.match(text, end)
    if tail is None:
        return False
    if tail.end() > end + 1:
        return True
    return word.lower() not in first_names or common_english(word, 5000)


@functools.cache
def gazetteer_first_names() -> frozenset[str]:
    """Faker's first names and the extra ones of ``name_lists``."""
    from assistant.privacy.name_lists import EXTRA_FIRST_NAMES

    return faker_first_names() | EXTRA_FIRST_NAMES


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


@functools.cache
def faker_surnames() -> frozenset[str]:
    """Family names from every Faker locale (Latin, Cyrillic, Greek script), lower-cased."""
    import faker.providers.person as person

    names: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attr in ("last_names", "last_names_male", "last_names_female", "last_romanized_names"):
            values = provider.__dict__.get(attr)
            if isinstance(values, list | tuple | dict | set | frozenset):
                names.update(n.lower() for n in values if isinstance(n, str) and _latin(n))
    return frozenset(n for n in names if len(n) > 2)


def _stop_words() -> frozenset[str]:
    """spaCy's English stop words: a name part that is one ("will", "may") never matches alone."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _latin(word: str) -> bool:
    """Latin, Cyrillic or Greek letters only (the scripts the capitalised-word rules read)."""
    return word.isalpha() and all(
        unicodedata.name(c, "").startswith(("LATIN", "CYRILLIC", "GREEK")) for c in word
    )


class FirstNameRecognizer(EntityRecognizer):
    """A known first name followed by one or two capitalised words: "Priya Raghunathan".

    A first name alone is left to spaCy and the deny-list: "Will", "May" and "Grace" are
    words too, and a following capitalised surname is what makes them a name.
    """

    def __init__(
        self, first_names: Iterable[str] | None = None, surnames: Iterable[str] | None = None
    ) -> None:
        super().__init__(supported_entities=["PERSON"], name="name_gazetteer")
        from assistant.privacy.name_lists import EXTRA_SURNAMES

        names = frozenset(first_names) if first_names is not None else gazetteer_first_names()
        self._names = names - _stop_words()
        known = frozenset(surnames) if surnames is not None else faker_surnames() | EXTRA_SURNAMES
        self._surnames = known - _stop_words() - _COMMON_CAPITALISED - _NOT_SURNAMES

        self._stop_and_titles = _stop_words() | _TITLE_WORDS

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
                if self._alone_is_a_name(text, first):
                    results.append(RecognizerResult("PERSON", first.start(), first.end(), 0.5))
                continue
            end = first.end()
            for word in _CAP_RE.finditer(rest.group()):
                if word.group().lower() in _NOT_SURNAMES:
                    break
                end = rest.start() + word.end()
            if end > first.end():
                results.append(RecognizerResult("PERSON", first.start(), end, 0.6))
        for match in _REVERSED.finditer(text):
            if match.group(1).lower().split("-")[0] in self._names:
                results.append(RecognizerResult("PERSON", match.start(), match.end(), 0.5))
        for match in _LOWER_AFTER_VERB.finditer(text):
            words = match.group(1).split()
            if words[0] in self._names and words[0] not in _COMMON_LOWER:
                end = match.end(1) if len(words) > 1 else match.start(1) + len(words[0])
                results.append(RecognizerResult("PERSON", match.start(1), end, 0.5))
        results.extend(self._tagged_surnames(text, nlp_artifacts))
        results.extend(self._before_verbs(nlp_artifacts))
        results.extend(self._lower_case(text))
        results.extend(self._joined_parts(text))
        for match in _GREETED.finditer(text):
            words = set(match.group(1).lower().split())
            if match.group(1).lower() not in _NOT_GREETED and not words & ORGANISATION_WORDS:
                results.append(RecognizerResult("PERSON", match.start(1), match.end(1), 0.55))
        for match in _JSON_NAME.finditer(text):
            results.append(RecognizerResult("PERSON", match.start(1), match.end(1), 0.6))
        for match in _JOINED.finditer(text):
            parts = re.split(r"_|%20|\+", match.group().lower())
            if parts[0] in _CODE_VERBS:
                continue  # a function's name in a log: run_job, send_email, get_contact
            if any(p in self._names for p in parts) and not any(p in _CODE_WORDS for p in parts):
                results.append(RecognizerResult("PERSON", match.start(), match.end(), 0.5))
        for match in _CJK_RUN.finditer(text):
            if match.group()[:1] in _CJK_SURNAMES or match.group()[:2] in _CJK_SURNAMES:
                results.append(RecognizerResult("PERSON", match.start(), match.end(), 0.5))
        for match in _NAME_FIELD.finditer(text):
            results.append(RecognizerResult("PERSON", match.start(1), match.end(1), 0.5))
        for match in _FAMILY.finditer(text):
            group = next(g for g in (match.group(1), match.group(2)) if g)
            start = match.start(1) if match.group(1) else match.start(2)
            results.append(RecognizerResult("PERSON", start, start + len(group), 0.6))
        return [r for r in results if not _field_label(text, r.start, r.end, self._names)]

    def _tagged_surnames(
        self, text: str, nlp_artifacts: NlpArtifacts | None
    ) -> list[RecognizerResult]:
        """A known surname the tagger reads as a proper noun, mid-sentence: "ask Okafor", with
        the capitalised proper noun just before it ("Olumide Adeyemi": a first name we lack)."""
        if nlp_artifacts is None or nlp_artifacts.tokens is None:
            return []
        found = []
        tokens = nlp_artifacts.tokens
        for i, token in enumerate(tokens):
            word = token.text
            if (
                token.pos_ == "PROPN"
                and not token.is_sent_start
                and word[:1].isupper()
                and not word.isupper()
                and word.lower() in self._surnames
            ):
                start, end = token.idx, token.idx + len(word)
                prev = tokens[i - 1] if i > 0 else None
                if prev is not None and prev.text.rstrip(".") in ("St", "Ste", "Saint", "San"):
                    continue  # "St Mary's": a church, a hospital
                if (
                    prev is not None
                    and prev.pos_ == "PROPN"
                    and prev.text[:1].isupper()
                    and not prev.text.isupper()
                    and prev.text.isalpha()
                    and prev.text.lower() not in _NOT_SURNAMES
                    and prev.text.lower() not in self._stop_and_titles
                    and prev.text.lower() not in ORGANISATION_WORDS
                    and text[prev.idx + len(prev.text) : start] == " "
                ):
                    start = prev.idx
                found.append(RecognizerResult("PERSON", start, end, 0.45))
        return found

    def _before_verbs(self, nlp_artifacts: NlpArtifacts | None) -> list[RecognizerResult]:
        """A known first name that opens a clause with a verb: "Sergio paid", "Noor rang"."""
        if nlp_artifacts is None or nlp_artifacts.tokens is None:
            return []
        found = []
        tokens = nlp_artifacts.tokens
        for i, (token, following) in enumerate(itertools.pairwise(tokens)):
            word = token.text
            if following.text in _ADVERBS_BEFORE_VERB and i + 2 < len(tokens):
                following = tokens[i + 2]  # "Sunita just called"
            if (
                word[:1].isupper()
                and not word.isupper()
                and word.lower() in self._names
                and word.lower() not in _COMMON_CAPITALISED
                and following.pos_ in ("VERB", "AUX")
                and following.text.islower()
                and following.tag_ in ("VBD", "VBZ", "MD")
            ):
                found.append(RecognizerResult("PERSON", token.idx, token.idx + len(word), 0.5))
        return found

    def _lower_case(self, text: str) -> list[RecognizerResult]:
        """Names typed in lower case: after a title ("mrs okafor"), or a known first name and a
        known surname together ("anne-marie leclerc")."""
        found = []
        for match in _LOWER_TITLED.finditer(text):
            words = match.group(1).split()
            if words[0] in self._stop_and_titles or words[0] in _COMMON_LOWER:
                continue
            keep = words[:1]
            if len(words) > 1 and words[1] in self._surnames | self._names:
                keep = words
            end = match.start(1) + len(" ".join(keep)) if len(keep) > 1 else None
            found.append(
                RecognizerResult(
                    "PERSON", match.start(1), end or match.start(1) + len(words[0]), 0.55
                )
            )
        for match in _CALL_BACK.finditer(text):
            if match.group(1) not in self._stop_and_titles and match.group(1) not in _COMMON_LOWER:
                found.append(RecognizerResult("PERSON", match.start(1), match.end(1), 0.5))
        for match in _LOWER_PAIR.finditer(text):
            first, last = match.group(1), match.group(2)
            if (
                all(part in self._names for part in first.split("-"))
                and last in self._surnames
                and first not in _COMMON_LOWER
                and last not in _COMMON_LOWER
            ):
                found.append(RecognizerResult("PERSON", match.start(1), match.end(2), 0.5))
        return found

    def _joined_parts(self, text: str) -> list[RecognizerResult]:
        """Names inside file names and identifiers: scan_Haruto_Sato_referral.pdf,
        exports/kowalski_jan_2026.csv (capitalised known names, or a known first name and
        surname together in lower case)."""
        found: list[RecognizerResult] = []
        for ident in _IDENT.finditer(text):
            parts = [
                (m.start(), m.end(), m.group()) for m in re.finditer(r"[^\W\d_]+", ident.group())
            ]
            run: list[tuple[int, int, str]] = []
            for part in [*parts, (0, 0, "")]:
                word = part[2]
                known = word.lower() in self._names or word.lower() in self._surnames
                capitalised = word[:1].isupper() and not word.isupper()
                usable = known and word.lower() not in _CODE_WORDS
                if usable and (capitalised or word.islower()) and run and run[-1][1] + 1 == part[0]:
                    run.append(part)
                    continue
                self._joined_run(ident.start(), run, found)
                run = [part] if word and usable else []
        return found

    def _joined_run(
        self, offset: int, run: list[tuple[int, int, str]], found: list[RecognizerResult]
    ) -> None:
        if len(run) < 2:
            return
        words = [w.lower() for _, _, w in run]
        capitalised = all(w[:1].isupper() for _, _, w in run)
        has_first = any(w in self._names for w in words)
        has_last = any(w in self._surnames for w in words)
        if (capitalised and (has_first or has_last)) or (has_first and has_last):
            found.append(RecognizerResult("PERSON", offset + run[0][0], offset + run[-1][1], 0.5))

    def _alone_is_a_name(self, text: str, word: re.Match[str]) -> bool:
        """A first name alone is a name in a greeting, before "'s", or after a relation word."""
        value = word.group()
        if value.lower() in _NOT_SURNAMES or value.isupper():
            return False
        head = text[max(0, word.start() - 24) : word.start()]
        tail = text[word.end() : word.end() + 12]
        if re.search(r"\b(?:St|Ste|Saint|San|Santa|Sankt)\.?\s$", head):
            return False  # "St Mary's", "San José": a place or a church
        if re.match(r"\s*#?\d", tail) or re.search(r"[\d-]$", head):
            return False  # "Bay 7", "Ward 5B", "14-Mar": a place in a building, or a date
        return bool(
            _GREETING.search(head)
            or _RELATION.search(head)
            or re.match(rf"[{APOS}]s\b", tail)
            or (
                word.start() > 0
                and not re.search(r"[.!?:]\s*$|^\s*$", head)
                and value.lower() not in _COMMON_CAPITALISED
            )
            or re.match(
                r"\s+(?:says|said|called|rang|asked|wants|will|is|was|has|had|from|moved)\b", tail
            )
        )
