"""What every procedure module shares, whatever its package: strict inputs, ids, pages."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

T = TypeVar("T")

MAX_ID = 2**31 - 1
"""The largest record id: every key is an INTEGER column, and PostgreSQL's is 32 bits (a larger
number used to reach the query and fail there, a 500; bounded here it is a 422 naming the field)."""

Id = Annotated[int, Field(ge=1, le=MAX_ID, description="A record id.")]
Limit = Annotated[int, Field(ge=1, le=200, description="Page size.")]
Offset = Annotated[int, Field(ge=0, le=1_000_000, description="Rows to skip.")]


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


async def paginate(
    session: AsyncSession, query: Any, limit: int, offset: int
) -> tuple[list[Any], int]:
    total = (
        await session.exec(select(func.count()).select_from(query.order_by(None).subquery()))
    ).one()
    rows = (await session.exec(query.limit(limit).offset(offset))).all()
    return list(rows), int(total)
