"""The label sets shared by data, training and evaluation: one place, so they cannot drift."""

from __future__ import annotations

INTENTS: tuple[str, ...] = (
    "contacts.create",
    "contacts.get",
    "contacts.search",
    "contacts.update",
    "contacts.delete",
    "contacts.merge",
    "contacts.enrich",
    "notes.add",
    "notes.list",
    "notes.delete",
    "tasks.create",
    "tasks.list",
    "tasks.complete",
    "appointments.book",
    "appointments.list",
    "appointments.cancel",
    "emails.draft",
    "emails.send",
    "tags.add",
    "tags.remove",
    "chat",
)

ENTITY_LABELS: tuple[str, ...] = (
    "CONTACT",
    "DUPLICATE",
    "BODY",
    "DATE",
    "TIME",
    "DURATION",
    "EMAIL",
    "PHONE",
    "TAG",
    "PURPOSE",
)

CHAT = "chat"
