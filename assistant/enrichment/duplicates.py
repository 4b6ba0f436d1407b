"""Likely duplicates, offered as merge suggestions: never merged without an approval."""

from __future__ import annotations

from typing import Any, ClassVar

from rapidfuzz import fuzz
from sqlmodel import col, select

from assistant.db.models import Contact
from assistant.enrichment.base import EnrichContext, enricher

NAME_THRESHOLD = 85.0


def _full(first: str, last: str) -> str:
    return f"{first} {last}".strip().lower()


@enricher
class DuplicateEnricher:
    name: ClassVar[str] = "duplicates"

    def available(self, ctx: EnrichContext) -> bool:
        return True

    async def enrich(self, contact: Contact, ctx: EnrichContext) -> dict[str, Any]:
        query: Any = select(  # type: ignore[call-overload]  # five columns: past the typed overloads
            Contact.id, Contact.first_name, Contact.last_name, Contact.email, Contact.phone_digits
        ).where(col(Contact.id) != contact.id)
        rows = (await ctx.session.exec(query)).all()
        mine = _full(contact.first_name, contact.last_name)
        email = (contact.email or "").lower()
        phone = contact.phone_digits or ""
        suggestions = []
        for other_id, first, last, other_email, other_phone in rows:
            reasons, score = [], fuzz.token_sort_ratio(mine, _full(first, last))
            if score >= NAME_THRESHOLD:
                reasons.append("name")
            if email and other_email and email == other_email.lower():
                reasons.append("email")
            if len(phone) >= 7 and other_phone and phone[-10:] == other_phone[-10:]:
                reasons.append("phone")
            if reasons:
                suggestions.append(
                    {"contact_id": other_id, "name_score": round(score, 1), "reasons": reasons}
                )
        suggestions.sort(key=lambda s: (-len(s["reasons"]), -s["name_score"]))
        return {"candidates": suggestions[:5]} if suggestions else {}
