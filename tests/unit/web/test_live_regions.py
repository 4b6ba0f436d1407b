"""Every region a live event refreshes keeps only the newest refresh: an event that lands while
an earlier refresh is in flight replaces it (`hx-sync="this:replace"`). htmx's default queue
keeps the later request on the element, and an `outerHTML` swap then throws that element, and
the refresh showing the newest record, away."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[3] / "web" / "templates"
TAG = re.compile(r"<[a-z]+\s[^>]*hx-trigger=\"[^\"]*from:body[^\"]*\"[^>]*>", re.S)


def live_regions() -> list[tuple[str, str]]:
    return [
        (str(path.relative_to(TEMPLATES)), tag)
        for path in sorted(TEMPLATES.rglob("*.html"))
        for tag in TAG.findall(path.read_text())
    ]


def test_the_templates_have_live_regions() -> None:
    assert len(live_regions()) >= 10


def test_every_live_region_replaces_an_earlier_refresh() -> None:
    unsynced = [name for name, tag in live_regions() if 'hx-sync="this:replace"' not in tag]
    assert unsynced == []
