"""Where the user is when they speak: the page, and the contact being viewed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class PageContext:
    """An unnamed client ("add a note: ...") is the contact being viewed."""

    page: str = ""
    contact_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"page": self.page, "contact_id": self.contact_id}
