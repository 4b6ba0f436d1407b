"""Dates and times as staff write them, in the user's timezone, across DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from assistant.commands.dates import (
    BadTimezone,
    local_datetime,
    merge_answer,
    parse_duration,
    parse_when,
    span_range,
    split_time,
)

# Saturday 8 March 2025, noon in New York; the US changes to summer time on Sunday 9 March.
NOW = datetime(2025, 3, 8, 17, 0, tzinfo=UTC)
NY = "America/New_York"


def at(text: str, tz: str = NY, now: datetime = NOW) -> str:
    when = parse_when(text, now, tz)
    assert when is not None and when.day is not None and when.at is not None, text
    return local_datetime(when.day, when.at, tz).isoformat()


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("today", date(2025, 3, 8)),
        ("tomorrow", date(2025, 3, 9)),
        ("tmrw", date(2025, 3, 9)),
        ("the day after tomorrow", date(2025, 3, 10)),
        ("friday", date(2025, 3, 14)),
        ("on Saturday", date(2025, 3, 8)),
        ("next Tuesday", date(2025, 3, 11)),
        ("next monday", date(2025, 3, 10)),
        ("in two weeks", date(2025, 3, 22)),
        ("in 3 days", date(2025, 3, 11)),
        ("a week from today", date(2025, 3, 15)),
        ("March 14", date(2025, 3, 14)),
        ("15 June", date(2025, 6, 15)),
        ("the 14th", date(2025, 3, 14)),
    ],
)
def test_day_phrases_resolve_relative_to_now(text: str, day: date) -> None:
    when = parse_when(text, NOW, NY)
    assert when is not None and when.day == day


def test_next_weekday_means_the_one_in_next_week() -> None:
    monday = datetime(2025, 3, 10, 15, 0, tzinfo=UTC)
    assert parse_when("next Tuesday", monday, NY).day == date(2025, 3, 18)  # type: ignore[union-attr]
    assert parse_when("tuesday", monday, NY).day == date(2025, 3, 11)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("next Tuesday at 3pm", "2025-03-11T15:00:00-04:00"),
        ("friday 10:30", "2025-03-14T10:30:00-04:00"),
        ("tomorrow at noon", "2025-03-09T12:00:00-04:00"),
        ("today at 9am", "2025-03-08T09:00:00-05:00"),
        ("tuesday at 3", "2025-03-11T15:00:00-04:00"),
        ("March 14 at 2:15pm", "2025-03-14T14:15:00-04:00"),
    ],
)
def test_date_and_time_become_iso_with_the_local_offset(text: str, expected: str) -> None:
    assert at(text) == expected


@pytest.mark.parametrize(
    ("tz", "now", "expected"),
    [
        # the day before spring-forward: 9:00 is still 9:00 local, with the new offset
        (NY, datetime(2025, 3, 8, 17, 0, tzinfo=UTC), "2025-03-09T09:00:00-04:00"),
        ("Europe/London", datetime(2025, 3, 29, 12, 0, tzinfo=UTC), "2025-03-30T09:00:00+01:00"),
        # the day before fall-back
        (NY, datetime(2025, 11, 1, 16, 0, tzinfo=UTC), "2025-11-02T09:00:00-05:00"),
        ("Europe/London", datetime(2025, 10, 25, 12, 0, tzinfo=UTC), "2025-10-26T09:00:00+00:00"),
        # late evening UTC is already tomorrow in Sydney
        ("Australia/Sydney", datetime(2025, 3, 8, 20, 0, tzinfo=UTC), "2025-03-10T09:00:00+11:00"),
    ],
)
def test_tomorrow_at_9am_across_dst(tz: str, now: datetime, expected: str) -> None:
    assert at("tomorrow at 9am", tz, now) == expected


def test_a_time_skipped_by_dst_moves_forward() -> None:
    assert local_datetime(date(2025, 3, 9), time(2, 30), NY).isoformat() == (
        "2025-03-09T03:30:00-04:00"
    )


def test_a_day_range_covers_the_local_day_even_when_it_is_23_hours() -> None:
    when = parse_when("tomorrow", NOW, NY)
    assert when is not None
    start, end = span_range(when, NY)
    assert (start.isoformat(), end.isoformat()) == (
        "2025-03-09T00:00:00-05:00",
        "2025-03-10T00:00:00-04:00",
    )
    assert (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() == 23 * 3600


def test_next_week_is_monday_to_monday() -> None:
    when = parse_when("next week", NOW, NY)
    assert when is not None and when.span == "week"
    start, end = span_range(when, NY)
    assert (start.date(), end.date()) == (date(2025, 3, 10), date(2025, 3, 17))


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("45 minutes", 45), ("an hour", 60), ("90 min", 90), ("half an hour", 30), ("1.5 hours", 90)],
)
def test_durations_in_minutes(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


def test_unreadable_phrases_are_none() -> None:
    assert parse_when("blurgh", NOW, NY) is None
    assert split_time("friday") == ("friday", None)


def test_a_bare_time_answer_keeps_the_day_said_before() -> None:
    assert merge_answer("next Tuesday", "3pm", NOW, NY) == "next Tuesday at 3pm"
    assert merge_answer("next Tuesday", "friday at 2pm", NOW, NY) == "friday at 2pm"


def test_birth_dates_prefer_the_past() -> None:
    when = parse_when("June 2 1975", NOW, NY, past=True)
    assert when is not None and when.day == date(1975, 6, 2)


def test_unknown_timezone_is_a_clear_error() -> None:
    with pytest.raises(BadTimezone, match="Mars/Olympus"):
        parse_when("tomorrow", NOW, "Mars/Olympus")
