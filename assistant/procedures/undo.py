"""How a procedure declares its inverse (`undo=` on `@procedure`).

A `Reversal` says what the undo store keeps of a call and how to revert it: `before` reads
the state the call will change (previous values), `keep` turns the call, its output and that
state into the JSON the store keeps (encrypted, for the undo window), `check` names a later
change the undo would overwrite (or None), and `revert` puts the records back, through other
procedures where one exists (`ctx.call("tasks.delete", ...)`), so each step is role-checked
and audited. `Irreversible` says why a call can never be undone (an e-mail already sent).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    from assistant.procedures.context import CallContext

Kept = dict[str, Any]


@dataclass(frozen=True)
class Reversal:
    keep: Callable[[Any, Any, Any], Kept | None]
    """(arguments, output, what `before` read) -> the undo store's JSON; None: the call
    changed nothing, so there is nothing to undo."""
    revert: Callable[[CallContext, Kept], Awaitable[None]]
    check: Callable[[CallContext, Kept], Awaitable[str | None]] | None = None
    """Why reverting now would overwrite a later change (or find nothing to revert)."""
    before: Callable[[CallContext, Any], Awaitable[Any]] | None = None
    says: str = "reverted it"
    """What the undo did, as the chat and the cards say it ("removed the note")."""


@dataclass(frozen=True)
class Irreversible:
    reason: str
    """What the user is told: "an e-mail that was sent cannot be unsent"."""


Undo = Reversal | Irreversible


class UndoState(BaseModel):
    """Whether a call that ran can be undone now, as events, the API and the cards say it."""

    available: bool
    until: datetime | None = None
    reason: str | None = None


def changed_since(kept_row: dict[str, Any], now: BaseModel) -> list[str]:
    """The fields of a record that differ from the copy an action kept of it, compared as
    values, not as JSON: a time kept as the caller wrote it (14:00-08:00) is the same time
    the database reads back (22:00Z)."""
    before = type(now).model_validate(kept_row)
    return sorted(k for k in kept_row if getattr(before, k, None) != getattr(now, k, None))


def cannot_undo(name: str, undo: Undo | None) -> str | None:
    """Why a run of this procedure can never be undone; None when it declares an inverse."""
    if isinstance(undo, Irreversible):
        return undo.reason
    if undo is None:
        return "there is no undo for this kind of change"
    return None
