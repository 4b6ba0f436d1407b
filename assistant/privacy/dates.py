"""Dates that identify a person's event (visit, admission, discharge, surgery) and ages over 89.

HIPAA counts dates of service and ages over 89 as identifiers. Not every date identifies:
log timestamps, backup times, expiry and price-list dates do not, and a log full of
``<DATE>`` helps nobody, so a date is left when it carries a time of day (a timestamp) or a
word before it says it is about a document rather than a person.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.privacy.base import RegexRecognizer, after, before

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_WEEKDAY = (
    r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?)\.?,?"
)
_DATE = re.compile(
    rf"(?i:(?:{_WEEKDAY}\s+)?(?:{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?"
    rf"|{_MONTH}\s+{_DAY}(?:,?\s+\d{{4}})?))(?![\w])"
    r"|(?<![A-Za-z0-9./-])(?:\d{4}([-/.])\d{1,2}\1\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2}))"
    r"(?!(?!T\d)[\w/-]|\.\d)"
)
_FOREIGN_WEEKDAY = (
    r"(?:lunes|martes|miércoles|miercoles|jueves|viernes|sábado|sabado|domingo|montag|dienstag"
    r"|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi"
    r"|dimanche|segunda|terça|terca|quarta|quinta|sexta|lunedì|martedì|mercoledì|giovedì"
    r"|venerdì|sabato|domenica)(?:-feira)?"
)
# Months of the languages clinics write in besides English, only with a day before them
# ("12 mai 2026", "8 de abril", "3. März 2025"): alone, "mai" or "mars" are words.
FOREIGN_MONTHS = (
    r"(?:janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre"
    r"|décembre|decembre|januar|jänner|februar|märz|april|juni|juli|oktober|dezember|enero|febrero"
    r"|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre"
    r"|janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|dezembro|gennaio|febbraio|aprile"
    r"|maggio|giugno|luglio|settembre|ottobre|dicembre|januari|februari|maart|mei|augustus"
    r"|stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|wrzesnia|października"
    r"|pazdziernika|listopada|grudnia|augusti|ocak|şubat|subat|mart|nisan|may\u0131s|mayis|haziran"
    r"|temmuz|ağustos|agustos|eylül|eylul|ekim|kas\u0131m|kasim|aral\u0131k|aralik|september|november"
    r"|december|october|august|july|june|march|february|january)"
)
_FOREIGN = re.compile(
    rf"(?i)(?:\b{_FOREIGN_WEEKDAY},?\s+)?"
    rf"(?<![\w.])(?:[12]\d|3[01]|0?[1-9])(?:\.|er|º)?\s+(?:de\s+)?{FOREIGN_MONTHS}"
    rf"(?:,?\s+(?:de\s+)?\d{{4}})?(?![\w])"
)
# "14-Mar-2026", "03/Feb/26", "2026-Mar-14".
_DASHED = re.compile(
    rf"(?i)(?<![\w/-])(?:(?:[12]\d|3[01]|0?[1-9])[-/]{_MONTH}[-/](?:\d{{4}}|\d{{2}})"
    rf"|\d{{4}}[-/]{_MONTH}[-/](?:[12]\d|3[01]|0?[1-9]))(?![\w/-])"
)
# "on 2/3", "booked for 22/07", "results from 28/08", "review 12/09", "sexta-feira, 22/11",
# and the dates listed after one ("on 2/3, 2/10 and 2/17").
# Day/month or month/day (US): "22/07", "2/17".
_DAY_MONTH = re.compile(
    r"(?<![\w/.-])(?:(?:[12]\d|3[01]|0?[1-9])/(?:1[0-2]|0?[1-9])|(?:1[0-2]|0?[1-9])/(?:[12]\d|3[01]))"
    r"(?![/\d]|\.\d)"
)
_DAY_MONTH_CUE = re.compile(
    r"(?i)(?:\b(?:on|from|for|until|till|by|since|before|after|review|reviewed|booked|seen"
    r"|visit|appt|appointment|due|dated|of|il|el|le|am|vom|em|del|dal|al|op|dne|w dniu)"
    r"|(?:day|feira|[a-z]{3}\.),)[ \t]+$"
)
_DAY_MONTH_EVENT = re.compile(
    r"(?i)[ \t]+(?:fall|fell|review|visit|appt|appointment|admission|admitted|discharged?|surgery"
    r"|op|operation|seen|follow[- ]?up|f/u|uti|scan|x-?ray|mri|ct|bloods|injection|vaccine"
    r"|booked|a&e|ed|er|gp|clinic|call|phoned|rang|dna|cancelled|procedure)\b"
)
_LISTED_DAY_MONTH = re.compile(
    r"(?:[12]\d|3[01]|0?[1-9])/(?:[12]\d|3[01]|0?[1-9])(?:,[ \t]*|[ \t]+(?:and|&|or|to|-)[ \t]+)$"
)
# Scores out of ten are not dates: "pain 6/10", "VAS 3/10".
_SCORE_CUE = re.compile(r"(?i)pain|vas|nprs|nrs|score|rated|rpe|effort|level|severity|/10")
_PARTIAL = re.compile(rf"(?i)\b{_MONTH}\s+['\u2019]\d{{2}}\b")
_WEEKDAY_ORDINAL = re.compile(
    rf"(?i)\b{_WEEKDAY}\s+(?:the\s+)?(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)\b"
)
# "el lunes 9", "am Montag 3.": a weekday and the day of the month.
_FOREIGN_WEEKDAY_DAY = re.compile(
    rf"(?i)\b{_FOREIGN_WEEKDAY},?\s+(?:[12]\d|3[01]|0?[1-9])(?![\w:/.,-]|\.\d|,\d)"
)
# East Asian dates: 2024年7月18日.
_CJK_DATE = re.compile(r"(?<!\d)\d{4}\s?年\s?\d{1,2}\s?月(?:\s?\d{1,2}\s?日)?")
_ORDINAL = re.compile(r"(?i)(?<=\bthe )(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)\b")
_NOT_PERSONAL = re.compile(
    r"(?:valid|expir\w*|effective|period|snapshot|backup|release|version|build|price"
    r"|reporting|report (?:date|period|run)|since the|created_at|updated_at|timestamp|closed"
    r"|holiday\w*|purchased|bought|submitted|stock|applies|due[\"']?\s*[=:]|export\w*|invoice\w*)\W*"
    r"(?:\w+\W+){0,2}$"
)


_PERIOD_LINK = re.compile(r"(?i)\s*(?:to|until|till|through|and|or|[-\u2013])\s*$")


def _context(text: str, start: int) -> str:
    """The words before a date; for the second date of a period ("closed from 24 December to
    2 January") or a pair, the words before the first: they say what both dates are about."""
    head = text[max(0, start - 60) : start]
    link = _PERIOD_LINK.search(head)
    if link is not None:
        for earlier in (_DATE, _FOREIGN, _DASHED, _DAY_MONTH):
            last = None
            for last in earlier.finditer(head[: link.start()]):  # noqa: B007 (the last one)
                pass
            if last is not None and last.end() == link.start():
                return before(text, max(0, start - 60) + last.start(), 30)
    return before(text, start, 30)


class DateRecognizer(RegexRecognizer):
    entity = "DATE"
    score = 0.55
    patterns = (
        _DATE, _ORDINAL, _PARTIAL, _DAY_MONTH, _FOREIGN, _DASHED, _WEEKDAY_ORDINAL,
        _FOREIGN_WEEKDAY_DAY, _CJK_DATE,
    )  # fmt: skip

    def accept(self, text: str, match: re.Match[str]) -> Iterator[tuple[int, int, float]]:
        value = match.group()
        start = match.start()  # "Thursday 21 March": the weekday goes with the date
        if match.re is _DAY_MONTH and not self._day_month(text, match):
            return
        end = match.end()
        if re.search(r"(?i)(?:uary|ch|il|may|ne|ly|ust|ber)\.$", value):
            end -= 1  # "on 11 June.": the full stop ends the sentence
        slot = re.match(r"T\d{2}:\d{2}(?![:\d])", after(text, match.end(), 12))
        if slot is not None:
            end = match.end() + slot.end()  # "2025-10-21T09:40": an appointment's slot
        elif re.match(r"[\s:]*(?:T\d|\d{1,2}:\d{2}:\d{2})", after(text, match.end(), 12)):
            return  # a timestamp
        if _NOT_PERSONAL.search(_context(text, match.start())):
            return
        if re.search(r"\b(?:may|mar)\b", value) and not re.search(r"\d{4}", value):
            return  # "user 7 may not": the month in lower case, without a year, is a word
        if match.start() < 3 and re.match(r"\d{4}-", value):
            return  # a date leading a log line is its timestamp
        yield start, end, self.score

    @staticmethod
    def _day_month(text: str, match: re.Match[str]) -> bool:
        """A day/month without a year is a date after a word that introduces one, or listed
        after one; never a score out of ten."""
        head = text[max(0, match.start() - 40) : match.start()]
        if match.group().endswith("/10") and _SCORE_CUE.search(head + text[match.end() :][:12]):
            return False
        if _DAY_MONTH_EVENT.match(text, match.end()):
            return True
        while not _DAY_MONTH_CUE.search(head):
            listed = _LISTED_DAY_MONTH.search(head)
            if listed is None:
                return False
            head = head[: listed.start()]
        return True


_AGE_NUMBER = r"(?:9\d|1[01]\d)"
_AGE = re.compile(
    rf"(?i)(?<=\baged )\b{_AGE_NUMBER}\b|(?<=\bage )\b{_AGE_NUMBER}\b|(?<=\bage: )\b{_AGE_NUMBER}\b"
    rf"|(?<=\bage=)\b{_AGE_NUMBER}\b|(?<=\bage:)\b{_AGE_NUMBER}\b"
    rf"|\b{_AGE_NUMBER}(?=[- ]?(?:years?|yrs?|y)[- ]?(?:old|o\b|/o\b)|\s?y\.\s?o\b)"
    rf"|(?<=[a-zà-ÿ], )\b{_AGE_NUMBER}\b(?=[,.;:)]|\s+(?:tomorrow|today|next|this|on)\b|\s*$)"
    rf"|\b{_AGE_NUMBER}(?=\s?(?:yo|y|yrs?)\b)"
    rf"|(?<=['\u2019]s )\b{_AGE_NUMBER}\b(?!\s*(?:%|mg|kg|cm|mm|minutes|min|bpm|/))"
    rf"|(?<=\bturns )\b{_AGE_NUMBER}\b|(?<=\bturned )\b{_AGE_NUMBER}\b"
    rf"|(?<=\bturning )\b{_AGE_NUMBER}\b"
    rf"|(?<=\bis )\b{_AGE_NUMBER}\b(?!\s*(?:%|mg|kg|cm|mm|minutes|min|bpm|/))"
    rf"|(?<=, )\b{_AGE_NUMBER}\b(?=\))|(?<=\()\b{_AGE_NUMBER}\b(?=\))"
    rf"|\b{_AGE_NUMBER}(?=\s(?:ans|años|anos|jahre|jaar|år|anni|lat|yaş\u0131nda|yasinda|ετών)\b)"
    rf"|(?<=\bage['\"] = ){_AGE_NUMBER}\b|(?<=\bage['\"]=){_AGE_NUMBER}\b"
)


class AgeRecognizer(RegexRecognizer):
    """Ages of 90 and over (younger ones do not identify; HIPAA's rule)."""

    entity = "AGE"
    score = 0.6
    patterns = (_AGE,)

    def accept(self, text: str, match: re.Match[str]) -> Iterator[tuple[int, int, float]]:
        if re.search(r"(?i)\b(?:hr|bp|spo2|pulse|score|weight|rate|sat)\W{0,3}(?:\w+\W+)?$",
                     before(text, match.start(), 20)):  # fmt: skip
            return
        head = text[max(0, match.start() - 30) : match.start()]
        tail = text[match.end() : match.end() + 8]
        if (
            head.endswith(", ")
            and not re.match(r"\)|\s?(?:y|yo|yrs?|years?)\b", tail)
            and not re.search(r"[A-ZÀ-Þ][\w'\u2019-]+, $", head)
        ):
            return  # "Margaret Hughes, 93,": the number follows a name, not a list item
        yield match.start(), match.end(), self.score
