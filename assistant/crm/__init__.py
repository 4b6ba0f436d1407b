"""CRM procedures; importing this package declares every one of them on REGISTRY."""

from __future__ import annotations

from assistant.crm import appointments, contacts, emails, enrichment, notes, tags, tasks
from assistant.crm.declare import REGISTRY

__all__ = [
    "REGISTRY",
    "appointments",
    "contacts",
    "emails",
    "enrichment",
    "notes",
    "tags",
    "tasks",
]
