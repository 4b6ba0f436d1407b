"""The one `limit`/`offset` pair every list endpoint takes, bounded so that a huge number is a
422 naming the parameter rather than a database error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar.di import NamedDependency, Provide
from litestar.params import Parameter

MAX_LIMIT = 200
MAX_OFFSET = 1_000_000_000
"""Far past any clinic's rows, well inside every database's integer."""


@dataclass(frozen=True, slots=True)
class Paging:
    limit: int
    offset: int


def provide_paging(
    limit: Annotated[int, Parameter(ge=1, le=MAX_LIMIT, description="Items per page.")] = 50,
    offset: Annotated[int, Parameter(ge=0, le=MAX_OFFSET, description="Items to skip.")] = 0,
) -> Paging:
    return Paging(limit, offset)


PAGING = Provide(provide_paging, sync_to_thread=False)
PagingDep = NamedDependency[Paging]
