"""Paging for every list on a page: which rows a page number asks for, and what the pager
macro (`_macros.html: pager`) needs to show "Page 2 of 5" with its links."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

MAX_PAGE = 10_000
"""Far past any clinic's list; a bigger number is read as the last sensible page."""


@dataclass(frozen=True, slots=True)
class PageNo:
    number: int
    size: int

    @classmethod
    def of(cls, number: int, size: int) -> PageNo:
        return cls(min(max(number, 1), MAX_PAGE), size)

    @property
    def limit(self) -> int:
        return self.size

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def context(self, total: int, path: str, **query: Any) -> dict[str, Any]:
        """`page_no`, `pages`, `total` and `page_base` (the list's URL with its filters, ready
        for `page=N`), for the pager macro."""
        kept = {k: v for k, v in query.items() if v not in (None, "", False)}
        base = f"{path}?{urlencode(kept)}&" if kept else f"{path}?"
        return {
            "page_no": self.number,
            "pages": max(1, -(-total // self.size)),
            "total": total,
            "page_base": base,
        }
