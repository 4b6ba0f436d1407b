"""What the co-pilot can do for one role: "what can you do?" answered from the registry.

Each procedure's own examples (declared once with it) filtered by the caller's role, so a
front_desk user is never offered a note command they may not run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import zip_longest

from assistant.db.models import Role
from assistant.procedures.registry import Registry

_ASKS = re.compile(
    r"^\s*(?:hi|hello|hey)?[\s,!]*(?:help|what (?:can|could) (?:you|i) (?:do|ask)"
    r"(?: (?:for me|here|you))?|what do you do|how do i use (?:you|this))\s*[?!.]*\s*$",
    re.IGNORECASE,
)


def asks(text: str) -> bool:
    """The user asks what the co-pilot can do ("what can you do?", "help")."""
    return bool(_ASKS.match(text))


@dataclass(frozen=True, slots=True)
class Capability:
    name: str
    summary: str
    examples: tuple[str, ...]


def for_role(registry: Registry, role: Role) -> list[Capability]:
    """The procedures this role may run that declare examples, grouped by resource."""
    found = [
        Capability(p.name, p.summary, p.examples)
        for p in registry
        if role in p.roles and p.examples
    ]
    return sorted(found, key=lambda c: c.name)


def starters(registry: Registry, role: Role, count: int = 6) -> list[str]:
    """A few examples to start from, spread over the kinds of record (one each first)."""
    by_resource: dict[str, list[str]] = {}
    for c in for_role(registry, role):
        by_resource.setdefault(c.name.split(".", 1)[0], []).append(c.examples[0])
    rounds = zip_longest(*by_resource.values())
    return [e for row in rounds for e in row if e is not None][:count]


def reply(registry: Registry, role: Role) -> str:
    """A Markdown list: what to ask, with one example each."""
    lines = [f"As {role.value.replace('_', ' ')}, you can ask me to:"]
    lines += [f'- {c.summary}, e.g. "{c.examples[0]}"' for c in for_role(registry, role)]
    return "\n".join(lines)
