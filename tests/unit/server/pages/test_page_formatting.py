"""Dates, times and durations on the pages: the reader's zone, written as a person would."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from server.pages.templates import clock, day, duration, local_date, local_time, slot, span

LA = "America/Los_Angeles"
# 23:00 UTC on 8 Dec is 3:00 pm in Los Angeles, and already 9 Dec in Tokyo.
THREE_PM_LA = datetime(2026, 12, 8, 23, 0, tzinfo=UTC)
END = datetime(2026, 12, 8, 23, 45, tzinfo=UTC)


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        (LA, "Tue 8 Dec 2026, 3:00 pm"),
        ("Asia/Tokyo", "Wed 9 Dec 2026, 8:00 am"),
        ("UTC", "Tue 8 Dec 2026, 11:00 pm"),
        ("Not/AZone", "Tue 8 Dec 2026, 11:00 pm"),  # an unknown zone reads as UTC, not a 500
    ],
)
def test_local_time_is_in_the_readers_zone(tz: str, expected: str) -> None:
    assert local_time(THREE_PM_LA, tz) == expected


def test_day_clock_span_and_slot() -> None:
    assert day(THREE_PM_LA, LA) == "Tue 8 Dec"
    assert day(date(2031, 3, 5)) == "Wed 5 Mar"
    assert clock(THREE_PM_LA, LA) == "3:00 pm"
    assert span(THREE_PM_LA, END, LA) == "3:00-3:45 pm"
    assert slot(THREE_PM_LA, END, LA) == "Tue 8 Dec 2026, 3:00-3:45 pm"
    morning = datetime(2026, 12, 8, 19, 30, tzinfo=UTC)  # 11:30 am in LA
    assert span(morning, THREE_PM_LA, LA) == "11:30 am-3:00 pm"


def test_missing_values_render_as_nothing() -> None:
    assert local_time(None) == day(None) == clock(None) == duration(None) == ""
    assert span(None, None) == ""
    assert local_date(None) is None


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [(5, "5 min"), (45, "45 min"), (60, "1 hr"), (90, "1 hr 30 min"), (480, "8 hr"), (0, "")],
)
def test_durations_read_in_hours_and_minutes(minutes: int, expected: str) -> None:
    assert duration(minutes) == expected


def test_local_date_is_the_readers_day() -> None:
    assert local_date(THREE_PM_LA, LA) == date(2026, 12, 8)
    assert local_date(THREE_PM_LA, "Asia/Tokyo") == date(2026, 12, 9)
