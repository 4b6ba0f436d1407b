"""What a model call is for, and whom: set by the caller, read by the hosted router.

The inference layer knows nothing of users or purposes, so callers (a chat turn, the parser's
tool-calling path, the draft job, the summary enricher) wrap their model call in `call_scope`.
The router writes back what happened (which provider answered, how many values it masked).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Literal

Purpose = Literal["chat", "tools", "draft", "summary"]


@dataclass(slots=True)
class CallScope:
    """`clinical`: note texts the prompt holds (withheld from hosted providers unless allowed);
    `notes_only`: the whole request is about notes (a profile summary)."""

    purpose: Purpose = "chat"
    user_id: int | None = None
    clinical: Sequence[str] = ()
    notes_only: bool = False
    provider: str | None = None
    model: str | None = None
    masked: int = 0
    withheld: int = 0
    extra: dict[str, object] = field(default_factory=dict)


_SCOPE: ContextVar[CallScope | None] = ContextVar("assistant_remote_scope", default=None)


def current() -> CallScope:
    return _SCOPE.get() or CallScope()


@contextlib.contextmanager
def call_scope(
    purpose: Purpose,
    user_id: int | None = None,
    *,
    clinical: Sequence[str] = (),
    notes_only: bool = False,
) -> Iterator[CallScope]:
    scope = CallScope(purpose, user_id, tuple(clinical), notes_only)
    token = _SCOPE.set(scope)
    try:
        yield scope
    finally:
        _SCOPE.reset(token)
