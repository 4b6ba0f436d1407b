"""Names found by where they stand rather than by what they are.

A name neither spaCy nor the gazetteer knows is still a name when the text says so: the user
name of a log line (``user=m.oconnor``), the signature that closes a message ("Thanks,
Priyanka"), a self-introduction ("hi its bukola"), the person a reminder speaks to
("Reminder: Lachlan, physio tomorrow"), a field that holds a name (``holder="HOFFMANN
KATRIN"``, "Given: CIARA"), a CSV column headed "first" or "last", and a first name typed in
lower case where a chat message names someone ("move two of them to niamh").

Common English words never count in these places (symspellpy's word list decides), so "it's
fine", "Thanks, Management" and "to hope" stay.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from assistant.privacy.name_lists import EXTRA_SURNAMES, common_english, words
from assistant.privacy.names import ORGANISATION_WORDS, faker_surnames, gazetteer_first_names
from assistant.privacy.places import place_names

_UP = "A-ZÀ-ÖØ-ÞĀ-Ž"
_LOW = "a-zß-öø-ÿā-ž"
_NAME = rf"[{_UP}][{_LOW}'\u2019-]*[{_LOW}]"  # a capitalised word: Priyanka, O'Neill
_ANY_CASE = rf"[{_UP}{_LOW}][{_LOW}{_UP}'\u2019-]*[{_LOW}{_UP}]"

# user=m.oconnor, "agent": "bilal", login: lena.weber, added by rkhan, viewed by=tanaka.h,
# requester=pjansen, "by user rbautista", "staff member lewandowski.p", "User mnguyen" (ssh).
_HANDLE = re.compile(
    r"""(?i)(?:(?<![\w.-])["']?(?:user(?:name)?|login|agent|staff|operator|owner|author|actor"""
    r"""|assignee|practitioner|therapist|clinician|requester|witness|patient|member|sender"""
    r"""|by|(?:created|updated|edited|requested|approved|ordered|reviewed|viewed|uploaded"""
    r"""|booked|signed|deleted|assigned|entered)_?(?:by|to))["']?"""
    r"""[ \t]*[=:][ \t]*["']?"""
    r"""|\b(?:added|created|updated|edited|deleted|approved|signed|entered|changed|viewed"""
    r"""|booked|requested|uploaded) by(?: user)?[ \t]+"""
    r"""|\b(?:user lookup|user(?:name)?|login|account|staff member)[ \t]+["'(]?)"""
    r"""(?-i:([a-z][a-z0-9]*(?:[._-][a-z][a-z0-9]*){0,2}))(?![\w@-]|\.\w)"""
)
_SERVICE_ACCOUNTS = words(
    """admin administrator root system sys cron scheduler worker service svc api bot robot guest
    anonymous anon nobody null none unknown test tester demo frontdesk reception receptionist
    desk staff owner support noreply no-reply web app import export sync migration integration
    default public internal manager doctor nurse therapist practitioner user users patient
    client true false"""
)
_TITLE_PREFIX = re.compile(r"(?i)^(?:dr|mr|mrs|ms|prof)[._-]")

# The last words of a message: "Thanks, Priyanka", "...changes. Clodagh", "Speak soon,\nNaledi".
_SIGN_OFF = re.compile(
    rf"(?:^|\n|[.!?)][ \t]+|(?i:thanks|thank you|regards|cheers|best|soon|care|wishes|love"
    rf"|sincerely|atentamente|saludos|cordialement|groet|grüße|pozdrawiam|obrigad[oa]|grazie)"
    rf"[,!.]?[ \t\n]+)(?:[-\u2013\u2014~][ \t]*)?({_NAME}(?:[ \t]+{_NAME})?)[.!]?[ \t]*\Z"
)
# "it's Karabo from the clinic", "hi its bukola", "This is Harjit.", "I am Noura".
_SELF = re.compile(
    r"(?i:\b(?:it['\u2019]?s|it is|this is|i am|i['\u2019]?m|my name is|name['\u2019]s))"
    rf"[ \t]+({_ANY_CASE})"
    rf"(?=[ \t]*(?:[,.!;:]|\bhere\b|\bfrom\b|\bagain\b|$))",
    re.MULTILINE,
)
# "Ingrid, your appointment...", "Reminder: Lachlan, physio tomorrow": a name and a comma
# opening a message or following its label.
_ADDRESSED = re.compile(rf"(?:\A|\n|(?<=:)[ \t])[ \t]*({_NAME}),[ \t]+[{_LOW}]", re.MULTILINE)
# Fields that hold a person's name in logs and forms (JSON keys are names.py's).
_NAME_FIELD = re.compile(
    r"""(?i:(?<![\w.])(?:holder|card_?holder|account_?holder|given|given_?name|beneficiary"""
    r"""|recipient|guardian|next_of_kin|emergency_contact|referrer|insured|witness|carer|spouse"""
    r"""|mother|father|parent|nok|driver|interpreter|chaperone)["']?[ \t]*[:=][ \t]*)"""
    rf"""(?:"([^"\n]{{2,60}})"|'([^'\n]{{2,60}})'|({_ANY_CASE}(?:[ \t]+{_ANY_CASE}){{0,2}}))"""
)
# Lower-case first names where a chat names someone: after these words, or before a verb.
_LOWER_CUE = re.compile(
    r"\b(?:to|with|from|for|about|and|ask|tell|call|ring|text|email|remind|message|move|give"
    r"|book|see|saw|does|did|is|was|note from|msg to)[ \t]+([a-zß-ÿ][a-zß-ÿ'-]{2,})"
    r"(?:[ \t]+([a-zß-ÿ][a-zß-ÿ'-]{2,}))?\b"
)
_LOWER_START = re.compile(
    r"(?:\A|\n)[ \t]*([a-zß-ÿ][a-zß-ÿ'-]{2,})(?:[ \t]+([a-zß-ÿ][a-zß-ÿ'-]{2,}))?[ \t]+"
    r"(?=(?:says|said|rang|called|asked|emailed|texted|wants|from|just|is|was|has|had|will"
    r"|can|cannot|can't|needs|paid|cancelled|booked)\b)"
)
# The person a clinical note is about, right after its label: "Psych: Ama attended with...",
# "Massage: Kealoha rotator cuff...", "Chiro: Rafael age 41".
_NOTE_SUBJECT = re.compile(
    rf"\A[ \t]*(?![\w-]*(?:Error|Exception|Warning):)[A-Z][\w-]*:[ \t]+({_NAME})(?=[ \t]+[a-z]|,)"
)
_CSV_NAME_COLUMNS = words(
    """name first last first_name last_name firstname lastname surname given family family_name
    given_name full_name fullname patient client contact forename username user_name user login
    handle staff"""
)
_NOT_SIGNATURES = ORGANISATION_WORDS | words(
    """team management reception admin office everyone all thanks regards cheers best love
    sincerely yours saludos atentamente cordialement grüße groet pozdrawiam obrigado obrigada
    grazie ciao gracias merci danke bye"""
)


class NameContextRecognizer(EntityRecognizer):
    """Names told by their place in the text (see the module docstring)."""

    def __init__(
        self,
        first_names: frozenset[str] | None = None,
        surnames: frozenset[str] | None = None,
        name: str = "name_context",
    ) -> None:
        super().__init__(supported_entities=["PERSON"], name=name, supported_language="en")
        self._first = gazetteer_first_names() if first_names is None else first_names
        self._surnames = faker_surnames() | EXTRA_SURNAMES if surnames is None else surnames

    def load(self) -> None:
        """The lists are read in ``__init__``."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        found = [
            RecognizerResult("PERSON", start, end, score)
            for start, end, score in (
                *self._handles(text),
                *self._sign_off(text),
                *self._introduced(text),
                *self._fields(text),
                *self._csv_columns(text),
                *self._lower_case(text),
            )
        ]
        return found

    def _handles(self, text: str) -> Iterator[tuple[int, int, float]]:
        for match in _HANDLE.finditer(text):
            handle = match.group(1)
            bare = handle.lower().rstrip("0123456789")  # reception2, desk2: a shared login
            parts = re.split(r"[._-]", bare)
            if bare in _SERVICE_ACCOUNTS or parts[0] in _SERVICE_ACCOUNTS:
                continue
            if sum(c.isalpha() for c in handle) < 3 or re.search(r"\d{3}", handle):
                continue
            if len(parts) == 1 and common_english(handle, 30000) and handle not in self._first:
                continue  # "agent=mobile", "by default"
            start = match.start(1)
            title = _TITLE_PREFIX.match(handle)
            if title and len(handle) > title.end():
                start += title.end()  # dr.schmidt: the name is what follows the title
            yield start, match.end(1), 0.6

    def _sign_off(self, text: str) -> Iterator[tuple[int, int, float]]:
        if "\n" not in text and not re.search(r"[.!?,]", text):
            return  # a one-line log message has no signature
        match = _SIGN_OFF.search(text[-80:])
        if match is None:
            return
        value = match.group(1)
        names = value.split()
        if any(w.lower() in _NOT_SIGNATURES for w in names) or not self._name_like(names[0]):
            return
        if value.lower() in place_names()[1]:
            return  # an address ending a letter: "...\nNairobi 00100\nKenya"
        offset = len(text) - len(text[-80:])
        yield offset + match.start(1), offset + match.end(1), 0.55

    def _introduced(self, text: str) -> Iterator[tuple[int, int, float]]:
        for match in _SELF.finditer(text):
            if self._name_like(match.group(1)):
                yield match.start(1), match.end(1), 0.55
        for match in _NOTE_SUBJECT.finditer(text):
            if self._name_like(match.group(1)):
                yield match.start(1), match.end(1), 0.5
        for match in _ADDRESSED.finditer(text):
            word = match.group(1)
            if word.lower() in self._first and not common_english(word, 5000):
                yield match.start(1), match.end(1), 0.5

    def _fields(self, text: str) -> Iterator[tuple[int, int, float]]:
        for match in _NAME_FIELD.finditer(text):
            group = next(i for i in (1, 2, 3) if match.group(i) is not None)
            value = match.group(group).strip()
            if re.search(r"[\d@=<>{}]", value) or value.lower() in ("null", "none", "n/a"):
                continue
            start = match.start(group) + match.group(group).index(value)
            yield start, start + len(value), 0.6

    def _csv_columns(self, text: str) -> Iterator[tuple[int, int, float]]:
        """Cells under a header naming them: "client_id,first,last" then "4471,Fiona,MacLeod"."""
        if text.count("\n") < 1 or not re.search(r"[,;\t]", text):
            return
        offset = 0
        columns: list[int] = []
        header_len = 0
        sep = ","
        for line in text.split("\n"):
            cells = None
            for candidate in (",", ";", "\t"):
                if line.count(candidate) >= 2:
                    sep, cells = candidate, line.split(candidate)
                    break
            if cells is None:
                columns = []
            elif not columns or len(cells) != header_len:
                wanted = [i for i, c in enumerate(cells) if c.strip().lower() in _CSV_NAME_COLUMNS]
                columns, header_len = wanted, len(cells)
            else:
                position = offset
                for i, cell in enumerate(cells):
                    value = cell.strip().strip("\"'")
                    if i in columns and value and not re.search(r"[\d@]", value):
                        start = position + cell.index(value)
                        yield start, start + len(value), 0.6
                    position += len(cell) + len(sep)
            offset += len(line) + 1

    def _lower_case(self, text: str) -> Iterator[tuple[int, int, float]]:
        """A first name in lower case that is no English word, where chat names someone."""
        for pattern in (_LOWER_CUE, _LOWER_START):
            for match in pattern.finditer(text):
                first = match.group(1)
                # a surname too where a verb follows: "o'brien rang again"
                known = first in self._first or (
                    pattern is _LOWER_START and first in self._surnames
                )
                if not known or common_english(first, 30000):
                    continue
                end = match.end(1)
                second = match.group(2)
                if (
                    second
                    and (second in self._first or second in self._surnames)
                    and not common_english(second, 30000)
                ):
                    end = match.end(2)
                yield match.start(1), end, 0.5

    def _name_like(self, word: str) -> bool:
        """Not a common English word, unless a capitalised first name that is rarer as a word."""
        if len(word) < 2 or (word.isupper() and len(word) < 3):
            return False
        if not common_english(word, 20000):
            return True
        return word[:1].isupper() and word.lower() in self._first and not common_english(word, 3000)
