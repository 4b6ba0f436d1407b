"""Dates and times typed into a page, read in the user's time zone; the days a calendar shows."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from assistant.when import zone
from server.pages.forms import FormError

END_OF_DAY = time(17, 0)
"""A task due on a day with no time is due at the end of the working day."""


def read_date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise FormError(
            "enter a real date", fields={field: "Enter a real date, like 2026-12-08"}
        ) from None


def read_time(text: str, field: str) -> time:
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise FormError(
            "enter a real time", fields={field: "Enter a real time, like 15:00"}
        ) from None


def moment(day: date, at: time, tz: str) -> datetime:
    """The instant `day` at `at` on the user's wall clock (a clock change picks the first)."""
    return datetime.combine(day, at, tzinfo=zone(tz))


def due_moment(day_text: str, time_text: str, tz: str) -> datetime | None:
    """A task's due date and optional time; a time without a day is an error on the day."""
    if not day_text.strip():
        if time_text.strip():
            raise FormError("enter the date", fields={"due_date": "Enter the date it is due"})
        return None
    day = read_date(day_text, "due_date")
    at = read_time(time_text, "due_time") if time_text.strip() else END_OF_DAY
    return moment(day, at, tz)


def today(now: datetime, tz: str) -> date:
    return now.astimezone(zone(tz)).date()


def day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    """From the user's midnight to the next (23 or 25 hours on a clock change)."""
    return moment(day, time(0), tz), moment(day + timedelta(days=1), time(0), tz)


def week_of(day: date) -> list[date]:
    """Monday to Sunday of the week `day` is in."""
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=n) for n in range(7)]


def parse_day(text: str, fallback: date) -> date:
    """A day from a URL (`?date=2026-12-08`); anything else is the fallback, not an error."""
    try:
        return date.fromisoformat(text.strip()) if text.strip() else fallback
    except ValueError:
        return fallback
