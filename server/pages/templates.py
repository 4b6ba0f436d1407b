"""The Jinja environment: web/templates, autoescaped, with the few filters the pages use."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from web import TEMPLATES


def local_time(value: datetime | None, tz: str = "UTC") -> str:
    """`Tue 8 Dec 2026, 3:00 pm` in the reader's time zone."""
    if value is None:
        return ""
    when = value.astimezone(ZoneInfo(tz))
    clock = when.strftime("%I:%M %p").lstrip("0").lower()
    return f"{when:%a} {when.day} {when:%b %Y}, {clock}"


def long_date(value: date | None) -> str:
    return "" if value is None else f"{value.day} {value:%B %Y}"


def iso(value: datetime | date | None) -> str:
    return "" if value is None else value.isoformat()


def words(name: str) -> str:
    """`line_type` -> `line type`, `contacts.delete` -> `contacts delete`."""
    return name.replace("_", " ").replace(".", " ")


FILTERS: dict[str, Any] = {
    "local_time": local_time,
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
