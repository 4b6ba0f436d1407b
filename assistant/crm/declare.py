"""The registry the CRM modules declare their procedures on (declarations, not runtime state)."""

from __future__ import annotations

from assistant.procedures.registry import Registry

REGISTRY = Registry()
procedure = REGISTRY.procedure
