"""What the administration procedures declare themselves with."""

from __future__ import annotations

from assistant.db.models import Role
from assistant.procedures.registry import procedure

__all__ = ["OWNER", "procedure"]
OWNER = frozenset({Role.owner})
