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
from assistant.db.models.ops import Action, Approval, AuditEvent, Conversation, Event, Job, Message
from assistant.db.models.policy import ProcedurePolicy
from assistant.db.models.usage import UsageRecord

__all__ = [
    "Action",
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
    "ProcedurePolicy",
    "Role",
    "Tag",
    "Task",
    "UsageRecord",
    "User",
    "UserBase",
    "UserPublic",
    "WebSession",
]
