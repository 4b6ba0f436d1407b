"""Dates and times as staff write them, resolved in the user's timezone against a given `now`.

Relative words ("tomorrow", "friday", "next Tuesday", "in two weeks") follow our own rules,
because dateparser keeps the current time of day on relative dates, reads "a week from today"
as the past and cannot say whether a time was given. Absolute dates ("March 14", "15 June",
"12/05") go to dateparser. Local wall times become aware datetimes through zoneinfo, so
"tomorrow at 9am" is 9:00 local on either side of a DST change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Span = Literal["day", "week", "month"]
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_ABBR = {name[:3]: i for i, name in enumerate(WEEKDAYS)} | {"tues": 1, "thur": 3, "thurs": 3}
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple of": 2,
}  # fmt: skip
_NUM = r"(\d+|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
_UNITS = {"day": 1, "week": 7, "fortnight": 14}
DEFAULT_TASK_TIME = time(9, 0)
"""A task due "tomorrow" is due at 9:00 local: a reminder is useful in the morning."""


class BadTimezone(ValueError):
    pass


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadTimezone(
            f"unknown timezone {name!r} (use an IANA name like Europe/London)"
        ) from None


@dataclass(frozen=True, slots=True)
class When:
    """What a date phrase says: a day (or the first day of a week/month span) and a time."""

    day: date | None = None
    at: time | None = None
    span: Span = "day"


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


# --- times ---------------------------------------------------------------------------------

_TIME_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(
        r"\b(?:at\s+|@\s*)?(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ap>a\.?m\.?|p\.?m\.?)(?!\w)"
    ),
    re.compile(r"\b(?:at\s+|@\s*)?(?P<h>\d{1,2}):(?P<m>\d{2})\b"),
    re.compile(r"\b(?P<word>noon|midday|midnight)\b"),
    re.compile(r"\bat\s+(?P<h>\d{1,2})\b(?!\s*(?:/|th|st|nd|rd|min|h))"),
    re.compile(r"\b(?:in the\s+)?(?P<part>morning|afternoon|evening)\b"),
)
_WORD_TIMES = {"noon": time(12), "midday": time(12), "midnight": time(0)}
_PART_TIMES = {"morning": time(9), "afternoon": time(14), "evening": time(18)}


def _clock(match: re.Match[str]) -> time | None:
    groups = match.groupdict()
    if groups.get("word"):
        return _WORD_TIMES[groups["word"]]
    if groups.get("part"):
        return _PART_TIMES[groups["part"]]
    hour, minute = int(groups["h"]), int(groups.get("m") or 0)
    suffix = (groups.get("ap") or "").replace(".", "")
    if minute > 59 or hour > 23 or (suffix and not 1 <= hour <= 12):
        return None
    if suffix == "pm" and hour != 12:
        hour += 12
    elif suffix == "am" and hour == 12:
        hour = 0
    elif not suffix and 1 <= hour <= 7:
        hour += 12  # "at 3" in a clinic means the afternoon
    return time(hour, minute)


def split_time(text: str) -> tuple[str, time | None]:
    """(text without the time phrase, the time) for "friday at 3pm", "10:30", "noon"."""
    for pattern in _TIME_PATTERNS:
        match = pattern.search(text)
        if match and (found := _clock(match)) is not None:
            rest = (text[: match.start()] + " " + text[match.end() :]).strip()
            return re.sub(r"\s+", " ", rest), found
    return text, None


# --- days ----------------------------------------------------------------------------------


def _weekday(name: str) -> int | None:
    name = name.lower().rstrip(".")
    if name in WEEKDAYS:
        return WEEKDAYS.index(name)
    return _DAY_ABBR.get(name)


def _next_weekday(today: date, weekday: int, *, strictly_after: bool) -> date:
    ahead = (weekday - today.weekday()) % 7
    if ahead == 0 and strictly_after:
        ahead = 7
    return today + timedelta(days=ahead)


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _month_start(day: date, months_ahead: int = 0) -> date:
    month = day.month - 1 + months_ahead
    return date(day.year + month // 12, month % 12 + 1, 1)


def _relative(text: str, today: date) -> When | None:
    """Our rules for relative phrases; None when the phrase is not one of them."""
    t = re.sub(r"^(?:on|by|for|due|the|this coming|coming)\s+", "", text.strip())
    simple = {
        "today": 0, "tonight": 0, "now": 0, "tomorrow": 1, "tmrw": 1, "tmr": 1, "tomorow": 1,
        "day after tomorrow": 2, "the day after tomorrow": 2, "yesterday": -1,
    }  # fmt: skip
    if t in simple:
        return When(today + timedelta(days=simple[t]))
    if match := re.fullmatch(r"(this|next|last)?\s*(week|month)(?:\s+end)?", t):
        which, unit = match.group(1) or "this", match.group(2)
        offset = {"this": 0, "next": 1, "last": -1}[which]
        if unit == "week":
            return When(_week_start(today) + timedelta(weeks=offset), span="week")
        return When(_month_start(today, offset), span="month")
    if match := re.fullmatch(r"(this|next)?\s*([a-z]+)", t):
        weekday = _weekday(match.group(2))
        if weekday is not None:
            if match.group(1) == "next":
                # "next Tuesday" is the Tuesday of next week: on a Monday, eight days ahead.
                return When(_week_start(today) + timedelta(weeks=1, days=weekday))
            return When(_next_weekday(today, weekday, strictly_after=False))
    if match := re.fullmatch(rf"in\s+{_NUM}\s+(day|week|fortnight|month)s?", t):
        count, unit = _number(match.group(1)), match.group(2)
        if unit == "month":
            start = _month_start(today, count)
            return When(start.replace(day=min(today.day, _month_len(start))))
        return When(today + timedelta(days=count * _UNITS[unit]))
    if match := re.fullmatch(rf"{_NUM}\s+(day|week)s?\s+from\s+(?:today|now)", t):
        return When(today + timedelta(days=_number(match.group(1)) * _UNITS[match.group(2)]))
    return None


def _month_len(first: date) -> int:
    return (_month_start(first, 1) - first).days


def _absolute(text: str, today: date, tz: str, past: bool) -> date | None:
    import dateparser

    settings = {
        "PREFER_DATES_FROM": "past" if past else "future",
        "RELATIVE_BASE": datetime.combine(today, time(12)),
        "DATE_ORDER": "MDY" if tz.startswith("America/") else "DMY",
        "REQUIRE_PARTS": [] if past else ["day"],
        "PREFER_DAY_OF_MONTH": "first",
    }
    found = dateparser.parse(text, languages=["en"], settings=settings)
    return found.date() if found else None


def parse_when(text: str, now: datetime, tz: str, *, past: bool = False) -> When | None:
    """Read a date/time phrase relative to `now` (aware) in `tz`; None if unreadable."""
    local_today = now.astimezone(zone(tz)).date()
    cleaned = re.sub(r"[,.;!?]+$", "", text.strip().lower())
    cleaned = re.sub(r"\s+", " ", cleaned)
    rest, at = split_time(cleaned)
    rest = re.sub(r"^(?:at|on|by|for)\s+|\s+(?:at|on)$", "", rest).strip()
    if not rest:
        return When(None, at) if at else None
    when = _relative(rest, local_today)
    if when is None:
        day = _absolute(rest, local_today, tz, past)
        if day is None:
            return None
        when = When(day)
    return When(when.day, at, when.span)


def local_datetime(day: date, at: time, tz: str) -> datetime:
    """The aware instant of a local wall time; a time skipped by DST moves forward an hour."""
    zone_info = zone(tz)
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=zone_info)
    round_trip = aware.astimezone(ZoneInfo("UTC")).astimezone(zone_info)
    if round_trip.replace(tzinfo=None) != naive:  # in a spring-forward gap
        aware = (naive + timedelta(hours=1)).replace(tzinfo=zone_info)
    return aware


def span_range(when: When, tz: str) -> tuple[datetime, datetime]:
    """[start, end) of the local day, week or month `when` names, as aware datetimes."""
    assert when.day is not None
    if when.span == "week":
        end_day = when.day + timedelta(weeks=1)
    elif when.span == "month":
        end_day = _month_start(when.day, 1)
    else:
        end_day = when.day + timedelta(days=1)
    return local_datetime(when.day, time(0), tz), local_datetime(end_day, time(0), tz)


def merge_answer(previous: str | None, answer: str, now: datetime, tz: str) -> str:
    """A follow-up answer to "when?": a bare time ("3pm") keeps the day said before."""
    when = parse_when(answer, now, tz)
    if previous and when is not None and when.day is None:
        return f"{previous} at {answer}"
    return answer


_DURATION = re.compile(
    rf"\b(?P<n>{_NUM}|\d+(?:\.\d+)?|half an?|an? half)\s*"
    r"(?P<unit>min(?:ute)?s?|m\b|h(?:ou)?rs?|h\b|hours?)"
    r"|\b(?P<half>half an hour)\b"
)


def parse_duration(text: str) -> int | None:
    """Minutes in "45 minutes", "1 hour", "an hour", "90 min", "half an hour", "1.5 hours"."""
    match = _DURATION.search(text.lower())
    if match is None:
        return int(text) if text.strip().isdigit() else None
    if match.group("half"):
        return 30
    raw, unit = match.group("n"), match.group("unit")
    value = 0.5 if raw.startswith("half") else float(NUMBER_WORDS.get(raw, 0) or raw)
    minutes = value * 60 if unit.startswith("h") else value
    return round(minutes)


def find_duration(text: str) -> str | None:
    match = _DURATION.search(text.lower())
    return text[match.start() : match.end()] if match else None
