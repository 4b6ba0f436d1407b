"""The Jinja environment: web/templates, autoescaped, with the few filters the pages use."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from assistant.when import Clock, zone
from web import TEMPLATES


def local_time(value: datetime | None, tz: str = "UTC") -> str:
    """`Tue 8 Dec 2026, 3:00 pm` in the reader's time zone."""
    if value is None:
        return ""
    clock = Clock.of(tz)
    return f"{clock.day(value)} {clock.local(value).year}, {clock.time(value)}"


def day(value: datetime | date | None, tz: str = "UTC") -> str:
    """`Tue 8 Dec` (a datetime in the reader's zone; a date as it is)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return Clock.of(tz).day(value)
    return f"{value:%a} {value.day} {value:%b}"


def clock(value: datetime | None, tz: str = "UTC") -> str:
    """`3:00 pm` in the reader's zone."""
    return "" if value is None else Clock.of(tz).time(value)


def span(start: datetime | None, end: datetime | None, tz: str = "UTC") -> str:
    """`3:00-3:45 pm`, the day only when it spans midnight."""
    if start is None or end is None:
        return clock(start, tz)
    return Clock.of(tz).span(start, end)


def slot(start: datetime, end: datetime, tz: str = "UTC") -> str:
    """`Tue 8 Dec 2026, 3:00-3:45 pm`: an appointment anywhere in time."""
    clock = Clock.of(tz)
    return f"{clock.day(start)} {clock.local(start).year}, {clock.span(start, end)}"


def duration(minutes: int | None) -> str:
    """`45 min`, `1 hr`, `1 hr 30 min`."""
    if not minutes:
        return ""
    hours, rest = divmod(int(minutes), 60)
    parts = ([f"{hours} hr"] if hours else []) + ([f"{rest} min"] if rest else [])
    return " ".join(parts)


def local_date(value: datetime | None, tz: str = "UTC") -> date | None:
    """The day a moment falls on for the reader (for `today`/`overdue` comparisons)."""
    return None if value is None else value.astimezone(zone(tz)).date()


def long_date(value: date | None) -> str:
    return "" if value is None else f"{value.day} {value:%B %Y}"


def iso(value: datetime | date | None) -> str:
    return "" if value is None else value.isoformat()


def words(name: str) -> str:
    """`line_type` -> `line type`, `contacts.delete` -> `contacts delete`."""
    return name.replace("_", " ").replace(".", " ")


FILTERS: dict[str, Any] = {
    "local_time": local_time,
    "day": day,
    "clock": clock,
    "span": span,
    "slot": slot,
    "duration": duration,
    "local_date": local_date,
    "long_date": long_date,
    "iso": iso,
    "words": words,
}


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,  # every untrusted value is escaped unless a template says otherwise
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(FILTERS)
    return TemplateConfig(instance=JinjaTemplateEngine(engine_instance=environment))
