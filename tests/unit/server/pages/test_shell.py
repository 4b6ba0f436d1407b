"""Where a page may send the browser next: only back onto this site."""

from __future__ import annotations

import pytest

from server.pages.shell import safe_next


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/contacts/7", "/contacts/7"),
        ("/contacts?q=Jane&tag=vip", "/contacts?q=Jane&tag=vip"),
        ("", "/contacts"),
        (None, "/contacts"),
        ("//evil.example.com/x", "/contacts"),
        ("https://evil.example.com/", "/contacts"),
        ("javascript:alert(1)", "/contacts"),
        ("/\\evil.example.com", "/contacts"),
        ("contacts", "/contacts"),
    ],
)
def test_next_is_a_path_on_this_site_or_the_contacts(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected
