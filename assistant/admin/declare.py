"""The registry the administration procedures declare themselves on."""

from __future__ import annotations

from assistant.db.models import Role
from assistant.procedures.registry import Registry

REGISTRY = Registry()
procedure = REGISTRY.procedure
OWNER = frozenset({Role.owner})
