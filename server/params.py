"""Request values every route reads the same way: record ids in paths, Last-Event-ID.

Python's ints have no limit but the database's do: an id past them used to reach the query
and fail there (a 500). Here it is a 422 that names the field (MAX_ID: the database's limit).
"""

from __future__ import annotations

from typing import Annotated

from litestar.params import PathParameter, QueryParameter

from assistant.errors import InvalidInput
from assistant.procedures.types import MAX_ID

PathId = Annotated[int, PathParameter(ge=1, le=MAX_ID, description=f"A record id, 1 to {MAX_ID}.")]
QueryId = Annotated[
    int | None, QueryParameter(ge=1, le=MAX_ID, description=f"A record id, 1 to {MAX_ID}.")
]


def event_id(raw: str | None, field: str = "Last-Event-ID") -> int | None:
    """An event id as sent by a reconnecting client; None when absent or empty."""
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(MAX_ID)):
        raise InvalidInput(
            f"{field} must be an event id (digits 0-9)", fields={field: "not an event id"}
        )
    value = int(raw)
    if value > MAX_ID:
        raise InvalidInput(f"{field} must be at most {MAX_ID}", fields={field: f"at most {MAX_ID}"})
    return value
