"""Model output as HTML: Markdown rendered by markdown-it-py, then sanitised by nh3.

Two locks, not one: markdown-it never passes raw HTML through (`html: False`, so `<script>`
arrives as text) and refuses `javascript:` links itself; nh3 (ammonia) then keeps only the
tags and attributes a chat reply needs, whatever the renderer produced. Templates mark only
this function's output safe, never raw text.
"""

from __future__ import annotations

from functools import cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
    "del", "s",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


@cache
def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
        ["table", "strikethrough"]
    )


def render(text: str) -> Markup:
    """Sanitised HTML for a reply; links open as plain, non-referring, nofollow links."""
    html = _renderer().render(text)
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return Markup(clean)  # sanitised just above: the one place output is trusted
