"""CRM procedures; importing this package declares every one of them on REGISTRY."""

from __future__ import annotations

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
from assistant.crm.declare import REGISTRY

__all__ = [
    "REGISTRY",
    "appointments",
    "background",
    "contacts",
    "emails",
    "enrichment",
    "notes",
    "tags",
    "tasks",
]
