"""Dates and times as a person writes them, in the user's time zone and locale.

"Tue 8 Dec, 3:00-3:45 pm" (or "Tue, Dec 8" where the month comes first, "15:00-15:45" where
the clock has 24 hours). A small table of locales instead of a full CLDR library: the replies
only ever need a weekday, a day, a month and a clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Regions that write the month before the day ("Tue, Dec 8").
MONTH_FIRST = frozenset({"US", "CA", "PH", "FM", "MH", "PW"})
# Languages and regions whose everyday clock has am/pm; everyone else uses 24 hours.
TWELVE_HOUR_LANGUAGES = frozenset({"en", "hi", "bn", "ur", "ar", "ko", "tl", "fil"})
TWENTY_FOUR_HOUR_REGIONS = frozenset({"IE", "ZA", "NG", "KE", "SG", "MT", "BE", "CH"})
DEFAULT_LOCALE = "en-GB"


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@dataclass(frozen=True, slots=True)
class Clock:
    """How one user reads dates: their zone, month-first or day-first, 12- or 24-hour."""

    tz: ZoneInfo
    month_first: bool = False
    twelve_hour: bool = True

    @classmethod
    def of(cls, timezone: str, locale: str = "") -> Clock:
        language, _, region = (locale or DEFAULT_LOCALE).replace("_", "-").partition("-")
        region = region.split("-")[-1].upper()
        language = language.lower()
        twelve = language in TWELVE_HOUR_LANGUAGES and region not in TWENTY_FOUR_HOUR_REGIONS
        return cls(zone(timezone), region in MONTH_FIRST, twelve)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def day(self, moment: datetime) -> str:
        """ "Tue 8 Dec" or "Tue, Dec 8"."""
        at = self.local(moment)
        if self.month_first:
            return f"{at:%a}, {at:%b} {at.day}"
        return f"{at:%a} {at.day} {at:%b}"

    def date(self, day: date) -> str:
        """A calendar date with its year, no weekday: "4 Mar 1985" or "Mar 4, 1985"."""
        if self.month_first:
            return f"{day:%b} {day.day}, {day.year}"
        return f"{day.day} {day:%b} {day.year}"

    def _clock(self, at: datetime, with_half: bool = True) -> tuple[str, str]:
        if not self.twelve_hour:
            return f"{at:%H:%M}", ""
        hour = at.hour % 12 or 12
        return f"{hour}:{at:%M}", ("am" if at.hour < 12 else "pm") if with_half else ""

    def time(self, moment: datetime) -> str:
        """ "3:00 pm" or "15:00"."""
        clock, half = self._clock(self.local(moment))
        return f"{clock} {half}".strip()

    def span(self, start: datetime, end: datetime) -> str:
        """ "3:00-3:45 pm", "11:30 am-12:15 pm" or "15:00-15:45"; the day only once."""
        a, b = self.local(start), self.local(end)
        first, first_half = self._clock(a)
        last, last_half = self._clock(b)
        if a.date() != b.date():
            return f"{self.when(start)} - {self.when(end)}"
        if first_half == last_half:
            return f"{first}-{last} {last_half}".strip()
        return f"{first} {first_half}-{last} {last_half}"

    def when(self, moment: datetime) -> str:
        """ "Tue 8 Dec, 3:00 pm"."""
        return f"{self.day(moment)}, {self.time(moment)}"
