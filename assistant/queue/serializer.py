"""The queue's wire format: JSON, never pickle.

arq pickles job entries by default, and unpickling runs code: anyone who can write to Redis
could run code in the worker, which holds the encryption keys. Entries here carry ids and
plain values only, so JSON is enough; anything else in the queue is refused, not loaded.
"""

from __future__ import annotations

import json
from typing import Any


class RefusedPayload(ValueError):
    """A queue entry that is not our JSON (a pickle, say): it is never deserialised."""


def dumps(data: dict[str, Any]) -> bytes:
    return json.dumps(data, separators=(",", ":"), allow_nan=False, default=_refuse).encode()


def loads(raw: bytes) -> dict[str, Any]:
    if not raw.startswith(b"{"):
        raise RefusedPayload("queue entry is not JSON; refusing to load it")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RefusedPayload(f"queue entry is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise RefusedPayload("queue entry is not a JSON object")
    return data


def _refuse(value: object) -> Any:
    """A failed job's result is its exception: stored as its name and message."""
    if isinstance(value, BaseException):
        return f"{type(value).__name__}: {value}"
    raise TypeError(f"{type(value).__name__} does not go on the queue")


# What arq's ArqRedis and Worker take, in one place so the two sides cannot disagree.
ARQ_OPTIONS: dict[str, Any] = {"job_serializer": dumps, "job_deserializer": loads}
