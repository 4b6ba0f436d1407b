"""Where the user is when they speak: the page, and the contact being viewed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class PageContext:
    """An unnamed client ("add a note: ...") is the contact being viewed."""

    page: str = ""
    contact_id: int | None = None
    locale: str = ""
    """The browser's language tag ("en-US"): how replies write dates and times."""

    def as_dict(self) -> dict[str, Any]:
        return {"page": self.page, "contact_id": self.contact_id, "locale": self.locale}
