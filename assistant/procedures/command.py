"""How a procedure is said: the mentions (slots) a command names and the arguments they fill.

A procedure that can be asked for in words declares a `Command` with its `@procedure`. One
`Slot` per mention drives three things: reading it from the classifier's entities (`labels`,
plus exact `patterns` for what the NER misses), the LLM's mention-level tool schema, and
filling the procedure's input (assistant/commands/fill.py resolves each slot by its `kind`).
Mention names double as the keys of the parse's `args`: where a mention is a literal value
its name is the procedure's own argument name (body, starts_at, tag); references are named
for what they point at (contact, duplicate, note, task, appointment, draft).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, get_args

from pydantic import BaseModel

Kind = Literal[
    "contact", "text", "when", "range", "before", "birthdate", "duration", "tag", "tags",
    "choice", "email", "phone", "name", "flag", "status", "record", "day",
]  # fmt: skip
MINE = r"\b(?:my|me|mine|i|i'm|im)\b"


@dataclass(frozen=True, slots=True)
class Slot:
    name: str
    kind: Kind
    description: str
    target: tuple[str, ...] = ()
    """Procedure argument(s) it fills; empty for mentions only other slots read (a day)."""
    labels: tuple[str, ...] = ()
    """The classifier's entity labels it is read from, in order of preference."""
    required: bool = False
    question: str = ""
    option: str = ""
    """Kind-specific: the record kind, "needs_time" for bookings, "search" for free text,
    the value a `choice` takes when nothing said matches."""
    max_length: int = 80
    synonyms: tuple[tuple[str, str], ...] = ()
    """For a `choice`: (pattern, value) pairs read from what was said, first match wins."""


@dataclass(frozen=True, slots=True)
class Command:
    slots: tuple[Slot, ...]
    patterns: tuple[re.Pattern[str], ...] = ()
    """Fallbacks for slots the entities left empty: named groups are slot names."""
    overrides: tuple[re.Pattern[str], ...] = ()
    """Patterns more reliable than the NER for this procedure: they win when they match."""
    defaults: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    finish: str = ""
    """A last step of filling, by name (assistant/commands/fill.py's FINISHERS): "task"
    assigns the caller and finds a client named in the title."""

    def slot(self, name: str) -> Slot | None:
        return next((s for s in self.slots if s.name == name), None)

    @property
    def labels(self) -> frozenset[str]:
        """Every entity label an argument of this command is read from."""
        return frozenset(label for slot in self.slots for label in slot.labels)


def pattern(text: str) -> re.Pattern[str]:
    """A case-insensitive pattern: the form every command pattern takes."""
    return re.compile(text, re.IGNORECASE)


def contact(
    question: str,
    *,
    required: bool = True,
    name: str = "contact",
    labels: tuple[str, ...] = ("CONTACT", "EMAIL", "PHONE"),
) -> Slot:
    """The client a command is about (or, named "duplicate", the one a merge removes)."""
    target = ("duplicate_id",) if name == "duplicate" else ("contact_id",)
    labels = ("DUPLICATE",) if name == "duplicate" else labels
    return Slot(
        name, "contact", "the client: a name, e-mail or phone number as written",
        target, labels, required, question,
    )  # fmt: skip


def day(description: str = "the day it is on, as written (e.g. 'Tuesday', 'March 3')") -> Slot:
    """A day that narrows which record is meant; it fills no argument itself."""
    return Slot("date", "day", description, (), ("DATE", "TIME"))


BODY_AFTER_COLON = pattern(r"[:\-\u2013]\s+(?P<body>.{2,})$")


def choices(model: type[BaseModel], argument: str) -> tuple[str, ...]:
    """The values a Literal argument of an input model allows (the one place they are written)."""
    annotation = model.model_fields[argument].annotation
    found: list[str] = []
    pending: list[Any] = [annotation]
    while pending:
        current = pending.pop(0)
        args = get_args(current)
        if not args:
            continue
        if all(isinstance(a, str) for a in args):
            found += [a for a in args if a not in found]
        else:
            pending += list(args)
    return tuple(found)
