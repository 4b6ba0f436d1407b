"""Every table, imported in one place so metadata (and Alembic) sees them all."""

from __future__ import annotations

from assistant.db.models.crm import (
    Appointment,
    Contact,
    ContactBase,
    ContactTag,
    EmailDraft,
    Note,
    Tag,
    Task,
)
from assistant.db.models.identity import ApiToken, Role, User, UserBase, UserPublic, WebSession
from assistant.db.models.ops import Approval, AuditEvent, Conversation, Event, Job, Message

__all__ = [
    "ApiToken",
    "Appointment",
    "Approval",
    "AuditEvent",
    "Contact",
    "ContactBase",
    "ContactTag",
    "Conversation",
    "EmailDraft",
    "Event",
    "Job",
    "Message",
    "Note",
    "Role",
    "Tag",
    "Task",
    "User",
    "UserBase",
    "UserPublic",
    "WebSession",
]
