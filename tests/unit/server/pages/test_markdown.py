"""Model output rendered as Markdown and sanitised: formatting kept, anything active gone."""

from __future__ import annotations

import re

import pytest

from server.pages.markdown import render


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("**bold** and *soft*", "<p><strong>bold</strong> and <em>soft</em></p>"),
        ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
        ("`code`", "<code>code</code>"),
        ("[site](https://example.com)",
         '<a href="https://example.com" rel="noopener noreferrer nofollow">site</a>'),
        ("| a |\n|---|\n| 1 |", "<td>1</td>"),
    ],
)  # fmt: skip
def test_formatting_survives(text: str, kept: str) -> None:
    assert kept in render(text)


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "<!-- hidden -->",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src=https://evil.example></iframe>",
        '<p style="background:url(x)" onclick="alert(1)">x</p>',
        "![pixel](https://tracker.example/p.gif)",
    ],
)
def test_nothing_active_or_hidden_gets_through(text: str) -> None:
    html = str(render(text))
    tags = " ".join(re.findall(r"<[^>]*>", html))  # real tags; escaped text has no "<"
    assert not re.search(r"<(script|img|iframe|style)\b", tags, re.IGNORECASE)
    assert not re.search(r"\s(on\w+|style)=", tags)
    assert not re.search(r'href="(?!https?:|mailto:)', tags)
    assert "<!--" not in html
