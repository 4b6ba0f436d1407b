"""Dates and times typed into page forms, read in the user's zone; the days a calendar shows."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from server.pages.forms import FormError
from server.pages.moments import (
    day_bounds,
    due_moment,
    moment,
    parse_day,
    read_date,
    read_time,
    today,
    week_of,
)

LA = "America/Los_Angeles"


def test_a_due_day_and_time_are_the_users_wall_clock() -> None:
    due = due_moment("2026-12-08", "15:00", LA)
    assert due == datetime(2026, 12, 8, 23, 0, tzinfo=UTC)


def test_a_due_day_without_a_time_is_the_end_of_the_working_day() -> None:
    due = due_moment("2026-12-08", "", LA)
    assert due is not None and due.astimezone(UTC) == datetime(2026, 12, 9, 1, 0, tzinfo=UTC)


def test_no_due_day_is_no_due_date() -> None:
    assert due_moment("", "", LA) is None


@pytest.mark.parametrize(
    ("day", "at", "field", "message"),
    [
        ("", "15:00", "due_date", "Enter the date it is due"),
        ("2026-02-30", "", "due_date", "Enter a real date, like 2026-12-08"),
        ("2026-12-08", "25:00", "due_time", "Enter a real time, like 15:00"),
    ],
)
def test_bad_dates_are_errors_on_their_field_in_words(
    day: str, at: str, field: str, message: str
) -> None:
    with pytest.raises(FormError) as caught:
        due_moment(day, at, LA)
    assert caught.value.fields == {field: message}


def test_read_date_and_time_name_the_field() -> None:
    assert read_date(" 2031-03-05 ", "date") == date(2031, 3, 5)
    assert read_time("14:30", "time") == time(14, 30)
    with pytest.raises(FormError) as caught:
        read_time("half past", "time")
    assert set(caught.value.fields or {}) == {"time"}


def hours(bounds: tuple[datetime, datetime]) -> timedelta:
    start, end = bounds
    return end.astimezone(UTC) - start.astimezone(UTC)  # instants, not wall clocks


def test_a_day_on_a_clock_change_has_its_real_length() -> None:
    assert hours(day_bounds(date(2031, 3, 9), LA)) == timedelta(hours=23)  # clocks go forward
    assert hours(day_bounds(date(2031, 11, 2), LA)) == timedelta(hours=25)  # and back
    start, _ = day_bounds(date(2031, 11, 2), LA)
    assert start == moment(date(2031, 11, 2), time(0), LA)


def test_a_week_runs_monday_to_sunday() -> None:
    days = week_of(date(2031, 3, 6))  # a Thursday
    assert days[0] == date(2031, 3, 3) and days[-1] == date(2031, 3, 9) and len(days) == 7


def test_today_is_the_users_day_and_a_bad_url_date_falls_back() -> None:
    late = datetime(2026, 12, 9, 3, 0, tzinfo=UTC)  # still 8 Dec in Los Angeles
    assert today(late, LA) == date(2026, 12, 8)
    assert parse_day("2031-03-05", date(2000, 1, 1)) == date(2031, 3, 5)
    assert parse_day("next tuesday", date(2000, 1, 1)) == date(2000, 1, 1)
    assert parse_day("", date(2000, 1, 1)) == date(2000, 1, 1)
