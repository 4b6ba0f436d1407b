"""Where a page may send the browser next: only back onto this site."""

from __future__ import annotations

import pytest

from server.pages.shell import safe_next


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/contacts/7", "/contacts/7"),
        ("/contacts?q=Jane&tag=vip", "/contacts?q=Jane&tag=vip"),
        ("", "/"),
        (None, "/"),
        ("//evil.example.com/x", "/"),
        ("https://evil.example.com/", "/"),
        ("javascript:alert(1)", "/"),
        ("/\\evil.example.com", "/"),
        ("contacts", "/"),
    ],
)
def test_next_is_a_path_on_this_site_or_home(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected
