"""What every CRM procedure module shares: text, phone and tag fields, lookups, phone digits
(the inputs, ids and pages of every procedure are in assistant/procedures/types.py)."""

from __future__ import annotations

import re
from typing import Annotated, TypeVar

from pydantic import AfterValidator, Field, StringConstraints
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.errors import NotFound

M = TypeVar("M", bound=SQLModel)

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]
Phone = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=7, max_length=40, pattern=r"^\+?[0-9 ().\-/]{7,40}$"
    ),
]


def normalise_tag(tag: str) -> str:
    """Tags compare case- and space-insensitively: "New Client" is "new-client"."""
    cleaned = re.sub(r"[\s_]+", "-", tag.strip().lower()).strip("-")
    if not cleaned or not re.fullmatch(r"[\w\-]{1,50}", cleaned):
        raise ValueError("a tag is 1-50 letters, digits, spaces or dashes")
    return cleaned


TagName = Annotated[str, Field(min_length=1, max_length=50), AfterValidator(normalise_tag)]
"""A tag as typed, normalised on input: one that cannot be a tag is a 422 naming the field."""


def phone_digits(phone: str | None) -> str | None:
    if not phone:
        return None
    return re.sub(r"\D", "", phone) or None


async def get_or_404(session: AsyncSession, model: type[M], record_id: int, what: str) -> M:
    row = await session.get(model, record_id)
    if row is None:
        raise NotFound(
            f"{what} {record_id} not found", fields={f"{what.replace(' ', '_')}_id": "not found"}
        )
    return row
