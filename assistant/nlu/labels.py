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

# The labels of the people a command names.
PERSON_LABELS = frozenset({"CONTACT", "DUPLICATE"})

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

_WHO = frozenset({"CONTACT", "EMAIL", "PHONE"})

# Which entity labels each intent's arguments are filled from (the commands' slot table,
# assistant/commands/slots.py, reads the same labels; a test keeps the two in step). A span
# of any other label cannot become an argument of that intent.
INTENT_LABELS: dict[str, frozenset[str]] = {
    "contacts.create": _WHO | {"DATE", "TAG"},
    "contacts.get": _WHO,
    "contacts.search": _WHO | {"TAG"},
    "contacts.update": _WHO | {"DATE"},
    "contacts.delete": _WHO,
    "contacts.merge": _WHO | {"DUPLICATE"},
    "contacts.enrich": _WHO,
    "notes.add": _WHO | {"BODY"},
    "notes.list": _WHO,
    "notes.delete": _WHO | {"BODY", "DATE", "TIME"},
    "tasks.create": _WHO | {"BODY", "DATE", "TIME"},
    "tasks.list": _WHO | {"DATE"},
    "tasks.complete": _WHO | {"BODY", "DATE", "TIME"},
    "appointments.book": _WHO | {"DATE", "TIME", "DURATION"},
    "appointments.list": _WHO | {"DATE"},
    "appointments.cancel": _WHO | {"DATE", "TIME"},
    "emails.draft": _WHO | {"PURPOSE", "BODY"},
    "emails.send": _WHO | {"PURPOSE"},
    "tags.add": _WHO | {"TAG"},
    "tags.remove": _WHO | {"TAG"},
    CHAT: frozenset(),
}
