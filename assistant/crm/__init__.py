"""CRM procedures, one module per kind of record; `MODULES` lists those that declare some.

Nothing registers itself on import: assistant/compose.py builds the registry from `MODULES`.
"""

from __future__ import annotations

from types import ModuleType

from assistant.crm import (
    appointments,
    background,
    contacts,
    emails,
    enrichment,
    notes,
    tags,
    tasks,
)

MODULES: tuple[ModuleType, ...] = (
    appointments,
    background,
    contacts,
    emails,
    enrichment,
    notes,
    tags,
    tasks,
)
