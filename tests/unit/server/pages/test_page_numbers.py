"""The paging every page list shares: rows asked for, and the pager's numbers and links."""

from __future__ import annotations

import pytest

from server.pages.paging import MAX_PAGE, PageNo


@pytest.mark.parametrize(("asked", "number"), [(1, 1), (3, 3), (0, 1), (-5, 1), (10**12, MAX_PAGE)])
def test_page_numbers_are_bounded(asked: int, number: int) -> None:
    assert PageNo.of(asked, 25).number == number


def test_limit_and_offset() -> None:
    at = PageNo.of(3, 25)
    assert (at.limit, at.offset) == (25, 50)


def test_context_counts_pages_and_keeps_the_filters() -> None:
    context = PageNo.of(2, 25).context(51, "/tasks", scope="mine", contact_id=7, status="")
    assert context == {
        "page_no": 2,
        "pages": 3,
        "total": 51,
        "page_base": "/tasks?scope=mine&contact_id=7&",
    }
    assert PageNo.of(1, 25).context(0, "/tasks")["pages"] == 1  # an empty list is one page
    assert PageNo.of(1, 25).context(0, "/tasks")["page_base"] == "/tasks?"
    escaped = PageNo.of(1, 25).context(1, "/contacts", q="a&b=c")["page_base"]
    assert escaped == "/contacts?q=a%26b%3Dc&"
