"""What every CRM procedure module shares: strict inputs, pages, lookups, phone digits."""

from __future__ import annotations

import re
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import func
from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.errors import NotFound

T = TypeVar("T")
M = TypeVar("M", bound=SQLModel)

Id = Annotated[int, Field(ge=1, le=2**53, description="A record id.")]
Limit = Annotated[int, Field(ge=1, le=200, description="Page size.")]
Offset = Annotated[int, Field(ge=0, le=1_000_000, description="Rows to skip.")]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]
Phone = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=7, max_length=40, pattern=r"^\+?[0-9 ().\-/]{7,40}$"
    ),
]


class Input(BaseModel):
    """Procedure inputs refuse unknown fields, so a typo is a 422 naming it, not a no-op."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ListInput(Input):
    limit: Limit = 50
    offset: Offset = 0


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int


class Deleted(BaseModel):
    id: int
    deleted: bool = True


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


async def paginate(
    session: AsyncSession, query: Any, limit: int, offset: int
) -> tuple[list[Any], int]:
    total = (
        await session.exec(select(func.count()).select_from(query.order_by(None).subquery()))
    ).one()
    rows = (await session.exec(query.limit(limit).offset(offset))).all()
    return list(rows), int(total)
