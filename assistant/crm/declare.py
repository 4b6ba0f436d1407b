"""What a CRM module declares its procedures with: `@procedure` and the command vocabulary."""

from __future__ import annotations

from assistant.procedures.command import (
    BODY_AFTER_COLON,
    MINE,
    Command,
    Slot,
    contact,
    day,
    pattern,
)
from assistant.procedures.registry import EditField, procedure

__all__ = [
    "BODY_AFTER_COLON",
    "MINE",
    "Command",
    "EditField",
    "Slot",
    "contact",
    "day",
    "pattern",
    "procedure",
]
