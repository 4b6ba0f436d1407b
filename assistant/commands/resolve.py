"""Contact mentions -> contact ids: exact e-mail/phone, exact names, then fuzzy names.

Staff type "Jon", "mrs nair", "sam lee's", "jane.doe@example.com" or "415 555 0132". An
e-mail or phone mention matches exactly after normalisation; a name matches exactly (full,
first or last name) before fuzzy matching (rapidfuzz) is tried, and several equally good
matches are an ambiguity to ask about, never a guess.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.db.models import Contact

FUZZY_MIN = 75.0
"""Lowest rapidfuzz score a fuzzy name match needs ("Jon"/"John" 86, "Omer"/"Omar" 75)."""
FUZZY_TIE = 6.0
"""Matches within this many points of the best are equally plausible: ask."""
_HONORIFICS = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "pt", "patient", "client"}
_PRONOUNS = {"her", "him", "them", "she", "he", "they", "this client", "this contact",
             "this patient", "the client", "the patient", "this person"}  # fmt: skip


def normalise_name(text: str) -> str:
    """Lower case, no accents, no honorifics, no possessive 's, no punctuation but - and '."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    folded = re.sub(r"['\u2019]s\b", "", folded)
    folded = re.sub(r"[^\w\s\-']", " ", folded)
    words = [w for w in folded.split() if w.strip("'-")]
    while words and words[0].rstrip(".") in _HONORIFICS:
        words = words[1:]
    return " ".join(words)


def digits_of(text: str) -> str:
    return re.sub(r"\D", "", text)


def is_pronoun(mention: str) -> bool:
    return mention.strip().lower() in _PRONOUNS


@dataclass(frozen=True, slots=True)
class ContactRow:
    id: int
    first_name: str
    last_name: str
    email: str | None
    phone_digits: str | None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def first(self) -> str:
        return normalise_name(self.first_name)

    @property
    def last(self) -> str:
        return normalise_name(self.last_name)

    @property
    def full(self) -> str:
        return normalise_name(self.name)


@dataclass(frozen=True, slots=True)
class Match:
    """The outcome of resolving one mention: one row, several (ask), or none."""

    rows: tuple[ContactRow, ...]

    @property
    def one(self) -> ContactRow | None:
        return self.rows[0] if len(self.rows) == 1 else None


class ContactDirectory:
    """A snapshot of the practice's contacts for one parse (a small practice: thousands)."""

    def __init__(self, rows: list[ContactRow]) -> None:
        self.rows = rows
        self._by_id = {row.id: row for row in rows}

    @classmethod
    async def load(cls, session: AsyncSession) -> ContactDirectory:
        # Only the columns matching needs: no clinical (encrypted) text is read.
        names = ("id", "first_name", "last_name", "email", "phone_digits")
        query = select(*(col(getattr(Contact, name)) for name in names))
        result = await session.exec(query)
        return cls([ContactRow(*row) for row in result.all() if row[0] is not None])

    def get(self, contact_id: int) -> ContactRow | None:
        return self._by_id.get(contact_id)

    def labels(self, rows: tuple[ContactRow, ...]) -> list[str]:
        """Names, with the e-mail where two candidates share a name."""
        names = [row.name for row in rows]
        return [
            f"{row.name} <{row.email}>" if names.count(row.name) > 1 and row.email else row.name
            for row in rows
        ]

    def resolve(self, mention: str) -> Match:
        text = mention.strip().strip("\"'")
        if "@" in text:
            email = text.lower()
            return Match(tuple(r for r in self.rows if (r.email or "").lower() == email))
        digits = digits_of(text)
        if len(digits) >= 7 and len(digits) >= len(re.sub(r"\W", "", text)) - 2:
            return Match(tuple(r for r in self.rows if _same_phone(r.phone_digits, digits)))
        name = normalise_name(text)
        if not name:
            return Match(())
        exact = tuple(r for r in self.rows if r.full == name)
        if exact:
            return Match(exact)
        if " " not in name:
            exact = tuple(r for r in self.rows if name in (r.first, r.last))
            if exact:
                return Match(exact)
        return Match(self._fuzzy(name))

    def _fuzzy(self, name: str) -> tuple[ContactRow, ...]:
        from rapidfuzz import fuzz

        scored: list[tuple[float, ContactRow]] = []
        for row in self.rows:
            if " " in name:
                score = fuzz.token_sort_ratio(name, row.full)
            else:
                score = max(fuzz.ratio(name, row.first), fuzz.ratio(name, row.last))
            if score >= FUZZY_MIN:
                scored.append((score, row))
        if not scored:
            return ()
        scored.sort(key=lambda pair: (-pair[0], pair[1].id))
        best = scored[0][0]
        return tuple(row for score, row in scored if score >= best - FUZZY_TIE)

    def named_in(self, text: str) -> ContactRow | None:
        """The one contact whose full name, or unique first name, a free text contains
        ("call Priya's insurer"): links a task to its client without asking."""
        words = f" {normalise_name(text)} "
        full = [r for r in self.rows if r.full and f" {r.full} " in words]
        if len(full) == 1:
            return full[0]
        if full:
            return None
        first = [r for r in self.rows if len(r.first) > 2 and f" {r.first} " in words]
        firsts = {r.first for r in first}
        if len(first) == 1 and sum(r.first in firsts for r in self.rows) == 1:
            return first[0]
        return None


def _same_phone(stored: str | None, digits: str) -> bool:
    """Equal digits, or equal national numbers when one side carries a country code."""
    if not stored:
        return False
    if stored == digits:
        return True
    shorter, longer = sorted((stored, digits), key=len)
    return len(shorter) >= 7 and longer.endswith(shorter) and len(longer) - len(shorter) <= 3
